"""Hold a published figure against the store: the A–B share of one venue-year under every
combination of the conventions that could explain a difference.

The conventions: China scope (prc, mainland, greater), tracks (all, main only), status (accepted,
with rejected), denominator (all papers, papers with data), companies (at their named site, as
resolved, or at their headquarters) and, when several sources hold the venue-year, each source
alone. Every row is :func:`collabatlas.collaboration` under those rules (``CountingRules``'
``china_scope``, ``tracks``, ``accepted_only``, ``companies`` and ``source``), so each can be
rebuilt with ``analyze`` and listed with ``papers``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from collabatlas.analyze import CountingRules, collaboration, conventions, wilson_interval
from collabatlas.analyze.rules import CHINA_SCOPES, COMPANIES, TRACKS
from collabatlas.errors import UsageError
from collabatlas.store import Store

SCOPES = tuple(CHINA_SCOPES)
STATUSES = ("accepted", "with rejected")
DENOMINATORS = ("all papers", "papers with data")
ALL_SOURCES = "all"
ROW_COLUMNS = (
    "china_scope",
    "tracks",
    "status",
    "denominator",
    "companies",
    "source",
    "papers",
    "papers_ab",
    "share",
    "ci_low",
    "ci_high",
    "consistent",
)
MEANINGS = {
    "tracks": TRACKS,
    "status": {
        "accepted": "accepted papers only (Reject/Withdraw excluded)",
        "with rejected": "rejected and withdrawn papers counted too",
    },
    "denominator": {
        "all papers": "share of all counted papers (papers without any resolved country count as "
        "non-collaborations)",
        "papers with data": "share of the papers with at least one resolved country",
    },
    "companies": COMPANIES,
    "source": {
        ALL_SOURCES: "the merged papers analysis reads (every source, the preferred affiliations)",
        "other": "only that source's papers and affiliations (human paper overrides not applied)",
    },
}
_PUBLISHED = re.compile(r"^\s*(\d[\d,]*)\s*(?:/|of)\s*(\d[\d,]*)\s*$")


@dataclass(frozen=True)
class Published:
    """A published count: ``count`` papers of ``of``."""

    count: int
    of: int

    @classmethod
    def parse(cls, text: str) -> Published:
        """From 'N/M' or 'N of M' (thousands separators allowed: '141/5,290')."""
        match = _PUBLISHED.match(text)
        if not match:
            raise UsageError(f"--published takes N/M, got {text!r}", hint="e.g. --published 30/1009")
        count, of = (int(g.replace(",", "")) for g in match.groups())
        if of == 0 or count > of:
            raise UsageError(f"--published {text}: the count must be between 0 and the total, which is > 0")
        return cls(count, of)

    def describe(self) -> dict[str, Any]:
        low, high = wilson_interval(self.count, self.of)
        return {
            "count": self.count,
            "of": self.of,
            "share": self.count / self.of,
            "ci_low": low,
            "ci_high": high,
        }


def reconcile(
    store: Store,
    venue: str,
    year: int,
    published: Published,
    *,
    pair: str = "US,CN",
) -> dict[str, Any]:
    """The published share against the store's under every combination of conventions.

    Returns ``{"venue", "year", "pair", "published": {count, of, share, ci_low, ci_high}, "rows":
    [...], "needed_coverage", "sentence", "conventions"}``; each row has :data:`ROW_COLUMNS`
    (``consistent``: the two 95% Wilson intervals overlap). The first row is the default rules
    (prc, all tracks, accepted, all papers, site, all sources), which are ``analyze``'s.
    ``needed_coverage`` is the share of the default row's A–B papers a count would have had to
    find to report the published share (None when the store has none).
    """
    base = CountingRules.parse(pair, venues=(venue,), years=(year,))
    venue_name = _venue_name(store, venue, year)
    sources = [ALL_SOURCES, *_sources(store, venue, year)]
    target = published.describe()
    rows = []
    for scope, tracks, status, denominator, companies, source in itertools.product(
        SCOPES, TRACKS, STATUSES, DENOMINATORS, COMPANIES, sources
    ):
        try:
            rules = replace(
                base,
                china_scope=scope,
                accepted_only=status == "accepted",
                tracks=tracks,
                companies=companies,
                source=None if source == ALL_SOURCES else source,
            )
        except UsageError:
            continue  # a pair country this scope folds into CN ('TW' under greater)
        total, known, both = _analyzed(store, rules)
        n = total if denominator == "all papers" else known
        low, high = wilson_interval(both, n)
        rows.append(
            {
                "china_scope": scope,
                "tracks": tracks,
                "status": status,
                "denominator": denominator,
                "companies": companies,
                "source": source,
                "papers": n,
                "papers_ab": both,
                "share": both / n if n else 0.0,
                "ci_low": low,
                "ci_high": high,
                "consistent": low <= target["ci_high"] and target["ci_low"] <= high,
            }
        )
    default = rows[0]
    needed = target["share"] * default["papers"] / default["papers_ab"] if default["papers_ab"] else None
    return {
        "venue": venue_name,
        "year": year,
        "pair": list(base.pair),
        "published": target,
        "rows": rows,
        "needed_coverage": needed,
        "sentence": sentence(venue_name, year, base.pair, target, rows, needed),
        "conventions": {
            **conventions(store, base),
            "dimensions": {
                "china_scope": list(SCOPES),
                "tracks": list(TRACKS),
                "status": list(STATUSES),
                "denominator": list(DENOMINATORS),
                "companies": list(COMPANIES),
                "source": sources,
            },
            "meanings": MEANINGS,
            "consistent": "the row's 95% Wilson interval overlaps the published figure's",
            "needed_coverage": "published share × the default row's papers ÷ its A–B papers",
        },
    }


def _venue_name(store: Store, venue: str, year: int) -> str:
    found = store.rows(
        "SELECT DISTINCT venue FROM papers WHERE lower(venue) = lower(?) AND year = ?", [venue, year]
    )
    if not found:
        raise UsageError(
            f"no papers of {venue} {year} in the store",
            hint="ingest the venue-year first, e.g. collabatlas ingest",
        )
    return str(found[0][0])


def _sources(store: Store, venue: str, year: int) -> list[str]:
    """The sources holding the venue-year, when there are several (else none: 'all' is that one)."""
    names = [
        r[0]
        for r in store.rows(
            "SELECT DISTINCT source FROM paper_sources WHERE lower(venue) = lower(?) AND year = ? ORDER BY 1",
            [venue, year],
        )
    ]
    return names if len(names) > 1 else []


def _analyzed(store: Store, rules: CountingRules) -> tuple[int, int, int]:
    """Papers, papers with data and A–B papers of the one venue-year, as ``analyze`` counts them."""
    found = collaboration(store, rules).to_pylist()
    if not found:
        return 0, 0, 0
    row = found[0]
    return int(row["papers"]), int(row["papers_with_data"]), int(row["papers_ab"])


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _counts(figure: Mapping[str, Any]) -> str:
    """'30 of 1,009' from a published figure or a row."""
    count, of = (
        (figure["count"], figure["of"]) if "count" in figure else (figure["papers_ab"], figure["papers"])
    )
    return f"{count:,} of {of:,}"


def _interval(figure: Mapping[str, Any]) -> str:
    """'3.0%, 95% CI 2.1–4.2%'."""
    return f"{_pct(figure['share'])}, 95% CI {_pct(figure['ci_low'])}–{_pct(figure['ci_high'])}"


def _convention_text(row: Mapping[str, Any]) -> str:
    parts = [
        f"China scope {row['china_scope']}",
        f"{row['tracks']} tracks" if row["tracks"] == "all" else "main track only",
    ]
    parts += [f"{row['status']} papers" if row["status"] == "accepted" else "rejected papers included"]
    parts += [f"share of {row['denominator']}", f"companies at {row['companies']}"]
    if row["source"] != ALL_SOURCES:
        parts.append(f"{row['source']} alone")
    return ", ".join(parts)


def sentence(
    venue: str,
    year: int,
    pair: tuple[str, str],
    published: Mapping[str, Any],
    rows: list[dict[str, Any]],
    needed: float | None,
) -> str:
    """The comparison in one quotable paragraph, every number from the rows."""
    a, b = pair
    default = rows[0]
    verdict = "overlap" if default["consistent"] else "do not overlap"
    text = (
        f"Published: {_counts(published)} {venue} {year} papers had {a}–{b} co-authors "
        f"({_interval(published)}). collabatlas finds {_counts(default)} ({_interval(default)}) under its "
        "default rules (China = CN + Hong Kong + Macau, all tracks, accepted papers, share of all papers, "
        f"companies at the site they name); the two 95% intervals {verdict}."
    )
    consistent = [r for r in rows if r["consistent"]]
    if consistent:
        closest = min(consistent, key=lambda r: abs(r["share"] - published["share"]))
        text += (
            f" {len(consistent)} of the {len(rows)} combinations of conventions tested give an interval "
            f"that overlaps the published one; the closest is {_convention_text(closest)}: "
            f"{_counts(closest)} ({_interval(closest)})."
        )
    else:
        text += (
            f" None of the {len(rows)} combinations of conventions tested gives an interval that overlaps "
            "the published one."
        )
    if needed is not None:
        text += (
            f" Under the default rules, the published share means finding {_pct(needed)} of the "
            f"{default['papers_ab']:,} {a}–{b} papers collabatlas finds."
        )
    return text


def save_reconciliation(store: Store, result: Mapping[str, Any]) -> None:
    """Keep a reconcile result in the store (the report's 'Published figures'); a run with the same
    venue-year, pair and published figure replaces the earlier one."""
    published = result["published"]
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO reconciliations VALUES (?, ?, ?, ?, ?, ?, now())",
            [
                result["venue"],
                result["year"],
                ",".join(result["pair"]),
                published["count"],
                published["of"],
                json.dumps(result, default=str, ensure_ascii=False),
            ],
        )


def reconciliations(store: Store) -> list[dict[str, Any]]:
    """Every stored reconcile result, by venue, year, pair and published figure ([] on a store
    that predates them)."""
    if not store.rows("SELECT 1 FROM duckdb_tables() WHERE table_name = 'reconciliations'"):
        return []
    return [
        json.loads(result)
        for (result,) in store.rows(
            "SELECT result FROM reconciliations ORDER BY venue, year, pair, published_count, published_of"
        )
    ]
