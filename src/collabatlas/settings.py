"""Every environment variable collabatlas reads and every tunable, in one table.

``docs/settings.md`` is generated from this module (cog, checked in CI); a test checks that every
environment variable the code reads is listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from collabatlas.resolve.apply import BATCH_SIZE as RESOLVE_BATCH
from collabatlas.resolve.knowledge import weight_table, word_lists
from collabatlas.resolve.many import POOL_MIN_BATCH
from collabatlas.review.audit import MAX_SIZE as AUDIT_MAX
from collabatlas.review.queue import LOW_CONFIDENCE
from collabatlas.review.web import PAGE_SIZE as REVIEW_PAGE
from collabatlas.scale.duckdb_engine import BATCH_SIZE as SCALE_BATCH
from collabatlas.sources.openalex import PAGE_SIZE as OPENALEX_PAGE
from collabatlas.sources.openreview import PAGE_SIZE as OPENREVIEW_PAGE
from collabatlas.technology.apply import BATCH_SIZE as DETECT_BATCH


@dataclass(frozen=True, slots=True)
class Setting:
    """One environment variable or tunable: its name, default, where it is read and what it does."""

    name: str
    default: str
    where: str
    meaning: str


ENVIRONMENT = (
    Setting("COLLABATLAS_DB", "collabatlas.duckdb", "cli/app.py", "the store file of every command (`--db`)"),
    Setting(
        "COLLABATLAS_MAILTO",
        "(none)",
        "cli/commands.py, sources/openalex.py",
        "e-mail sent to OpenAlex as the polite identity (`--mailto`)",
    ),
    Setting(
        "COLLABATLAS_CACHE",
        "$XDG_CACHE_HOME/collabatlas",
        "sources/http.py",
        "the cache of fetched pages, the built registry and the resolution cache",
    ),
    Setting(
        "XDG_CACHE_HOME",
        "~/.cache",
        "sources/http.py",
        "the cache's parent when `COLLABATLAS_CACHE` is unset",
    ),
    Setting(
        "COLLABATLAS_RESOLUTION_CACHE",
        "on",
        "resolve/many.py",
        "`off` turns off the resolution cache (`resolutions.sqlite` in the cache folder, shared by "
        "every store, keyed by string, domain, co-author context and resolver fingerprint)",
    ),
    Setting(
        "COLLABATLAS_WORKERS",
        "1",
        "resolve/many.py, scale/duckdb_engine.py",
        "processes that resolve a batch of at least `resolve POOL_MIN_BATCH` strings, and the "
        "distinct strings of a DuckDB `snapshot` (at most its threads); 1: no pool",
    ),
    Setting(
        "COLLABATLAS_SPARK_DRIVER_MEMORY",
        "4g",
        "scale/spark_engine.py",
        "the Spark driver's heap in local mode (`spark.driver.memory`)",
    ),
    Setting(
        "COLLABATLAS_SPARK_JAVA_OPTIONS",
        "(scale/spark_engine.py LOCAL_JAVA_OPTIONS)",
        "scale/spark_engine.py",
        "the Spark driver's JVM options in local mode",
    ),
    Setting(
        "PYSPARK_PYTHON",
        "this Python",
        "scale/spark_engine.py",
        "the Python Spark workers run (set when unset)",
    ),
    Setting(
        "PYSPARK_DRIVER_PYTHON",
        "this Python",
        "scale/spark_engine.py",
        "the Python of the Spark driver (set when unset)",
    ),
)


def tunables() -> tuple[Setting, ...]:
    """Sizes and thresholds outside the resolver's weights."""
    return (
        Setting(
            "review LOW_CONFIDENCE",
            str(LOW_CONFIDENCE),
            "review/queue.py",
            "resolutions below this confidence are queued for review",
        ),
        Setting("review PAGE_SIZE", str(REVIEW_PAGE), "review/web.py", "rows per page of the review app"),
        Setting("audit MAX_SIZE", str(AUDIT_MAX), "review/audit.py", "the largest audit sample"),
        Setting(
            "resolve BATCH_SIZE",
            str(RESOLVE_BATCH),
            "resolve/apply.py",
            "resolutions written per batch (progress step)",
        ),
        Setting(
            "resolve POOL_MIN_BATCH",
            str(POOL_MIN_BATCH),
            "resolve/many.py",
            "strings left to resolve (after the cache) before they go to a process pool",
        ),
        Setting("detect BATCH_SIZE", str(DETECT_BATCH), "technology/apply.py", "papers scanned per batch"),
        Setting(
            "scale BATCH_SIZE",
            str(SCALE_BATCH),
            "scale/duckdb_engine.py",
            "rows per batch of the DuckDB engine",
        ),
        Setting("OpenAlex PAGE_SIZE", str(OPENALEX_PAGE), "sources/openalex.py", "works per OpenAlex page"),
        Setting(
            "OpenReview PAGE_SIZE", str(OPENREVIEW_PAGE), "sources/openreview.py", "notes per OpenReview page"
        ),
    )


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def settings_markdown() -> str:
    """The settings reference (docs/settings.md): environment, tunables, resolver weights and words."""
    env = _table(
        ("variable", "default", "read in", "what it does"),
        [(f"`{s.name}`", s.default, s.where, s.meaning) for s in ENVIRONMENT],
    )
    tun = _table(
        ("tunable", "value", "in", "what it does"),
        [(s.name, s.default, s.where, s.meaning) for s in tunables()],
    )
    weights = _table(
        ("weight", "value", "used by", "what it does", "how it was set"),
        [
            (f"`{n}`", str(w["value"]), w["used_by"], w["meaning"], w["calibration"])
            for n, w in weight_table().items()
        ],
    )
    words = _table(
        ("word list", "entries", "used by", "what it holds"),
        [
            (f"`{n}`", str(len(w.get("words", w.get("entries", ())))), w["used_by"], w["meaning"])
            for n, w in word_lists().items()
        ],
    )
    return (
        "## Environment variables\n\n"
        + env
        + "\n## Tunables\n\n"
        + tun
        + "\n## Resolver weights (`resolve/data/weights.json`)\n\n"
        + weights
        + "\n## Resolver word lists (`resolve/data/words.json`)\n\n"
        + words
    )
