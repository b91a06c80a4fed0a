"""Scale: the snapshot plan on a synthetic OpenAlex works snapshot, DuckDB and Spark local mode.

    python bench/scale.py                                   # 10 million authorships, both engines
    python bench/scale.py --authorships 1000000 --engines duckdb
    python bench/scale.py --spark-authorships 2000000      # Spark on a smaller snapshot
    python bench/scale.py --keep /tmp/snapshots            # keep (and reuse) the snapshot
    python bench/scale.py --distinct 1000000 --authorships 3000000   # realistic cardinality

Builds gzipped JSON Lines in the real Work schema (``data/works/updated_date=*/part_NNN.gz``) in a
temp dir. Affiliation strings are drawn, per author, from the ``aff`` fields of the shared paper
lists (so their frequency distribution is that of real AI venues); authors per work from the same
files. Those files hold only about 10,000 distinct strings, so the resolver is nearly free there;
``--distinct N`` instead composes about N distinct strings from real parts of them (departments,
institutions, cities, countries, recombined) and draws each author's from those, so the resolver
sees the cardinality of a full snapshot (tens of millions of distinct strings) at a smaller size,
and the figure to read is distinct strings resolved per second per core. Each engine runs
end to end (read, filter, explode, resolve distinct strings, aggregate,
write Parquet) in a child process; peak memory is the largest summed RSS of its process tree
(the JVM included for Spark), sampled every 50 ms.

Targets on a 2-core machine: DuckDB >= 200,000 authorships/s end to end with peak memory <= 4 GiB;
Spark local mode within 3x of DuckDB per core.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "paperlists"
OA = "https://openalex.org/"
VENUES = [(f"{OA}S43064{i:05d}", f"AI Venue {i}") for i in range(40)]
TOPICS = [  # (topic, subfield, share): mostly AI subfields, some other CS to be filtered out
    ("T10028", "1702", 0.55),
    ("T10052", "1707", 0.35),
    ("T10273", "1705", 0.10),
]
WORKS_PER_FILE = 50_000


@lru_cache(maxsize=1)
def author_pools() -> tuple[list[list[str]], list[int]]:
    """Per-author affiliation lists and authors-per-paper counts from the shared paper lists."""
    authors: list[list[str]] = []
    sizes: list[int] = []
    for path in sorted(SHARED.glob("*/*.json")):
        for paper in json.loads(path.read_text(encoding="utf-8")):
            names = [n for n in str(paper.get("author") or "").split(";") if n.strip()]
            affs = str(paper.get("aff") or "").split(";")
            if names:
                sizes.append(len(names))
            for aff in affs:
                authors.append([a.strip() for a in aff.split("+") if a.strip()])
    return authors, sizes


_INSTITUTION = ("univ", "institut", "college", "school", "academy", "research", "lab", "inc", "ltd",
                "corp", "hospital", "center", "centre", "polytechn", "ecole", "technolog")  # fmt: skip


@lru_cache(maxsize=2)
def composed_pool(distinct: int) -> list[list[str]]:
    """About ``distinct`` different affiliation strings composed from real parts of the shared
    lists' ``aff`` fields: [department,] institution[, city][, country], each part taken from
    where real strings put it (the same in every process: a fixed seed)."""
    departments: set[str] = set()
    institutions: set[str] = set()
    cities: set[str] = set()
    countries: set[str] = set()
    for path in sorted(SHARED.glob("*/*.json")):
        for paper in json.loads(path.read_text(encoding="utf-8")):
            for aff in str(paper.get("aff") or "").replace("+", ";").split(";"):
                parts = [p.strip() for p in aff.split(",") if p.strip()]
                if len(parts) < 2:
                    continue
                named = [any(word in part.lower() for word in _INSTITUTION) for part in parts]
                if not named[-1] and len(parts[-1].split()) <= 3:
                    countries.add(parts[-1])
                if len(parts) >= 3 and not named[-2] and len(parts[-2].split()) <= 3:
                    cities.add(parts[-2])
                institutions.update(part for part, name in zip(parts, named, strict=True) if name)
                if len(parts) >= 3 and named[1] and not named[0]:
                    departments.add(parts[0])
    pools = [sorted(departments), sorted(institutions), sorted(cities), sorted(countries)]
    rng = random.Random(18)
    found: dict[str, None] = {}
    while len(found) < distinct:
        dept, inst, city, country = (rng.choice(pool) for pool in pools)
        parts = [dept] if rng.random() < 0.5 else []
        parts.append(inst)
        parts += [city] if rng.random() < 0.5 else []
        parts += [country] if rng.random() < 0.7 else []
        found[", ".join(parts)] = None
    return [[text] for text in found]


def _work(rng: random.Random, wid: int, authors: list[list[str]], sizes: list[int]) -> tuple[str, int]:
    venue_id, venue = rng.choice(VENUES)
    topic, subfield, _ = rng.choices(TOPICS, weights=[t[2] for t in TOPICS])[0]
    n = rng.choice(sizes)
    authorships = []
    for i in range(n):
        raws = rng.choice(authors)
        authorships.append(
            {
                "author_position": "first" if i == 0 else ("last" if i == n - 1 else "middle"),
                "author": {"id": f"{OA}A{wid * 50 + i}", "display_name": f"Author {wid}-{i}", "orcid": None},
                "institutions": [],
                "countries": [],
                "is_corresponding": i == 0,
                "raw_author_name": f"Author {wid}-{i}",
                "raw_affiliation_strings": raws,
                "affiliations": [{"raw_affiliation_string": r, "institution_ids": []} for r in raws],
            }
        )
    year = rng.randint(2015, 2024)
    record = {
        "id": f"{OA}W{wid}",
        "doi": f"https://doi.org/10.5555/synthetic.{wid}",
        "title": f"Synthetic work {wid}",
        "display_name": f"Synthetic work {wid}",
        "publication_year": year,
        "publication_date": f"{year}-06-01",
        "type": "article",
        "primary_location": {
            "is_oa": True,
            "landing_page_url": f"https://example.org/{wid}",
            "source": {"id": venue_id, "display_name": venue, "type": "conference"},
        },
        "primary_topic": {
            "id": OA + topic,
            "display_name": topic,
            "score": 0.99,
            "subfield": {"id": f"{OA}subfields/{subfield}", "display_name": subfield},
            "field": {"id": f"{OA}fields/17", "display_name": "Computer Science"},
            "domain": {"id": f"{OA}domains/3", "display_name": "Physical Sciences"},
        },
        "concepts": [{"id": f"{OA}C41008148", "display_name": "Computer science", "level": 0, "score": 0.7}],
        "authorships": authorships,
        "cited_by_count": rng.randint(0, 500),
        "updated_date": "2024-06-01T00:00:00",
    }
    return json.dumps(record), n


def _write_file(args: tuple[Path, int, int, int, int]) -> int:
    path, first_id, count, seed, distinct = args
    authors, sizes = author_pools()
    if distinct:
        authors = composed_pool(distinct)
    rng = random.Random(seed)
    total = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", compresslevel=1, encoding="utf-8") as handle:
        for wid in range(first_id, first_id + count):
            line, n = _work(rng, wid, authors, sizes)
            handle.write(line + "\n")
            total += n
    return total


def build_snapshot(root: Path, authorships: int, distinct: int = 0) -> tuple[int, int]:
    """Write a snapshot of about ``authorships`` authorships (affiliations drawn from the real
    strings, or from ``distinct`` composed ones); returns (works, authorships)."""
    _, sizes = author_pools()
    works = int(authorships / (sum(sizes) / len(sizes)))
    jobs = []
    for index, first in enumerate(range(0, works, WORKS_PER_FILE)):
        date = f"2024-0{1 + index % 6}-01"
        path = root / "data" / "works" / f"updated_date={date}" / f"part_{index:03d}.gz"
        jobs.append((path, 1_000_000_000 + first, min(WORKS_PER_FILE, works - first), index, distinct))
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        total = sum(pool.map(_write_file, jobs))
    return works, total


def snapshot_at(root: Path, authorships: int, distinct: int = 0) -> tuple[int, int]:
    """Build the snapshot at ``root`` unless a finished one is there; returns (works, authorships)."""
    counts = root / "counts.json"
    start = time.perf_counter()
    if counts.exists():
        works, total = json.loads(counts.read_text())
        how = f"reused from {root}"
    else:
        works, total = build_snapshot(root, authorships, distinct)
        counts.write_text(json.dumps([works, total]))
        how = f"built in {time.perf_counter() - start:.0f} s"
    mb = sum(f.stat().st_size for f in root.rglob("*.gz")) / 1e6
    print(f"snapshot: {works:,} works, {total:,} authorships, {mb:,.0f} MB gzipped ({how})", flush=True)
    return works, total


def tree_sample(pid: int) -> tuple[int, dict[int, int]]:
    """Summed resident memory (bytes) of a process and its descendants, and each one's CPU ticks."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(stat[1]), []).append(int(entry.name))
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
            ticks[int(entry.name)] = int(stat[11]) + int(stat[12])
        except (OSError, IndexError, ValueError):
            continue
    total, stack, cpu = 0, [pid], {}
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        cpu[p] = ticks.get(p, 0)
        stack.extend(children.get(p, []))
    return total, cpu


