"""collabatlas: how AI research crosses borders — co-authorship between countries, and the models
each side builds on.

The Python API mirrors the CLI::

    import collabatlas as ca

    with ca.Store("collabatlas.duckdb") as store:
        ca.ingest(store, ["nips2018.json"])
        table = ca.collaboration(store, ca.CountingRules.parse("US,CN"))
        print(table.to_pandas())
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Each public name and the module it lives in: loaded on first use, so `import collabatlas`
# (and the command line) pays only for what it touches.
_EXPORTS = {
    "CountingRules": "collabatlas.analyze",
    "collaboration": "collabatlas.analyze",
    "conventions": "collabatlas.analyze",
    "conventions_footer": "collabatlas.analyze",
    "counted_papers": "collabatlas.analyze",
    "country_totals": "collabatlas.analyze",
    "pair_matrix": "collabatlas.analyze",
    "paper_credits": "collabatlas.analyze",
    "papers_behind": "collabatlas.analyze",
    "top_pairs": "collabatlas.analyze",
    "wilson_interval": "collabatlas.analyze",
    "adoption_trends": "collabatlas.analyze.flow_trends",
    "flow_matrix": "collabatlas.analyze.flows",
    "has_flows": "collabatlas.analyze.flows",
    "model_adoption": "collabatlas.analyze.flows",
    "compare_labels": "collabatlas.analyze.label_agreement",
    "MobilityRules": "collabatlas.analyze.mobility",
    "mobility": "collabatlas.analyze.mobility",
    "mobility_people": "collabatlas.analyze.mobility",
    "Published": "collabatlas.analyze.reconcile",
    "reconcile": "collabatlas.analyze.reconcile",
    "compare_source": "collabatlas.analyze.source_agreement",
    "CollabAtlasError": "collabatlas.errors",
    "FetchError": "collabatlas.errors",
    "InputError": "collabatlas.errors",
    "StoreError": "collabatlas.errors",
    "UsageError": "collabatlas.errors",
    "IngestReport": "collabatlas.pipeline",
    "ingest": "collabatlas.pipeline",
    "resolve_affiliations": "collabatlas.pipeline",
    "authorships": "collabatlas.report",
    "export_authorships": "collabatlas.report",
    "export_pairs": "collabatlas.report",
    "Resolution": "collabatlas.resolve",
    "load_registry": "collabatlas.resolve",
    "resolve_batch": "collabatlas.resolve",
    "resolve_one": "collabatlas.resolve",
    "correct_affiliation": "collabatlas.review",
    "import_corrections": "collabatlas.review",
    "review_queue": "collabatlas.review",
    "review_summary": "collabatlas.review",
    "WorkFilter": "collabatlas.scale",
    "snapshot": "collabatlas.scale",
    "read_source": "collabatlas.sources",
    "Store": "collabatlas.store",
    "detect_pending": "collabatlas.technology",
    "load_catalog": "collabatlas.technology",
    "build_report": "collabatlas.report.html",
}

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collabatlas.analyze import (
        CountingRules,
        collaboration,
        conventions,
        conventions_footer,
        counted_papers,
        country_totals,
        pair_matrix,
        paper_credits,
        papers_behind,
        top_pairs,
        wilson_interval,
    )
    from collabatlas.analyze.flow_trends import adoption_trends
    from collabatlas.analyze.flows import flow_matrix, has_flows, model_adoption
    from collabatlas.analyze.label_agreement import compare_labels
    from collabatlas.analyze.mobility import MobilityRules, mobility, mobility_people
    from collabatlas.analyze.reconcile import Published, reconcile
    from collabatlas.analyze.source_agreement import compare_source
    from collabatlas.errors import CollabAtlasError, FetchError, InputError, StoreError, UsageError
    from collabatlas.pipeline import IngestReport, ingest, resolve_affiliations
    from collabatlas.report import authorships, export_authorships, export_pairs
    from collabatlas.report.html import build_report
    from collabatlas.resolve import Resolution, load_registry, resolve_batch, resolve_one
    from collabatlas.review import correct_affiliation, import_corrections, review_queue, review_summary
    from collabatlas.scale import WorkFilter, snapshot
    from collabatlas.sources import read_source
    from collabatlas.store import Store
    from collabatlas.technology import detect_pending, load_catalog


def __getattr__(name: str) -> Any:
    """The public API, imported on first use (the report's matplotlib, DuckDB, pyarrow, FastAPI
    are not loaded by ``import collabatlas``)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'collabatlas' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "CollabAtlasError",
    "CountingRules",
    "FetchError",
    "IngestReport",
    "InputError",
    "MobilityRules",
    "Published",
    "Resolution",
    "Store",
    "StoreError",
    "UsageError",
    "WorkFilter",
    "adoption_trends",
    "authorships",
    "build_report",
    "collaboration",
    "compare_labels",
    "compare_source",
    "conventions",
    "conventions_footer",
    "correct_affiliation",
    "counted_papers",
    "country_totals",
    "detect_pending",
    "export_authorships",
    "export_pairs",
    "flow_matrix",
    "has_flows",
    "import_corrections",
    "ingest",
    "load_catalog",
    "load_registry",
    "mobility",
    "mobility_people",
    "model_adoption",
    "pair_matrix",
    "paper_credits",
    "papers_behind",
    "read_source",
    "reconcile",
    "resolve_affiliations",
    "resolve_batch",
    "resolve_one",
    "review_queue",
    "review_summary",
    "snapshot",
    "top_pairs",
    "wilson_interval",
]
