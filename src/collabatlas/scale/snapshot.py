"""The OpenAlex works snapshot: where its files are, which fields the plan reads, and the filter.

The snapshot is gzipped JSON Lines under ``data/works/updated_date=YYYY-MM-DD/part_NNN.gz`` (or
Parquet exports of the same records), on a local disk or an object store (``s3://``). Both engines
read the same fields, described once here as :data:`WORK_FIELDS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collabatlas.errors import InputError, UsageError

OPENALEX = "https://openalex.org/"

# Default "AI" selection: works whose primary topic lies in OpenAlex's subfields 1702 Artificial
# Intelligence and 1707 Computer Vision and Pattern Recognition (both in field 17, Computer Science).
AI_TOPICS: tuple[str, ...] = (
    f"{OPENALEX}subfields/1702",
    f"{OPENALEX}subfields/1707",
)

# The fields of a Work object the plan reads; everything else in a record is skipped unparsed.
# A dict is a struct, a one-element list an array of that type.
WORK_FIELDS: dict[str, Any] = {
    "id": "string",
    "publication_year": "int",
    "primary_location": {"source": {"id": "string", "display_name": "string"}},
    "primary_topic": {
        "id": "string",
        "subfield": {"id": "string"},
        "field": {"id": "string"},
        "domain": {"id": "string"},
    },
    "concepts": [{"id": "string"}],
    "authorships": [{"raw_affiliation_strings": ["string"]}],
}

_DUCKDB_TYPES = {"string": "VARCHAR", "int": "INTEGER"}
_SPARK_TYPES = {"string": "STRING", "int": "INT"}


def _duckdb_type(spec: Any) -> str:
    if isinstance(spec, dict):
        return "STRUCT(" + ", ".join(f'"{k}" {_duckdb_type(v)}' for k, v in spec.items()) + ")"
    if isinstance(spec, list):
        return _duckdb_type(spec[0]) + "[]"
    return _DUCKDB_TYPES[spec]


def _spark_type(spec: Any) -> str:
    if isinstance(spec, dict):
        return "STRUCT<" + ", ".join(f"`{k}`: {_spark_type(v)}" for k, v in spec.items()) + ">"
    if isinstance(spec, list):
        return f"ARRAY<{_spark_type(spec[0])}>"
    return _SPARK_TYPES[spec]


def duckdb_columns() -> dict[str, str]:
    """:data:`WORK_FIELDS` as DuckDB ``read_json(columns=...)`` types."""
    return {name: _duckdb_type(spec) for name, spec in WORK_FIELDS.items()}


def spark_schema_ddl() -> str:
    """:data:`WORK_FIELDS` as a Spark DDL schema string."""
    return ", ".join(f"`{name}` {_spark_type(spec)}" for name, spec in WORK_FIELDS.items())


def openalex_id(value: str, kind: str = "") -> str:
    """A full OpenAlex id from a short or full form: 'S4306420609', 'fields/17', 'subfields/1702'."""
    text = value.strip()
    if text.startswith(OPENALEX):
        return text
    if re.fullmatch(r"(domains|fields|subfields)/\d+", text) or re.fullmatch(r"[A-Za-z]\d+", text):
        return OPENALEX + (text[0].upper() + text[1:] if "/" not in text else text)
    raise UsageError(f"not an OpenAlex {kind or 'id'}: {value!r}", hint="e.g. S4306420609, T10320, fields/17")


def parse_years(text: str | None) -> tuple[int, int] | None:
    """'2015-2024' → (2015, 2024); '2020' → (2020, 2020); None → no year filter."""
    if not text:
        return None
    match = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?", text)
    if not match:
        raise UsageError(f"--years takes YYYY or YYYY-YYYY, got {text!r}")
    first, last = int(match[1]), int(match[2] or match[1])
    if first > last:
        raise UsageError(f"--years {text}: the range is empty")
    return first, last


@dataclass(frozen=True)
class WorkFilter:
    """Which works count: a year range, source (venue) ids, and topic/field/concept ids.

    A work matches the topic filter when its primary topic, or that topic's subfield, field or
    domain, or one of its concepts, is in ``topics``; an empty ``topics`` selects every work.
    """

    years: tuple[int, int] | None = None
    sources: tuple[str, ...] = ()
    topics: tuple[str, ...] = field(default=AI_TOPICS)

    @classmethod
    def parse(
        cls, years: str | None = None, sources: list[str] | None = None, topics: list[str] | None = None
    ) -> WorkFilter:
        """From CLI strings; ``topics`` ``['any']`` lifts the topic filter, ``None`` means AI."""
        if topics and [t.lower() for t in topics] == ["any"]:
            topic_ids: tuple[str, ...] = ()
        elif topics:
            topic_ids = tuple(sorted(_flatten(topics)))
        else:
            topic_ids = AI_TOPICS
        return cls(
            years=parse_years(years),
            sources=tuple(sorted({openalex_id(s, "source id") for s in sources or []})),
            topics=topic_ids,
        )

    def describe(self) -> dict[str, Any]:
        """The filter as a JSON-ready object."""
        return {
            "years": list(self.years) if self.years else None,
            "sources": list(self.sources),
            "topics": list(self.topics) or "any",
        }


def _flatten(topics: list[str]) -> set[str]:
    out: set[str] = set()
    for t in topics:
        out.update(AI_TOPICS if t.lower() == "ai" else (openalex_id(t, "topic"),))
    return out


@dataclass(frozen=True)
class Snapshot:
    """Where the works files are: one glob (local or ``s3://``), their format, and partitioning."""

    location: str
    pattern: str
    format: str  # 'jsonl' or 'parquet'
    partitioned: bool  # paths carry updated_date=YYYY-MM-DD

    @property
    def base(self) -> str:
        """The directory above the ``updated_date=`` partitions (Spark's basePath)."""
        return self.pattern.split("/updated_date=")[0] if "/updated_date=" in self.pattern else ""


def _format_of(name: str) -> str:
    return "parquet" if name.endswith(".parquet") else "jsonl"


def locate(location: str) -> Snapshot:
    """Find the works files under a snapshot root, its ``data/works`` folder, a file, or a glob."""
    text = location.rstrip("/")
    if "://" in text:
        if any(ch in text for ch in "*?[") or text.endswith((".gz", ".parquet")):
            pattern = text
        else:
            works = text if text.endswith("/works") else f"{text}/data/works"
            pattern = f"{works}/updated_date=*/*.gz"
        return Snapshot(location, pattern, _format_of(pattern), "updated_date=" in pattern)
    if any(ch in text for ch in "*?["):
        return Snapshot(location, text, _format_of(text), "updated_date=" in text)
    path = Path(text)
    if path.is_file():
        return Snapshot(location, str(path), _format_of(path.name), "updated_date=" in str(path))
    if not path.is_dir():
        raise InputError(
            f"{location}: no such snapshot", hint="give the snapshot root, its data/works, or a glob"
        )
    folder = next((p for p in (path / "data" / "works", path / "works", path) if p.is_dir()), path)
    for suffix in (".gz", ".parquet"):
        if any(folder.glob(f"updated_date=*/*{suffix}")):
            return Snapshot(location, f"{folder}/updated_date=*/*{suffix}", _format_of(suffix), True)
        if any(folder.glob(f"*{suffix}")):
            return Snapshot(location, f"{folder}/*{suffix}", _format_of(suffix), False)
    raise InputError(
        f"{location}: no works files (updated_date=*/*.gz or *.parquet)",
        hint="give the snapshot root, its data/works folder, or a glob of files",
    )
