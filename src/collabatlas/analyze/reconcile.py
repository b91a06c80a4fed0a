"""Hold a published figure against the store: the A–B share of one venue-year under every
combination of the conventions that could explain a difference.

The conventions: China scope (prc, mainland, greater), tracks (all, main only), status (accepted,
with rejected), denominator (all papers, papers with data), companies (at their named site, as
resolved, or at their headquarters) and, when several sources hold the venue-year, each source
alone. Rows under the analysis defaults' companies, tracks and sources come from
:func:`collabatlas.collaboration` itself; the others re-read each paper's resolutions.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from collabatlas.analyze import CountingRules, collaboration, conventions, wilson_interval
from collabatlas.analyze.rules import CHINA_SCOPES
from collabatlas.errors import UsageError
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.store import Store

SCOPES = tuple(CHINA_SCOPES)
TRACKS = ("all", "main")
STATUSES = ("accepted", "with rejected")
DENOMINATORS = ("all papers", "papers with data")
COMPANIES = ("site", "headquarters")
ALL_SOURCES = "all"
MAIN_TRACKS = frozenset(["main", ""])  # '' = the source names no track (its main programme)
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
    "tracks": {"all": "every track of the venue-year", "main": "the main track only"},
    "status": {
        "accepted": "accepted papers only (Reject/Withdraw excluded)",
        "with rejected": "rejected and withdrawn papers counted too",
    },
    "denominator": {
        "all papers": "share of all counted papers (papers without any resolved country count as "
        "non-collaborations)",
        "papers with data": "share of the papers with at least one resolved country",
    },
    "companies": {
        "site": "a company affiliation counts in the country of the site it names (as resolved)",
        "headquarters": "a company affiliation counts in the company's home country (its "
        "headquarters in the registry)",
    },
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


@dataclass(frozen=True)
class _Paper:
    """What the re-read keeps of a paper: its track, status and resolved (country, institution_id)."""

    main: bool
    accepted: bool
    affiliations: tuple[tuple[str, str], ...]
    override: tuple[str, ...] | None


def headquarters(country: str, institution_id: str, registry: Registry) -> str:
    """A resolution's country with a company placed at its headquarters: the home country the
    registry gives the resolution's institution when that institution is a company, else
    ``country`` unchanged ('Microsoft Research Asia' → US; 'Tsinghua University' stays CN)."""
    index = registry.by_id.get(institution_id) if institution_id else None
    if index is None:
        return country
    institution = registry.institutions[index]
    return institution.country if institution.kind == "company" and institution.country else country


def reconcile(
    store: Store,
    venue: str,
    year: int,
    published: Published,
    *,
    pair: str = "US,CN",
    registry: Registry | None = None,
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
    registry = registry or load_registry()
    target = published.describe()
    papers = {source: _papers(store, venue, year, source) for source in sources}
    rows = []
    for scope, tracks, status, denominator, companies, source in itertools.product(
        SCOPES, TRACKS, STATUSES, DENOMINATORS, COMPANIES, sources
    ):
        try:
            rules = replace(base, china_scope=scope, accepted_only=status == "accepted")
        except UsageError:
            continue  # a pair country this scope folds into CN ('TW' under greater)
        if (tracks, companies, source) == ("all", "site", ALL_SOURCES):
            total, known, both = _analyzed(store, rules)
        else:
            total, known, both = _count(papers[source], rules, tracks == "main", companies, registry)
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


def _papers(store: Store, venue: str, year: int, source: str) -> dict[str, _Paper]:
    """Each paper of the venue-year with its resolutions: the merged answer analysis reads (human
    paper overrides included), or one source's own records and affiliations."""
    if source == ALL_SOURCES:
        sql = """
            SELECT p.paper_id, p.track, p.accepted, r.country, r.institution_id, o.countries
            FROM papers p
            LEFT JOIN authorship_affiliations l ON l.paper_id = p.paper_id
            LEFT JOIN effective_resolutions r ON r.aff_key = l.aff_key
            LEFT JOIN paper_overrides o ON o.paper_id = p.paper_id
            WHERE lower(p.venue) = lower(?) AND p.year = ?
        """
        params: list[object] = [venue, year]
    else:
        sql = """
            SELECT s.paper_id, s.track, s.accepted, r.country, r.institution_id, NULL
            FROM paper_sources s
            LEFT JOIN source_affiliations f USING (source, source_key)
            LEFT JOIN effective_resolutions r ON r.aff_key = f.aff_key
            WHERE s.source = ? AND lower(s.venue) = lower(?) AND s.year = ?
        """
        params = [source, venue, year]
    grouped: dict[str, tuple[str, bool, list[tuple[str, str]], tuple[str, ...] | None]] = {}
    for paper_id, track, accepted, country, institution_id, override in store.rows(sql, params):
        entry = grouped.setdefault(
            paper_id, (track, accepted, [], tuple(override) if override is not None else None)
        )
        if country:
            entry[2].append((country, institution_id or ""))
    return {
        paper_id: _Paper(track.strip().lower() in MAIN_TRACKS, accepted, tuple(affs), override)
        for paper_id, (track, accepted, affs, override) in grouped.items()
    }


def _count(
    papers: Mapping[str, _Paper], rules: CountingRules, main_only: bool, companies: str, registry: Registry
) -> tuple[int, int, int]:
    """Papers, papers with data and A–B papers among ``papers`` under the rules and conventions."""
    folded = CHINA_SCOPES[rules.china_scope]
    a, b = rules.pair
    total = known = both = 0
    for paper in papers.values():
        if (rules.accepted_only and not paper.accepted) or (main_only and not paper.main):
            continue
        total += 1
        countries = {"CN" if c in folded else c for c in _countries(paper, companies, registry)}
        known += bool(countries)
        both += a in countries and b in countries
    return total, known, both


def _countries(paper: _Paper, companies: str, registry: Registry) -> Iterable[str]:
    if paper.override is not None:
        return paper.override
    if companies == "headquarters":
        return (headquarters(c, i, registry) for c, i in paper.affiliations)
    return (c for c, _ in paper.affiliations)


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
