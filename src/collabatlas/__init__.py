"""collabatlas: how AI research crosses borders — co-authorship between countries, and the models
each side builds on.

The Python API mirrors the CLI::

    import collabatlas as ca

    with ca.Store("collabatlas.duckdb") as store:
        ca.ingest(store, ["nips2018.json"])
        table = ca.collaboration(store, ca.CountingRules.parse("US,CN"))
        print(table.to_pandas())
"""

from typing import Any

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
from collabatlas.resolve import Resolution, load_registry, resolve_batch, resolve_one
from collabatlas.review import correct_affiliation, import_corrections, review_queue, review_summary
from collabatlas.scale import WorkFilter, snapshot
from collabatlas.sources import read_source
from collabatlas.store import Store
from collabatlas.technology import detect_pending, load_catalog

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Heavy parts (matplotlib for the report) load on first use, not on ``import collabatlas``."""
    if name == "build_report":
        from collabatlas.report.html import build_report

        return build_report
    raise AttributeError(f"module 'collabatlas' has no attribute {name!r}")


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
