"""Scale: the OpenAlex works snapshot through DuckDB (embedded, out of core) or Spark, one plan."""

from collabatlas.scale.plan import ScaleResult, resolve_arrow
from collabatlas.scale.run import ENGINES, SnapshotReport, run_engine, snapshot
from collabatlas.scale.snapshot import AI_TOPICS, Snapshot, WorkFilter, locate

__all__ = [
    "AI_TOPICS",
    "ENGINES",
    "ScaleResult",
    "Snapshot",
    "SnapshotReport",
    "WorkFilter",
    "locate",
    "resolve_arrow",
    "run_engine",
    "snapshot",
]
