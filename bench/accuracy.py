"""Score the resolver against Paper Copilot's labels, with a naive baseline side by side.

    python bench/accuracy.py [FILE.json ...]      (default: the development lists in ../shared/.../labeled)
    python bench/accuracy.py --by-venue           (fit venues and held-out venues, side by side)

Per file and overall:
- agreement: of single-affiliation authors with a usable label that we gave a country, the share
  whose country equals the label (HK/MO/TW counted as China, the labels' scheme);
- coverage: of all non-empty affiliations, the share given a country;
- US–CN F1: paper-level "has US and CN authors" on papers whose every author is labeled.
The naive baseline: country_converter on the comma-separated parts, else the domain's
country-code TLD with .edu as US.

Then coverage alone on the unlabeled OpenReview files in ../shared/.../raw (no labels to agree with).

``--by-venue`` splits the labeled files by venue: the held-out venues (``--hold-out``, default
those in ``labels.HELD_OUT_VENUES``) are scored and never read for errors (``--show`` prints only
the fit venues' disagreements); the fit venues' files are also split into the development lists
(the ones the curated tables were written from) and their unseen venue-years.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from labels import AS_CHINA, DEVELOPMENT, HELD_OUT_VENUES, LABELED, RAW, LabeledAuthor, labeled_authors

from collabatlas.resolve import Resolution, load_registry, resolve_batch
from collabatlas.resolve import clues as clues_module
from collabatlas.resolve import resolver as resolver_module
from collabatlas.resolve.geo import tld_country
from collabatlas.resolve.registries import read_ror, read_university_domains
from collabatlas.resolve.registry import Registry, with_extra
from collabatlas.sources.venues import venue_year_from_name

Pair = tuple[str, str]
Resolver = Callable[[list[Pair], list[frozenset[str]]], list[str | None]]


@dataclass
class Score:
    """Counts behind one row of the accuracy table."""

    labeled: int = 0
    answered: int = 0
    agreed: int = 0
    affiliations: int = 0
    covered: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    disagreements: list[tuple[str, str, str, str | None]] = field(default_factory=list)

    @property
    def agreement(self) -> float:
        return self.agreed / self.answered if self.answered else 0.0

    @property
    def coverage(self) -> float:
        return self.covered / self.affiliations if self.affiliations else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0


# Registries added for a run (``--ror``, ``--domains``), as `collabatlas registry add-…` would.
EXTRA: list[tuple[str, Path]] = []
# Of the resolutions naming an institution, how many carry a ROR id (last run).
ROR_IDS = [0, 0]


def registry_for_run() -> Registry:
    """The shipped registry, with the registries given on the command line merged in."""
    registry = load_registry()
    for kind, path in EXTRA:
        reader = read_ror if kind == "ror" else read_university_domains
        source, institutions = reader(path.read_bytes(), str(path))
        registry = with_extra(registry, institutions, tag=source.sha256[:12])
    return registry


def collabatlas_resolver() -> Resolver:
    """The shipped resolver, as a function of distinct pairs."""
    registry = registry_for_run()

    def run(pairs: list[Pair], contexts: list[frozenset[str]]) -> list[str | None]:
        found = resolve_batch(pairs, registry, contexts)
        named = [r for r in found if r.institution_id]
        ROR_IDS[:] = [sum(bool(getattr(r, "ror_id", None)) for r in named), len(named)]  # any release
        return [r.country for r in found]

    return run


def naive_resolver() -> Resolver:
    """country_converter on comma parts, else the domain's TLD (.edu as US)."""
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    converter = coco.CountryConverter()
    cache: dict[str, str | None] = {}

    def part_country(part: str) -> str | None:
        if part not in cache:
            code = converter.convert(part, to="ISO2", not_found="")
            cache[part] = code if isinstance(code, str) and code else None
        return cache[part]

    def one(raw: str, domain: str) -> str | None:
        for part in reversed([p.strip() for p in raw.split(",") if p.strip()]):
            code = part_country(part)
            if code:
                return code
        return tld_country(domain)

    return lambda pairs, _contexts: [one(raw, domain) for raw, domain in pairs]


def score(authors: Iterable[LabeledAuthor], answers: dict[tuple[str, str], str | None]) -> Score:
    """Score one file's authors given answers for every (aff, domain)."""
    result = Score()
    papers: dict[str, list[tuple[str | None, list[str | None]]]] = defaultdict(list)
    for author in authors:
        predicted = [answers[pair] for pair in author.affiliations]
        result.affiliations += len(predicted)
        result.covered += sum(p is not None for p in predicted)
        papers[author.paper].append((author.label, predicted))
        if author.label is None:
            continue
        result.labeled += 1
        guess = predicted[0]
        if guess is None:
            continue
        result.answered += 1
        if AS_CHINA.get(guess, guess) == author.label:
            result.agreed += 1
        else:
            raw, domain = author.affiliations[0]
            result.disagreements.append((raw, domain, author.label, guess))
    for entries in papers.values():
        if not entries or any(label is None for label, _ in entries):
            continue
        gold = {label for label, _ in entries}
        pred = {AS_CHINA.get(c, c) for _, cs in entries for c in cs if c}
        g, p = {"US", "CN"} <= gold, {"US", "CN"} <= pred
        result.tp += g and p
        result.fp += p and not g
        result.fn += g and not p
    return result