def measure(cmd: list[str]) -> tuple[dict[str, object], int, float]:
    """Run one engine in a child process: its JSON result, the peak RSS of its process tree, and
    the CPU seconds (user + system, last sample of each process, JVM included) of that tree.
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    cpu_ticks: dict[int, int] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            try:
                rss, ticks = tree_sample(proc.pid)
            except Exception:  # a process vanishing mid-scan must not end the sampling
                continue
            peak = max(peak, rss)
            cpu_ticks.update(ticks)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode:
        raise SystemExit(f"engine run failed: {' '.join(cmd)}")
    cpu = sum(cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")
    return json.loads(out.strip().splitlines()[-1]), peak, cpu


def run_engine(engine: str, snapshot: str, out: str, cores: int, memory_limit: str) -> None:
    """Child-process entry: run one engine end to end and print its figures as JSON."""
    from collabatlas.scale import WorkFilter, locate
    from collabatlas.scale.duckdb_engine import run_duckdb
    from collabatlas.scale.spark_engine import run_spark, spark_session

    start = time.perf_counter()
    if engine == "duckdb":
        result = run_duckdb(locate(snapshot), WorkFilter(), out, memory_limit=memory_limit, threads=cores)
    else:
        spark = spark_session(f"local[{cores}]")
        result = run_spark(locate(snapshot), WorkFilter(), out, spark=spark)
        spark.stop()
    print(
        json.dumps(
            {
                "works": result.works,
                "authorships": result.authorships,
                "strings": result.affiliation_strings,
                "engine_seconds": result.seconds,
                "wall": time.perf_counter() - start,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorships", type=int, default=10_000_000)
    parser.add_argument("--spark-authorships", type=int, default=None, help="default: --authorships")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--memory-limit", default="2GB")
    parser.add_argument("--keep", metavar="DIR", help="build the snapshot in DIR (reused when there)")
    parser.add_argument(
        "--distinct", type=int, default=0, help="compose about this many distinct strings (0: the real ones)"
    )
    parser.add_argument("--run-engine", nargs=5, metavar=("ENGINE", "SNAPSHOT", "OUT", "CORES", "MEM"))
    args = parser.parse_args()
    if args.run_engine:
        engine, snapshot, out, cores, mem = args.run_engine
        run_engine(engine, snapshot, out, int(cores), mem)
        return
    engines = args.engines.split(",")
    sizes = {"duckdb": args.authorships, "spark": args.spark_authorships or args.authorships}
    with tempfile.TemporaryDirectory(prefix="collabatlas-bench-") as tmp:
        built: dict[int, tuple[str, int]] = {}
        for engine in engines:
            size = sizes[engine]
            if size not in built:
                suffix = f"-distinct-{args.distinct}" if args.distinct else ""
                root = Path(args.keep or tmp) / f"snapshot-{size}{suffix}"
                built[size] = (str(root), snapshot_at(root, size, args.distinct)[1])
            root, total = built[size]
            for cores in (2,) if engine == "duckdb" else (1, 2):
                cmd = [
                    sys.executable,
                    __file__,
                    "--run-engine",
                    engine,
                    root,
                    str(Path(tmp) / f"out-{engine}-{cores}"),
                    str(cores),
                    args.memory_limit,
                ]
                load = os.getloadavg()[0]
                figures, peak, cpu = measure(cmd)
                wall = float(figures["wall"])  # type: ignore[arg-type]
                strings = int(figures["strings"])  # type: ignore[call-overload]
                print(
                    f"{engine:6} {cores} core(s): {wall:7.1f} s wall, peak RSS {peak / 2**30:.2f} GiB, "
                    f"{total / wall:,.0f} authorships/s ({total / wall / cores:,.0f} per core); "
                    f"{cpu:.1f} CPU s = {total / max(cpu, 1e-9):,.0f} authorships per CPU-second; "
                    f"{figures['works']:,} AI works, {figures['authorships']:,} of their authorships, "
                    f"{figures['strings']:,} distinct strings = {strings / wall / cores:,.0f} "
                    f"strings/s per core; load average before {load:.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
