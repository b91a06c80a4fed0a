"""Researcher mobility: where the authors of the selected papers studied (origin) against where
they were at the paper's date (destination), the share of each origin with Wilson intervals, and
the A–B papers bridged by an author whose education or earlier position was in the other country.

Everything is read from the store: the people behind the authorships (``authorship_people``),
their public profile histories (``person_history``, each entry's institution resolved like any
affiliation, human corrections included) and the papers' own affiliations. Counts only: no name
leaves this module.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from collabatlas.analyze import CountingRules, papers_behind, wilson_interval
from collabatlas.analyze.counted import headquarters
from collabatlas.analyze.rules import CHINA_SCOPES, SCOPE_DESCRIPTIONS
from collabatlas.errors import UsageError
from collabatlas.resolve import Registry, load_registry
from collabatlas.resolve.extra import store_registry
from collabatlas.sources.profiles import EDUCATION, stage_table_version
from collabatlas.store import Store

STAGE_OPTIONS = {"undergrad": "undergraduate", "masters": "masters", "phd": "doctorate"}
# The stages after each origin stage that count as graduate school.
GRADUATE = {"undergraduate": ("masters", "doctorate"), "masters": ("doctorate",), "doctorate": ()}
COMPANIES = {
    "site": "an institution counts in the country of the site the affiliation names "
    "(Microsoft Research Asia in CN)",
    "headquarters": "an institution counts in its home country from the registry "
    "(Microsoft Research Asia in US), as MacroPolo's tracker did",
}


@dataclass(frozen=True, slots=True)
class Entry:
    """One history entry of a person, with the country it counts in."""

    index: int
    stage: str
    start: int | None
    end: int | None
    country: str | None

    def covers(self, year: int) -> bool:
        """Whether the entry spans ``year`` (a missing year leaves that side open)."""
        return (self.start is None or self.start <= year) and (self.end is None or self.end >= year)

    def before(self, year: int) -> bool:
        """Whether the entry began before ``year``: by its start; without one, by its end; without
        years at all, when it is a degree (education precedes the papers it leads to)."""
        if self.start is not None:
            return self.start < year
        if self.end is not None:
            return self.end <= year
        return self.stage in EDUCATION


@dataclass(frozen=True)
class MobilityRules:
    """What ``mobility`` counts: the selection, the origin stage and how places are counted."""

    venues: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    stage: str = "undergrad"
    pair: tuple[str, str] = ("US", "CN")
    china_scope: str = "prc"
    companies: str = "site"
    accepted_only: bool = True

    def __post_init__(self) -> None:
        if self.stage not in STAGE_OPTIONS:
            raise UsageError(f"unknown --stage {self.stage!r}", hint="use undergrad, masters or phd")
        if self.companies not in COMPANIES:
            raise UsageError(f"unknown --companies {self.companies!r}", hint="use site or headquarters")

    @classmethod
    def parse(cls, pair: str = "US,CN", china_scope: str = "prc", **kwargs: Any) -> MobilityRules:
        """Rules from CLI-style strings; the pair and scope are checked as ``analyze`` checks them."""
        counting = CountingRules.parse(pair, china_scope)
        return cls(pair=counting.pair, china_scope=counting.china_scope, **kwargs)

    def counting_rules(self) -> CountingRules:
        """The ``analyze`` rules selecting the same papers (for the A–B papers)."""
        return CountingRules(
            pair=self.pair,
            china_scope=self.china_scope,
            accepted_only=self.accepted_only,
            venues=self.venues,
            years=self.years,
            companies=self.companies,
        )


def _where(rules: MobilityRules) -> tuple[str, list[object]]:
    clauses: list[str] = ["TRUE"]
    params: list[object] = []
    if rules.accepted_only:
        clauses.append("p.accepted")
    if rules.venues:
        clauses.append(f"lower(p.venue) IN ({', '.join('?' for _ in rules.venues)})")
        params.extend(v.lower() for v in rules.venues)
    if rules.years:
        clauses.append(f"p.year IN ({', '.join('?' for _ in rules.years)})")
        params.extend(rules.years)
    return " AND ".join(clauses), params


class _Places:
    """Country of a resolution under the China scope and the companies rule (``analyze``'s
    :func:`~collabatlas.analyze.counted.headquarters` map: a company at its home country)."""

    def __init__(self, rules: MobilityRules, registry: Registry | None) -> None:
        self.folded = CHINA_SCOPES[rules.china_scope]
        wanted = registry is not None and rules.companies == "headquarters"
        self.homes = headquarters(registry) if wanted and registry is not None else {}

    def country(self, country: str | None, institution_id: str | None) -> str | None:
        if institution_id is not None:
            country = self.homes.get(institution_id, country)
        if not country:
            return None
        return "CN" if country in self.folded else country


def _histories(store: Store, people: Iterable[str], places: _Places) -> dict[str, list[Entry]]:
    """Each person's entries, the resolved country first, else the code the profile gives."""
    store.conn.register("wanted_people", _people_table(people))
    try:
        rows = store.rows(
            "SELECT h.person, h.entry, h.stage, h.start_year, h.end_year, "
            "coalesce(r.country, nullif(h.country, '')), r.institution_id "
            "FROM person_history h JOIN wanted_people w USING (person) "
            "LEFT JOIN effective_resolutions r USING (aff_key) ORDER BY h.person, h.entry"
        )
    finally:
        store.conn.unregister("wanted_people")
    histories: dict[str, list[Entry]] = defaultdict(list)
    for person, index, stage, start, end, country, institution_id in rows:
        histories[person].append(Entry(index, stage, start, end, places.country(country, institution_id)))
    return histories


