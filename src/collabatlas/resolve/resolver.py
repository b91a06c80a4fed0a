"""The resolver: affiliation string + e-mail domain → institution, country, confidence, method.

:func:`resolve_batch` is a pure function over a batch of distinct ``(raw, domain)`` pairs and a
read-only :class:`Registry`; it touches no store and no global state, so the same code runs in
the embedded path and inside a distributed engine.

Evidence in the string beats defaults: a country, region or unambiguous city the string names
decides the country ("Google DeepMind, London" → GB); then a named site of a multinational
("Microsoft Research Asia" → CN); then the matched institution's home country ("Google" → US);
then the institution the e-mail domain belongs to; then the domain's country-code TLD; last,
a place named inside a longer name. The chosen institution's country is cross-checked against
the string's places and the domain's TLD; a contradiction lowers the confidence.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from collabatlas.resolve.evidence import CITY_DOMINANCE, Evidence, NameHit, PlaceHit, gather
from collabatlas.resolve.registry import CURATED, Institution, Registry

RESOLVER_VERSION = "1.0.0"

# Methods, strongest evidence first (stored with every resolution).
STRING_COUNTRY = "string-country"
SITE = "site"
STRING_CITY = "string-city"
CURATED_NAME = "curated-name"
REGISTRY_NAME = "registry-name"
ACRONYM = "acronym"
DOMAIN = "domain"
DOMAIN_TLD = "domain-tld"
DOMAIN_SITE = "domain-site"
STRING_PLACE = "string-place"
UNRESOLVED = "unresolved"
NOT_AN_INSTITUTION = "not-an-institution"
COMPANY_KINDS = frozenset({"company"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """An institution the resolver considered, with its score and where it came from."""

    institution: str
    institution_id: str
    country: str
    score: float
    via: str


@dataclass(frozen=True, slots=True)
class Resolution:
    """The resolver's answer for one (affiliation, domain), with its provenance."""

    institution: str | None
    institution_id: str | None
    country: str | None
    confidence: float
    method: str
    reason: str
    candidates: tuple[Candidate, ...] = ()

    def candidates_json(self) -> str:
        """The candidates as a JSON array (how the store keeps them)."""
        return json.dumps([asdict(c) for c in self.candidates], ensure_ascii=False)


def resolve_batch(pairs: Sequence[tuple[str, str]], registry: Registry) -> list[Resolution]:
    """Resolve each distinct ``(raw affiliation, domain)`` pair. Pure; order preserved."""
    return [resolve_one(raw, domain, registry) for raw, domain in pairs]


def resolve_one(raw: str, domain: str, registry: Registry) -> Resolution:
    """Resolve one affiliation string with its e-mail domain."""
    return decide(gather(raw, domain, registry), registry)


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _explicit_country(evidence: Evidence) -> tuple[str | None, PlaceHit | None]:
    """The country the string states, by country or region parts (rightmost wins ties)."""
    hits = [h for h in evidence.places if h.kind in ("country", "region")]
    if not hits:
        return None, None
    allowed: set[str] | None = None
    for hit in hits:
        allowed = set(hit.countries) if allowed is None else (allowed & set(hit.countries)) or allowed
    countries = [c for h in reversed(hits) for c in h.countries if allowed and c in allowed]
    return (countries[0], hits[-1]) if countries else (None, None)


def _city_country(
    evidence: Evidence, registry: Registry, prefer: Sequence[str]
) -> tuple[str | None, PlaceHit | None]:
    """The country of a city the string names, when one country dominates or evidence agrees."""
    for hit in reversed([h for h in evidence.places if h.kind == "city"]):
        for country in prefer:
            if country and country in hit.countries:
                return country, hit
        sizes = registry.places.cities.get(_fold_city(hit.text), ())
        if len(sizes) == 1 or (len(sizes) > 1 and sizes[0][1] >= CITY_DOMINANCE * sizes[1][1]):
            return hit.countries[0], hit
    return None, None


def _fold_city(text: str) -> str:
    from collabatlas.resolve.text import fold, strip_numbers

    return fold(strip_numbers(text))


def _name_candidates(evidence: Evidence, registry: Registry) -> tuple[list[int], NameHit | None]:
    """Institutions named by the longest name hit (curated rows preferred), else by acronyms."""
    names = [h for h in evidence.names if h.via == "name"]
    if names:
        best = max(names, key=lambda h: (h.words, -h.part))
        found = [i for h in names if h.text == best.text for i in h.institutions]
        curated = [i for i in found if registry.institutions[i].source == CURATED]
        return _unique_ids(curated or found), best
    acronyms = [h for h in evidence.names if h.via == "acronym"]
    if acronyms:
        return _unique_ids([i for h in acronyms for i in h.institutions]), acronyms[0]
    return [], None


def _unique_ids(indexes: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(indexes))


def _score(inst: Institution, index: int, evidence: Evidence, places: list[str]) -> float:
    score = 1.0 if inst.source == CURATED else 0.8
    if index in evidence.domain_institutions:
        score += 2.0
    if inst.country in places:
        score += 1.0
    if evidence.tld_country and inst.country == evidence.tld_country:
        score += 0.5
    return score


def _choose(
    indexes: list[int], evidence: Evidence, registry: Registry
) -> tuple[int | None, list[Candidate], bool]:
    """Pick one institution among candidates; ``ambiguous`` when evidence cannot separate them."""
    place_countries = [c for h in evidence.places if h.kind != "embedded" for c in h.countries[:1]]
    place_countries += [c for h in evidence.places if h.kind in ("country", "region") for c in h.countries]
    scored = sorted(
        ((_score(registry.institutions[i], i, evidence, place_countries), i) for i in indexes),
        reverse=True,
    )
    candidates = [
        Candidate(
            registry.institutions[i].name,
            registry.institutions[i].id,
            registry.institutions[i].country,
            round(s, 2),
            "name",
        )
        for s, i in scored[:5]
    ]
    if not scored:
        return None, candidates, False
    countries = {registry.institutions[i].country for _, i in scored}
    if len(scored) == 1 or scored[0][0] > scored[1][0] or len(countries) == 1:
        return scored[0][1], candidates, False
    return None, candidates, True


