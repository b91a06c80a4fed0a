"""Official accepted-paper counts per venue-year, and how far the ingested lists are from them."""

from __future__ import annotations

import dataclasses
from functools import cache
from importlib.resources import files

import pyarrow as pa
import pyarrow.csv as pacsv

from collabatlas.analyze.counted import selected_pipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.sources.venues import canonical_venue
from collabatlas.store import Store

TOLERANCE = 0.01


@cache
def official_totals() -> pa.Table:
    """The reviewed data file: venue, year, accepted_papers, source (where the figure is published)."""
    path = files("collabatlas.analyze") / "data" / "official_totals.csv"
    with path.open("rb") as handle:
        return pacsv.read_csv(handle)


def compare_official_totals(
    store: Store, rules: CountingRules | None = None, tolerance: float = TOLERANCE
) -> list[dict[str, object]]:
    """For each selected venue-year with an official count: the accepted papers ingested, the
    official count, their relative ``difference`` ((ingested - official) / official), its
    ``source``, and ``differs`` when the gap exceeds ``tolerance`` (1%)."""
    known = {(canonical_venue(r["venue"]), r["year"]): r for r in official_totals().to_pylist()}
    selected = selected_pipeline(dataclasses.replace(rules or CountingRules(), accepted_only=True))
    checks: list[dict[str, object]] = []
    for venue, year, ingested in selected.rows(
        store, "SELECT venue, year, count(*) FROM selected GROUP BY ALL ORDER BY ALL"
    ):
        official = known.get((canonical_venue(venue), year))
        if official is None:
            continue
        difference = (ingested - official["accepted_papers"]) / official["accepted_papers"]
        checks.append(
            {
                "venue": venue,
                "year": year,
                "ingested_accepted": ingested,
                "official_accepted": official["accepted_papers"],
                "difference": difference,
                "differs": abs(difference) > tolerance,
                "source": official["source"],
            }
        )
    return checks