def _people_table(people: Iterable[str]) -> pa.Table:
    return pa.table({"person": sorted(set(people))}, schema=pa.schema([("person", pa.string())]))


def covering_entry(history: list[Entry], year: int) -> Entry | None:
    """The entry covering ``year`` with a known country, the latest-starting one (as the
    OpenReview reader picks the paper's affiliation)."""
    covering = [e for e in history if e.covers(year) and e.country]
    return max(covering, key=lambda e: (e.start or 0, -e.index)) if covering else None


def origin_country(history: list[Entry], *stages: str) -> str | None:
    """The country of the earliest entry of one of ``stages`` with a known country."""
    chosen = sorted(
        (e for e in history if e.stage in stages and e.country),
        key=lambda e: (e.start is None, e.start or 0, -e.index),
    )
    return chosen[0].country if chosen else None


@dataclass(frozen=True, slots=True)
class _Authorship:
    paper_id: str
    year: int
    person: str
    own_country: str | None  # the paper's own affiliation of this author


def _authorships(store: Store, rules: MobilityRules, places: _Places) -> list[_Authorship]:
    where, params = _where(rules)
    rows = store.rows(
        f"""
        WITH own AS (
            SELECT paper_id, author_position,
                   arg_min(country, aff_order) AS country,
                   arg_min(institution_id, aff_order) AS institution_id
            FROM link_resolutions
            WHERE author_position >= 0 AND country IS NOT NULL
            GROUP BY paper_id, author_position
        )
        SELECT p.paper_id, p.year, coalesce(ap.person, ''), o.country, o.institution_id
        FROM papers p
        JOIN authorships a ON a.paper_id = p.paper_id
        LEFT JOIN authorship_people ap
               ON ap.paper_id = a.paper_id AND ap.author_position = a.author_position
        LEFT JOIN own o ON o.paper_id = a.paper_id AND o.author_position = a.author_position
        WHERE {where}
        ORDER BY p.paper_id, a.author_position
        """,
        params,
    )
    return [_Authorship(pid, year, person, places.country(c, i)) for pid, year, person, c, i in rows]


def _destination(authorship: _Authorship, history: list[Entry]) -> tuple[str | None, Entry | None]:
    """Where the author was at the paper's date: the covering history entry, else the paper's own
    affiliation of the author."""
    entry = covering_entry(history, authorship.year)
    return (entry.country, entry) if entry else (authorship.own_country, None)


