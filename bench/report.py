"""Speed of ``collabatlas report`` on NeurIPS 2014–2018 from the shared data, and the README screenshots.

    python bench/report.py                      # time the report (target: <= 15 s wall)
    python bench/report.py --screenshots docs/img

The store is built once in a temporary directory (ingest, then ``detect`` so the technology-flow
section is drawn too); the timed step is the ``collabatlas report`` command as a user runs it, in a
fresh process, best and worst of three. With ``--screenshots``, the page is opened in headless
Chromium (network blocked) and each section is saved as ``report-<section>.png``, downscaled so
each file stays under 400 KB.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from labels import LABELED

import collabatlas as ca
from collabatlas.technology.apply import detect_pending

TARGET_SECONDS = 15.0
YEARS = (2014, 2015, 2016, 2017, 2018)
SECTIONS = ("headline", "trend", "pairs", "institutions", "flows", "evidence", "methods")
MAX_BYTES = 400_000
CLI = Path(sys.executable).with_name("collabatlas")


def build_store(path: Path) -> None:
    with ca.Store(path) as store:
        ca.ingest(store, [str(LABELED / f"nips{year}.json") for year in YEARS])
        detect_pending(store)


def time_report(db: Path, out: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one ``collabatlas report`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(CLI), "report", "--db", str(db), "--out", str(out)], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def screenshots(index: Path, target: Path) -> list[tuple[Path, int]]:
    from PIL import Image
    from playwright.sync_api import sync_playwright

    target.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        page.goto(index.as_uri(), wait_until="load")
        for section in SECTIONS:
            locator = page.locator(f"section#{section}")
            if not locator.count():
                continue
            image = Image.open(io.BytesIO(locator.screenshot()))
            if image.height > 2400:
                image = image.crop((0, 0, image.width, 2400))
            path = target / f"report-{section}.png"
            scale = 1.0
            while True:
                size = (int(image.width * scale), int(image.height * scale))
                small = image.resize(size, Image.Resampling.LANCZOS)
                small.convert("P", palette=Image.Palette.ADAPTIVE).save(path, optimize=True)
                if path.stat().st_size < MAX_BYTES:
                    break
                scale *= 0.85
            written.append((path, path.stat().st_size))
        browser.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=Path, help="write report-<section>.png files here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "neurips.duckdb"
        build_store(db)
        runs = [time_report(db, Path(tmp) / f"report{i}") for i in range(3)]
        times = [wall for wall, _ in runs]
        print(
            f"collabatlas report, NeurIPS {YEARS[0]}–{YEARS[-1]} (with technology flow): "
            f"best {min(times):.2f} s, worst {max(times):.2f} s wall of 3 "
            f"(target <= {TARGET_SECONDS:.0f} s): {'OK' if max(times) <= TARGET_SECONDS else 'MISSED'}; "
            f"CPU {min(cpu for _, cpu in runs):.2f}–{max(cpu for _, cpu in runs):.2f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        if args.screenshots:
            for path, size in screenshots(Path(tmp) / "report0" / "index.html", args.screenshots):
                print(f"{path}: {size / 1000:.0f} KB")


if __name__ == "__main__":
    main()