def merged(scores: Iterable[Score]) -> Score:
    total = Score()
    for s in scores:
        for name in ("labeled", "answered", "agreed", "affiliations", "covered", "tp", "fp", "fn"):
            setattr(total, name, getattr(total, name) + getattr(s, name))
    return total


def coauthor_domains(authors: Iterable[LabeledAuthor]) -> dict[Pair, frozenset[str]]:
    """Each pair's context: the e-mail domains of the other affiliations on its papers."""
    by_paper: dict[str, set[Pair]] = defaultdict(set)
    for author in authors:
        by_paper[author.paper].update(author.affiliations)
    found: dict[Pair, set[str]] = defaultdict(set)
    for pairs in by_paper.values():
        domains = {d for _, d in pairs if d}
        for pair in pairs:
            found[pair] |= domains - {pair[1]}
    return {pair: frozenset(domains) for pair, domains in found.items()}


def evaluate(files: list[Path], resolver: Resolver) -> tuple[dict[str, Score], float]:
    """Score every file; returns the per-file scores and the resolver's seconds."""
    per_file = {f.name: list(labeled_authors(f)) for f in files}
    pairs = sorted({p for authors in per_file.values() for a in authors for p in a.affiliations})
    context = coauthor_domains(a for authors in per_file.values() for a in authors)
    started = time.perf_counter()
    answers = dict(zip(pairs, resolver(pairs, [context.get(p, frozenset()) for p in pairs]), strict=True))
    seconds = time.perf_counter() - started
    return {name: score(authors, answers) for name, authors in per_file.items()}, seconds


def _labeled_answers(files: list[Path]) -> list[tuple[LabeledAuthor, Resolution]]:
    """Each labeled single-affiliation author with the shipped resolver's resolution."""
    authors = [a for f in files for a in labeled_authors(f)]
    context = coauthor_domains(authors)
    labeled = [a for a in authors if a.label is not None]
    pairs = sorted({a.affiliations[0] for a in labeled})
    registry = registry_for_run()
    found = dict(
        zip(pairs, resolve_batch(pairs, registry, [context.get(p, frozenset()) for p in pairs]), strict=True)
    )
    return [(a, found[a.affiliations[0]]) for a in labeled]