def _bridged(
    authorships: list[_Authorship],
    histories: Mapping[str, list[Entry]],
    papers_ab: set[str],
    pair: tuple[str, str],
) -> int:
    other = {pair[0]: pair[1], pair[1]: pair[0]}
    bridged = set()
    for authorship in authorships:
        if authorship.paper_id not in papers_ab or not authorship.person:
            continue
        history = histories.get(authorship.person, [])
        country, current = _destination(authorship, history)
        if country not in other:
            continue
        if any(
            e is not current and e.country == other[country] and e.before(authorship.year) for e in history
        ):
            bridged.add(authorship.paper_id)
    return len(bridged)


def _papers_ab(store: Store, rules: MobilityRules) -> set[str]:
    """The A–B papers, exactly ``analyze``'s (``papers_behind``) under the same companies rule."""
    return set(papers_behind(store, rules.counting_rules()).column("paper_id").to_pylist())


@dataclass(frozen=True, slots=True)
class _Person:
    person: str
    paper_id: str  # their latest selected paper
    origin: str | None
    destination: str | None
    graduate: str | None


def _people(
    store: Store, rules: MobilityRules, registry: Registry | None
) -> tuple[list[_Person], list[_Authorship], dict[str, list[Entry]]]:
    """Each person of the selection once, at their latest selected paper, with the authorships
    and histories behind them."""
    if rules.companies == "headquarters":
        registry = registry or store_registry(store.conn, load_registry())
    places = _Places(rules, registry)
    authorships = _authorships(store, rules, places)
    histories = _histories(store, (a.person for a in authorships if a.person), places)
    latest: dict[str, _Authorship] = {}
    for a in sorted((a for a in authorships if a.person), key=lambda a: (a.year, a.paper_id)):
        latest[a.person] = a  # the latest selected paper wins
    stage = STAGE_OPTIONS[rules.stage]
    people = []
    for person, authorship in sorted(latest.items()):
        history = histories.get(person, [])
        origin = origin_country(history, stage)
        graduate = origin_country(history, *GRADUATE[stage]) if origin else None
        destination = _destination(authorship, history)[0]
        people.append(_Person(person, authorship.paper_id, origin, destination, graduate))
    return people, authorships, histories


def mobility(
    store: Store, rules: MobilityRules | None = None, registry: Registry | None = None
) -> dict[str, Any]:
    """Origin → destination flows of the selected papers' authors (each person once), origin
    shares with 95% Wilson intervals, and the bridged A–B papers, with the conventions."""
    rules = rules or MobilityRules()
    people, authorships, histories = _people(store, rules, registry)
    flows = Counter((p.origin, p.destination) for p in people if p.origin)
    graduate = Counter((p.origin, p.graduate) for p in people if p.origin)
    origins = Counter(p.origin for p in people if p.origin)
    destinations = Counter(p.destination for p in people if p.destination)
    known = sum(origins.values())
    papers_ab = _papers_ab(store, rules)
    bridged = _bridged(authorships, histories, papers_ab, rules.pair)
    return {
        "rows": [
            {"origin": o, "destination": d, "authors": n}
            for (o, d), n in sorted(flows.items(), key=lambda i: (-i[1], i[0][0], i[0][1] or "~"))
        ],
        "graduate_school": [
            {"origin": o, "graduate": g, "authors": n}
            for (o, g), n in sorted(graduate.items(), key=lambda i: (-i[1], i[0][0], i[0][1] or "~"))
        ],
        "authors": len(people),
        "with_origin": known,
        "without_origin": len(people) - known,
        "authorships_without_profile": sum(1 for a in authorships if not a.person),
        "origins": [_share(c, n, known) for c, n in sorted(origins.items(), key=lambda i: (-i[1], i[0]))],
        "with_destination": sum(destinations.values()),
        "destinations": [
            _share(c, n, sum(destinations.values()))
            for c, n in sorted(destinations.items(), key=lambda i: (-i[1], i[0]))
        ],
        "bridges": {
            "pair": list(rules.pair),
            "papers_ab": len(papers_ab),
            "bridged": bridged,
            **dict(zip(("share", "ci_low", "ci_high"), _rate(bridged, len(papers_ab)), strict=True)),
        },
        "conventions": conventions(rules),
    }


