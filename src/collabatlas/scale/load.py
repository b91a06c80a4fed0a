"""Load an engine's country sets into the store, replacing those of the same venue-years."""

from __future__ import annotations

import json

from collabatlas.resolve.apply import resolver_version
from collabatlas.resolve.registry import Registry
from collabatlas.scale.plan import ScaleResult
from collabatlas.scale.snapshot import WorkFilter
from collabatlas.store import Store


def load_country_sets(
    store: Store, result: ScaleResult, location: str, flt: WorkFilter, registry: Registry
) -> int:
    """Write the country sets in one transaction; returns the number of venue-years loaded.

    A venue-year (source id, year) present in the result replaces the stored one, so a re-run on
    the same input changes nothing and a newer snapshot supersedes an older one.
    """
    with store.transaction() as conn:
        conn.register("new_country_sets", result.country_sets)
        try:
            conn.execute(
                "DELETE FROM snapshot_country_sets s WHERE EXISTS (SELECT 1 FROM new_country_sets n "
                "WHERE n.source_id = s.source_id AND n.year = s.year)"
            )
            conn.execute(
                "INSERT INTO snapshot_country_sets "
                "SELECT source_id, venue, year, countries, works FROM new_country_sets"
            )
            venue_years = int(
                conn.execute(
                    "SELECT count(*) FROM (SELECT DISTINCT source_id, year FROM new_country_sets)"
                ).fetchall()[0][0]
            )
        finally:
            conn.unregister("new_country_sets")
        conn.execute(
            "INSERT INTO snapshot_loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
            [
                location,
                result.engine,
                json.dumps(flt.describe()),
                result.works,
                result.authorships,
                result.affiliation_strings,
                venue_years,
                resolver_version(registry),
            ],
        )
    return venue_years