def by_method(files: list[Path]) -> None:
    """Agreement with the labels per method (which rules carry the figures, and how well)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for author, resolution in _labeled_answers(files):
        if resolution.country is not None:
            counts[resolution.method][0] += 1
            counts[resolution.method][1] += (
                AS_CHINA.get(resolution.country, resolution.country) == author.label
            )
    print(f"{'method':<22}{'answered':>9}{'agree':>8}")
    for method, (answered, agreed) in sorted(counts.items(), key=lambda kv: -kv[1][0]):
        print(f"{method:<22}{answered:>9}{agreed / answered:>8.4f}")


def calibrate(files: list[Path]) -> None:
    """Sweep the fuzzy threshold: agreement of answers decided by a near-name, by its ratio.

    Resolves with the threshold lowered to 70, then reports for each candidate threshold how
    many fuzzy-decided authors it would keep and how many of those agree with the labels.
    """
    clues_module.FUZZY_THRESHOLD = resolver_module.FUZZY_THRESHOLD = 70.0
    registry = load_registry()
    rows = []
    for author, resolution in _labeled_answers(files):
        if resolution.method != resolver_module.FUZZY_NAME or resolution.country is None:
            continue
        raw, domain = author.affiliations[0]
        hits = [h.score for h in clues_module.find_clues(raw, domain, registry).names if h.via == "fuzzy"]
        agreed = AS_CHINA.get(resolution.country, resolution.country) == author.label
        rows.append((max(hits, default=0.0), agreed, raw))
    print(f"{'threshold':>9}{'kept':>6}{'agree':>8}")
    for threshold in range(70, 101, 2):
        kept = [agreed for score, agreed, _ in rows if score >= threshold]
        if kept:
            print(f"{threshold:>9}{len(kept):>6}{sum(kept) / len(kept):>8.4f}")
    for score, agreed, raw in sorted(rows):
        if not agreed:
            print(f"  disagrees at {score:.1f}: {raw!r}")


def _row(name: str, o: Score, n: Score | None = None) -> str:
    line = f"{name:<26}{o.labeled:>8} | {o.agreement:>7.4f}{o.coverage:>7.4f}{o.f1:>7.4f}"
    if n is not None:
        line += f" | {n.agreement:>12.4f}{n.coverage:>7.4f}{n.f1:>7.4f}"
    return line


def by_venue(files: list[Path], held_out: Iterable[str], show: int) -> None:
    """Fit venues and held-out venues scored apart, per venue and per group, naive beside."""
    held = {v.lower() for v in held_out}
    venue_of = {f.name: venue_year_from_name(f.name)[0] for f in files}
    ours, _ = evaluate(files, collabatlas_resolver())
    with_ror, named = ROR_IDS
    naive, _ = evaluate(files, naive_resolver())
    groups = {
        "development lists": [f.name for f in files if f.name in DEVELOPMENT],
        "fit: unseen years": [
            f.name for f in files if f.name not in DEVELOPMENT and venue_of[f.name].lower() not in held
        ],
        "held-out venues": [f.name for f in files if venue_of[f.name].lower() in held],
    }
    groups["all unseen venue-years"] = groups["fit: unseen years"] + groups["held-out venues"]
    print(f"held-out venues: {', '.join(sorted(held))}")
    print(
        f"{'venue (files)':<26}{'labeled':>8} | {'agree':>7}{'cover':>7}{'F1':>7} | "
        f"{'naive agree':>12}{'cover':>7}{'F1':>7}"
    )
    for venue in sorted(set(venue_of.values()), key=lambda v: (v.lower() in held, v.lower())):
        names = [n for n in ours if venue_of[n] == venue]
        tag = "held out" if venue.lower() in held else "fit"
        label = f"{venue} ({len(names)}, {tag})"
        print(_row(label, merged(ours[n] for n in names), merged(naive[n] for n in names)))
    print()
    for group, names in groups.items():
        if names:
            print(
                _row(
                    f"{group} ({len(names)})", merged(ours[n] for n in names), merged(naive[n] for n in names)
                )
            )
    for name in groups["all unseen venue-years"]:
        print(_row(f"  {name}", ours[name], naive[name]))
    share = with_ror / max(named, 1)
    print(f"distinct pairs naming an institution: {named}, with a ROR id: {with_ror} ({share:.4f})")
    if show:
        fit = [d for n in ours if venue_of[n].lower() not in held for d in ours[n].disagreements]
        for raw, domain, label, guess in fit[:show]:
            print(f"  label {label} ours {guess}: {raw!r} [{domain}]")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--show", type=int, default=0, help="print this many disagreements")
    parser.add_argument("--methods", action="store_true", help="agreement per resolver method")
    parser.add_argument("--calibrate", action="store_true", help="sweep the fuzzy-name threshold")
    parser.add_argument("--by-venue", action="store_true", help="fit and held-out venues apart")
    parser.add_argument(
        "--hold-out",
        default=",".join(HELD_OUT_VENUES),
        help="comma-separated venues --by-venue holds out (default: %(default)s)",
    )
    parser.add_argument("--ror", type=Path, help="add this ROR v2 dump (zip or JSON) to the registry")
    parser.add_argument("--domains", type=Path, help="add this university-domains JSON to the registry")
    args = parser.parse_args()
    if args.ror:
        EXTRA.append(("ror", args.ror))
    if args.domains:
        EXTRA.append(("domains", args.domains))
    every = sorted(LABELED.glob("*.json"))
    files = args.files or (every if args.by_venue else [f for f in every if f.name in DEVELOPMENT])
    if not files:
        sys.exit(f"no labeled files found under {LABELED}")
    if args.calibrate:
        calibrate(files)
        return
    if args.by_venue:
        by_venue(files, [v.strip() for v in args.hold_out.split(",") if v.strip()], args.show)
        return
    if args.methods:
        by_method(files)
    ours, our_seconds = evaluate(files, collabatlas_resolver())
    naive, naive_seconds = evaluate(files, naive_resolver())
    print(
        f"{'file':<18}{'labeled':>8} | {'agree':>7}{'cover':>7}{'F1':>7} | "
        f"{'naive agree':>12}{'cover':>7}{'F1':>7}"
    )
    for name in [*ours, "OVERALL"]:
        o = merged(ours.values()) if name == "OVERALL" else ours[name]
        n = merged(naive.values()) if name == "OVERALL" else naive[name]
        print(
            f"{name:<18}{o.labeled:>8} | {o.agreement:>7.4f}{o.coverage:>7.4f}{o.f1:>7.4f} | "
            f"{n.agreement:>12.4f}{n.coverage:>7.4f}{n.f1:>7.4f}"
        )
    print(f"resolver time: collabatlas {our_seconds:.2f} s, naive {naive_seconds:.2f} s")
    raw_files = [f for f in sorted(RAW.glob("*.json")) if not args.files and "authors-only" not in f.name]
    if raw_files:
        ours_raw, _ = evaluate(raw_files, collabatlas_resolver())
        naive_raw, _ = evaluate(raw_files, naive_resolver())
        print(f"\n{'raw (unlabeled)':<18}{'affs':>8} | {'cover':>7} | {'naive cover':>12}")
        for name in [*ours_raw, "OVERALL"]:
            o = merged(ours_raw.values()) if name == "OVERALL" else ours_raw[name]
            n = merged(naive_raw.values()) if name == "OVERALL" else naive_raw[name]
            print(f"{name:<18}{o.affiliations:>8} | {o.coverage:>7.4f} | {n.coverage:>12.4f}")
    if args.show:
        disagreements = [d for s in ours.values() for d in s.disagreements]
        for raw, domain, label, guess in disagreements[: args.show]:
            print(f"  label {label} ours {guess}: {raw!r} [{domain}]")


if __name__ == "__main__":
    main()