def _rate(successes: int, trials: int) -> tuple[float | None, float, float]:
    low, high = wilson_interval(successes, trials)
    return (successes / trials if trials else None), low, high


def _share(country: str, authors: int, known: int) -> dict[str, Any]:
    share, low, high = _rate(authors, known)
    return {"country": country, "authors": authors, "share": share, "ci_low": low, "ci_high": high}


def conventions(rules: MobilityRules) -> dict[str, Any]:
    """How every mobility figure was counted, as printed and written beside it."""
    stage = STAGE_OPTIONS[rules.stage]
    return {
        "selection": {
            "venues": list(rules.venues),
            "years": list(rules.years),
            "status_filter": "accepted papers only (Reject/Withdraw excluded)"
            if rules.accepted_only
            else "all papers",
        },
        "unit": "a person (one OpenReview profile id, aliases joined), counted once over the "
        "selection, at the destination of their latest selected paper; authors without a profile "
        "id cannot be told apart and are counted as authorships_without_profile",
        "stage": rules.stage,
        "origin": f"the country of the person's earliest '{stage}' history entry with a known "
        "country; a person without one has no origin (without_origin)",
        "destination": "the country of the history entry covering the paper's year (the "
        "latest-starting of those; a missing year leaves that side open), else the paper's own "
        "affiliation of the author; a move after the paper does not count",
        "stage_table": f"position_stages.csv v{stage_table_version()} (position words → stage)",
        "places": "each history entry's institution is resolved like any affiliation, with the "
        "profile's own country code as evidence; when nothing resolves, the profile's code",
        "companies": rules.companies,
        "companies_meaning": COMPANIES[rules.companies],
        "china_scope": rules.china_scope,
        "china_scope_meaning": SCOPE_DESCRIPTIONS[rules.china_scope],
        "shares": "origin shares over the authors with an origin, destination shares over every "
        "author with a destination (origin known or not); 95% Wilson score intervals",
        "graduate_school": "for the authors with an origin, the country of their earliest later "
        "degree entry (" + (", ".join(GRADUATE[stage]) or "none after a doctorate") + "), null when none",
        "bridges": f"of the {rules.pair[0]}–{rules.pair[1]} papers (analyze's papers_ab"
        + (")" if rules.companies == "site" else ", companies at headquarters)")
        + ", those with an author in one country of the pair at the paper's date whose history "
        "has an entry in the other that began before the paper's year (or, without years, a degree)",
        "source": "self-reported OpenReview profile histories, public fields only",
    }


def mobility_people(
    store: Store, rules: MobilityRules | None = None, registry: Registry | None = None
) -> pa.Table:
    """The people behind the flows, for a drill-down the user asks for: one row per person with
    their profile id, their name and title as on their latest selected paper, origin and
    destination (``mobility`` itself returns counts only)."""
    rules = rules or MobilityRules()
    people = _people(store, rules, registry)[0]
    table = pa.table(
        {
            "person": [p.person for p in people],
            "paper_id": [p.paper_id for p in people],
            "origin": [p.origin for p in people],
            "destination": [p.destination for p in people],
            "graduate": [p.graduate for p in people],
        },
        schema=pa.schema(
            [(c, pa.string()) for c in ("person", "paper_id", "origin", "destination", "graduate")]
        ),
    )
    store.conn.register("mobility_people_rows", table)
    try:
        return store.query(
            "SELECT m.person, min(a.author_name) AS name, m.origin, m.destination, m.graduate, "
            "p.venue, p.year, p.title, m.paper_id "
            "FROM mobility_people_rows m JOIN papers p USING (paper_id) "
            "JOIN authorship_people ap ON ap.paper_id = m.paper_id AND ap.person = m.person "
            "JOIN authorships a ON a.paper_id = ap.paper_id AND a.author_position = ap.author_position "
            "GROUP BY ALL ORDER BY m.origin NULLS LAST, m.destination NULLS LAST, m.person"
        )
    finally:
        store.conn.unregister("mobility_people_rows")
