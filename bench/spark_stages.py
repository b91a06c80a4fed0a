"""Where a Spark run's time goes: run the snapshot plan once and print every stage's figures.

    python bench/spark_stages.py SNAPSHOT [--cores 2]

SNAPSHOT is any snapshot path; ``python bench/scale.py --keep DIR`` builds one that stays.
Per stage, from Spark's REST API: tasks, wall seconds, task run and CPU seconds, GC, input,
shuffle read and write (MB). Then the CPU seconds of this process tree's threads, grouped by
thread name (task threads, the JIT compiler, GC, Python workers), read from /proc at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

from scale import tree_sample  # bench/scale.py, beside this script

HEADER = "stage tasks   wall    run    cpu    gc   in MB  shufIn shufOut  name"


def _seconds(stamp: str) -> float:
    return datetime.strptime(stamp.replace("GMT", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


Row = tuple[int, int, float, float, float, float, float, float, float, str]


def stage_rows(url: str, app: str) -> list[Row]:
    """One row per completed stage, in stage order."""
    with urllib.request.urlopen(f"{url}/api/v1/applications/{app}/stages") as response:
        stages = json.load(response)
    rows: list[Row] = []
    for s in stages:
        if s.get("status") != "COMPLETE":
            continue
        rows.append(
            (
                s["stageId"],
                s["numTasks"],
                _seconds(s["completionTime"]) - _seconds(s["submissionTime"]),
                s["executorRunTime"] / 1e3,
                s["executorCpuTime"] / 1e9,
                s.get("jvmGcTime", 0) / 1e3,
                s["inputBytes"] / 1e6,
                s["shuffleReadBytes"] / 1e6,
                s["shuffleWriteBytes"] / 1e6,
                s["name"][:50],
            )
        )
    return sorted(rows)


def thread_cpu(root: int) -> Counter[str]:
    """CPU seconds of every thread of ``root`` and its descendants, by process and thread name."""
    _, per_process = tree_sample(root)
    tick = os.sysconf("SC_CLK_TCK")
    groups: Counter[str] = Counter()
    for pid in per_process:
        try:
            process = Path(f"/proc/{pid}/comm").read_text().strip()
            for thread in Path(f"/proc/{pid}/task").iterdir():
                name = re.sub(r"[\d#\-\s]+$", "", re.sub(r"\d+", "N", (thread / "comm").read_text().strip()))
                stat = (thread / "stat").read_text().rsplit(")", 1)[1].split()
                groups[f"{process}: {name}"] += (int(stat[11]) + int(stat[12])) / tick
        except OSError:
            continue
    return groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("snapshot")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from collabatlas.scale import WorkFilter, locate
    from collabatlas.scale.spark_engine import run_spark, spark_session

    start = time.perf_counter()
    spark = spark_session(f"local[{args.cores}]")
    session = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="collabatlas-stages-") as out:
        result = run_spark(locate(args.snapshot), WorkFilter(), out, spark=spark)
    print(
        f"session {session:.1f} s, run {result.seconds:.1f} s; "
        f"{result.works:,} works, {result.authorships:,} authorships"
    )
    rows = stage_rows(spark.sparkContext.uiWebUrl or "", spark.sparkContext.applicationId)
    print(HEADER)
    for stage, tasks, wall, run, cpu, gc, read, shuffled_in, shuffled_out, name in rows:
        print(
            f"{stage:>5} {tasks:>5} {wall:6.1f} {run:6.1f} {cpu:6.1f} {gc:5.1f} "
            f"{read:7.0f} {shuffled_in:7.0f} {shuffled_out:7.0f}  {name}"
        )
    print(f"stages: wall {sum(r[2] for r in rows):.1f} s, task CPU {sum(r[4] for r in rows):.1f} s")
    for name, cpu in thread_cpu(os.getpid()).most_common(8):
        print(f"{cpu:8.1f} CPU s  {name}")
    spark.stop()


if __name__ == "__main__":
    main()