def _resolution(
    inst: Institution | None,
    country: str,
    confidence: float,
    method: str,
    reason: str,
    candidates: list[Candidate],
    notes: list[str] = [],  # noqa: B006 (never mutated)
) -> Resolution:
    return Resolution(
        inst.name if inst else None,
        inst.id if inst else None,
        country,
        round(confidence, 2),
        method,
        reason + _tail(notes),
        tuple(candidates),
    )


def _place_country(
    evidence: Evidence, registry: Registry, prefer: Sequence[str]
) -> tuple[str | None, str, str]:
    """A country from a named city, else from a place inside a longer name: (code, method, text)."""
    city, hit = _city_country(evidence, registry, prefer)
    if city and hit:
        return city, STRING_CITY, hit.text
    embedded = [h for h in evidence.places if h.kind == "embedded"]
    for hit in reversed(embedded):
        for country in prefer:
            if country and country in hit.countries:
                return country, STRING_PLACE, hit.text
    if embedded:
        return embedded[-1].countries[0], STRING_PLACE, embedded[-1].text
    return None, "", ""


def decide(evidence: Evidence, registry: Registry) -> Resolution:
    """Turn gathered evidence into a resolution (see the module docstring for the order)."""
    if not evidence.parts:
        return Resolution(None, None, None, 0.0, UNRESOLVED, "empty affiliation")
    if evidence.not_an_institution and not evidence.domain_institutions:
        return Resolution(None, None, None, 0.0, NOT_AN_INSTITUTION, f"{evidence.raw!r} names no institution")

    indexes, hit = _name_candidates(evidence, registry)
    via = hit.via if hit else ""
    if not indexes and evidence.domain_institutions:
        indexes, via = list(evidence.domain_institutions), "domain"
    chosen, candidates, ambiguous = _choose(indexes, evidence, registry)
    inst = registry.institutions[chosen] if chosen is not None else None
    tld = evidence.tld_country
    notes: list[str] = []

    explicit, explicit_hit = _explicit_country(evidence)
    if explicit and explicit_hit:
        agrees = (inst and inst.country == explicit) or tld == explicit
        if inst and inst.country != explicit:
            notes.append(f"{inst.name} is based in {inst.country}")
        return _resolution(
            inst,
            explicit,
            0.97 if agrees else 0.93,
            STRING_COUNTRY,
            f"the string names {explicit_hit.text!r} ({explicit})",
            candidates,
            notes,
        )
    if evidence.site is not None:
        site = registry.sites[evidence.site]
        owner = (
            registry.institutions[registry.by_id[site.organisation]]
            if site.organisation in registry.by_id
            else None
        )
        return Resolution(
            site.name,
            owner.id if owner else site.organisation,
            site.country,
            0.93,
            SITE,
            f"named site {site.name!r} is in {site.country}",
            tuple(candidates),
        )
    place, place_method, place_text = _place_country(
        evidence, registry, [inst.country if inst else "", tld or ""]
    )
    if inst:
        home = inst.country
        if place and place != home and (inst.kind in COMPANY_KINDS or inst.source != CURATED):
            return _resolution(
                inst,
                place,
                0.85 if place_method == STRING_CITY else 0.75,
                place_method,
                f"{inst.name} with the place {place_text!r} ({place})",
                candidates,
            )
        if inst.kind in COMPANY_KINDS and tld and tld != home:
            return _resolution(
                inst,
                tld,
                0.8,
                DOMAIN_SITE,
                f"{inst.name} site: the domain {evidence.domain} is in {tld}",
                candidates,
            )
        method = {"acronym": ACRONYM, "domain": DOMAIN}.get(
            via, CURATED_NAME if inst.source == CURATED else REGISTRY_NAME
        )
        confidence = {ACRONYM: 0.85, DOMAIN: 0.9, CURATED_NAME: 0.95}.get(method, 0.9)
        if tld and tld != home and inst.kind not in COMPANY_KINDS and tld != "US":
            confidence -= 0.3
            notes.append(f"but the domain {evidence.domain} points to {tld}")
        if place and place != home:
            confidence -= 0.2
            notes.append(f"but the string names {place_text!r} ({place})")
        return _resolution(
            inst,
            home,
            confidence,
            method,
            f"{via or 'name'} match {inst.name!r} ({inst.source}) in {home}",
            candidates,
            notes,
        )
    if place:
        return _resolution(
            None,
            place,
            0.85 if place_method == STRING_CITY else 0.65,
            place_method,
            f"the string names {place_text!r} ({place})",
            candidates,
        )
    if ambiguous:
        return Resolution(
            None,
            None,
            None,
            0.0,
            UNRESOLVED,
            "ambiguous: " + ", ".join(f"{c.institution} ({c.country})" for c in candidates),
            tuple(candidates),
        )
    if tld:
        confidence = 0.7 if evidence.domain.endswith(".edu") else 0.78
        return _resolution(
            None,
            tld,
            confidence,
            DOMAIN_TLD,
            f"the domain {evidence.domain} ends in a {tld} suffix",
            candidates,
        )
    return Resolution(
        None,
        None,
        None,
        0.0,
        UNRESOLVED,
        "no place, institution or domain recognised",
        tuple(candidates),
    )


def _tail(notes: list[str]) -> str:
    return ("; " + "; ".join(notes)) if notes else ""
