"""One row per detected model mention, with the paper, the family and its origin, and the evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from collabatlas.analyze.flows import flow_conventions
from collabatlas.analyze.rules import CountingRules
from collabatlas.report.outputs import write_csv
from collabatlas.store import Store

MENTION_COLUMNS = (
    "venue",
    "year",
    "paper_id",
    "title",
    "family",
    "model",
    "origin_country",
    "lab_country",
    "role",
    "field",
    "sentence",
    "rule",
)


def mentions(store: Store, *, accepted_only: bool = True) -> pa.Table:
    """Every stored mention: ``family`` the catalog family's name, ``model`` the text as written,
    ``origin_country``/``lab_country`` the family's developer and lab countries (ISO codes as the
    catalog has them, HK not folded), ``field`` where it was read, ``rule`` the role rule (a base
    counted through a derived family reads ``<rule> via <derived id>``)."""
    where = "WHERE p.accepted" if accepted_only else ""
    return store.query(
        f"""
        SELECT p.venue, p.year, p.paper_id, p.title, t.name AS family, m.matched AS model,
               t.developer_country AS origin_country, t.lab_country, m.role, m.field, m.sentence, m.rule
        FROM technology_mentions m
        JOIN papers p ON p.paper_id = m.paper_id
        JOIN technology_models t ON t.model_id = m.model_id
        {where}
        ORDER BY p.venue, p.year, p.paper_id, m.field DESC, m.start_offset, t.name
        """
    )


def mention_conventions(store: Store, *, accepted_only: bool = True) -> dict[str, Any]:
    """The flow conventions (sources, resolver and catalog versions) plus what each column means."""
    return {
        **flow_conventions(store, CountingRules(accepted_only=accepted_only)),
        "one_row_per": "model mention detected in a paper's title or abstract",
        "origin_country": "the catalog family's developer country (ISO 3166-1 alpha-2)",
        "lab_country": "the country of the lab that built it, where it differs from the developer's",
        "role": "uses (builds on: fine-tunes, based on, backbone, evaluates with) or mentions (compares)",
        "derived_families": (
            "a derived family (Sentence-BERT) is its own family with its own origin; where the catalog "
            "says it counts as its base, the same place in the text is also a row of the base family"
        ),
        "catalog_attribution": "Epoch AI, 'Data on AI Models', https://epoch.ai/data/ai-models (CC BY 4.0)",
    }


def export_mentions(store: Store, path: str | Path, *, accepted_only: bool = True) -> int:
    """Write :func:`mentions` to a CSV file (conventions in its sidecar); returns the rows."""
    table = mentions(store, accepted_only=accepted_only)
    write_csv(table, path, mention_conventions(store, accepted_only=accepted_only))
    return table.num_rows
