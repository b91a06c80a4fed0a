"""The resolver: affiliation string + e-mail domain → institution, country, confidence, method.

:func:`resolve_batch` is a pure function over a batch of distinct ``(raw, domain)`` pairs, an
optional context per pair (the e-mail domains of the co-authors it appears with) and a read-only
:class:`Registry`; it touches no store and no global state.

Institutions named in the string are scored: exact names beat near-names (fuzzy, calibrated)
beat acronyms; the e-mail domain's institution, agreeing places and the co-authors' domains add
to the score. Two candidates in different countries that the evidence cannot separate, and an
acronym only a bulk registry knows, with nothing to corroborate it, are declined (left
unresolved with their candidates) rather than guessed.

For the country, evidence in the string beats defaults: a country or region the string names
("Google DeepMind, London" → GB by the city); a named site of a multinational ("Microsoft
Research Asia" → CN); the chosen institution's home country ("Google" → US); the institution the
e-mail domain belongs to; for a department-only string, the one institution of its co-authors'
domains; weak naming evidence (a lone word that alone names curated institutions of one
country, or a curated name marker such as 'State Key Laboratory' or a demonym in the name); the
domain's country-code TLD; last, a place named inside a longer name. The chosen
institution's country is cross-checked against the string's places and the domain's TLD; a
contradiction lowers the confidence (below the review threshold) and is written in the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from collabatlas.resolve.evidence import (
    CITY,
    CITY_DOMINANCE,
    COUNTRY,
    FUZZY_THRESHOLD,
    REGION,
    SUB_UNIT,
    SUB_UNIT_WORDS,
    Evidence,
    PlaceHit,
    gather,
)
from collabatlas.resolve.registry import CURATED, GENERIC_WORDS, Institution, Registry, distinctive_words
from collabatlas.resolve.text import fold, name_key, strip_numbers

RESOLVER_VERSION = "2.1.0"

# Methods, strongest evidence first (stored with every resolution).
STRING_COUNTRY = "string-country"
SITE = "site"
STRING_CITY = "string-city"
CURATED_NAME = "curated-name"
REGISTRY_NAME = "registry-name"
FUZZY_NAME = "fuzzy-name"
ACRONYM = "acronym"
DOMAIN = "domain"
COAUTHOR_DOMAIN = "coauthor-domain"
DOMAIN_TLD = "domain-tld"
DOMAIN_SITE = "domain-site"
STRING_PLACE = "string-place"
NAME_WORD = "name-word"
NAME_MARKER = "name-marker"
UNRESOLVED = "unresolved"
NOT_AN_INSTITUTION = "not-an-institution"
COMPANY_KINDS = frozenset({"company"})
# Two candidates in different countries closer than this are ambiguous.
MARGIN = 0.25
# Words that mark a company, whose country co-authors do not tell.
_COMPANY_WORDS = frozenset(
    ["inc", "ltd", "llc", "gmbh", "corp", "corporation", "company", "co", "ai", "sas", "bv"]
)


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
    parts: tuple[tuple[str, str], ...] = ()  # (part, role) as parsed
    source: str = ""  # the registry the institution came from ('curated', 'swot', 'ror:…')

    def candidates_json(self) -> str:
        """The candidates as a JSON array (how the store keeps them)."""
        return json.dumps([asdict(c) for c in self.candidates], ensure_ascii=False)

    def parts_json(self) -> str:
        """The parsed parts as a JSON array of {part, role}."""
        return json.dumps([{"part": p, "role": r} for p, r in self.parts], ensure_ascii=False)


def resolve_batch(
    pairs: Sequence[tuple[str, str]],
    registry: Registry,
    contexts: Sequence[Iterable[str]] | None = None,
) -> list[Resolution]:
    """Resolve each distinct ``(raw affiliation, domain)`` pair. Pure; order preserved.

    ``contexts[i]``, when given, holds the e-mail domains of the co-authors pair ``i`` appears
    with on its papers.
    """
    if contexts is None:
        return [resolve_one(raw, domain, registry) for raw, domain in pairs]
    return [
        resolve_one(raw, domain, registry, context)
        for (raw, domain), context in zip(pairs, contexts, strict=True)
    ]


def resolve_one(raw: str, domain: str, registry: Registry, context: Iterable[str] = ()) -> Resolution:
    """Resolve one affiliation string with its e-mail domain (and its co-authors' domains)."""
    return decide(gather(raw, domain, registry, context), registry)


def _explicit_country(
    evidence: Evidence, inst: Institution | None, registry: Registry
) -> tuple[str | None, PlaceHit | None]:
    """The country the string states by country or region parts.

    Parts that agree narrow each other ('Atlanta, Georgia, USA' → US); when they do not, the
    rightmost written-out country wins. A region abbreviation ('NL', 'NT') a city of another
    country contradicts is dropped, and so is a region that is also a city of the named
    institution's country ('Rutgers University, New Brunswick').
    """
    cities = [h for h in evidence.places if h.kind == CITY]
    hits = []
    for hit in (h for h in evidence.places if h.kind in (COUNTRY, REGION)):
        if hit.abbreviation and any(not set(hit.countries) & set(c.countries) for c in cities):
            continue
        if hit.abbreviation and inst and inst.kind not in COMPANY_KINDS and inst.country not in hit.countries:
            continue  # 'MS, Ludong University': a degree, not Mississippi
        if (
            hit.kind == REGION
            and inst is not None
            and inst.country not in hit.countries
            and inst.country in _city_countries(hit.text, registry)
        ):
            continue
        hits.append(hit)
    if not hits:
        return None, None
    allowed = set(hits[0].countries)
    for hit in hits[1:]:
        allowed &= set(hit.countries)
    if allowed:
        for hit in reversed(hits):
            for country in hit.countries:
                if country in allowed:
                    return country, hit
    # Conflicting places ('Technion, Israel / MTA-SZTE, Hungary'): the one the institution or
    # the domain agrees with, else the first written-out country.
    for wanted in (inst.country if inst else None, evidence.tld_country):
        for hit in hits:
            if wanted and wanted in hit.countries:
                return wanted, hit
    for hit in hits:
        if hit.kind == COUNTRY and not hit.abbreviation:
            return hit.countries[0], hit
    return hits[0].countries[0], hits[0]


def _city_countries(text: str, registry: Registry) -> list[str]:
    return [c for c, _ in registry.places.cities.get(fold(strip_numbers(text)), ())]


def _city_country(
    evidence: Evidence, registry: Registry, prefer: Sequence[str]
) -> tuple[str | None, PlaceHit | None]:
    """The country of a city the string names: a preferred country where the city is not dwarfed
    by a namesake ('Paris' is FR, even for a US company), else one dominant country."""
    for hit in reversed([h for h in evidence.places if h.kind == CITY]):
        sizes = registry.places.cities.get(fold(strip_numbers(hit.text)), ())
        largest = sizes[0][1] if sizes else 0
        for country in prefer:
            population = dict(sizes).get(country) if country else None
            if population is not None and population * CITY_DOMINANCE >= largest:
                return country, hit
        if len(sizes) == 1 or (len(sizes) > 1 and sizes[0][1] >= CITY_DOMINANCE * sizes[1][1]):
            return hit.countries[0], hit
    return None, None


def _shares_a_word(inst: Institution, evidence: Evidence) -> bool:
    """Whether the string contains a distinctive word of the institution's names."""
    words = set(name_key(" ".join(evidence.parts)).split())
    return any(set(distinctive_words(name_key(n))) & words for n in (inst.name, *inst.aliases))


def _named(evidence: Evidence, registry: Registry) -> dict[int, tuple[float, str]]:
    """Institutions the string names, with the strength of the naming and how it was found."""
    named: dict[int, tuple[float, str]] = {}
    for hit in evidence.names:
        sub_unit = evidence.roles[hit.part] == SUB_UNIT
        for index in hit.institutions:
            curated = registry.institutions[index].source == CURATED
            if hit.via == "name":
                base = 2.0 + 0.05 * min(hit.words, 6) + (0.3 if hit.full else 0.0)
            elif hit.via == "fuzzy":
                base = 1.5 + 0.4 * (hit.score - FUZZY_THRESHOLD) / (100 - FUZZY_THRESHOLD)
            else:
                base = (1.2 if hit.full else 0.6) - (0.0 if curated else 0.5)
            base -= 0.5 if sub_unit else 0.0
            if base > named.get(index, (-9.0, ""))[0]:
                named[index] = (base, hit.via)
    # The domain's institution, when the string names it loosely and no exact name covers the
    # part ('Ecole Polytechnique Federale Lausanne' with epfl.ch, not 'Google DeepMind' with google.com).
    partial = not any(h.full for h in evidence.names if h.via == "name")
    for index in evidence.domain_institutions:
        if partial and index not in named and _shares_a_word(registry.institutions[index], evidence):
            named[index] = (1.0, "domain+name")
    return named


def _candidates(evidence: Evidence, registry: Registry) -> list[tuple[float, int, str]]:
    """(score, institution index, via), best first."""
    named = _named(evidence, registry)
    if not named:
        named = {i: (1.0, "domain") for i in evidence.domain_institutions}
    places = [c for h in evidence.places if h.kind != "embedded" for c in h.countries[:1]]
    places += [c for h in evidence.places if h.kind in (COUNTRY, REGION) for c in h.countries]
    context = set(evidence.context_institutions)
    context_countries = {registry.institutions[i].country for i in context}
    scored = []
    for index, (base, via) in named.items():
        inst = registry.institutions[index]
        score = base + (0.5 if inst.source == CURATED else 0.0)
        score += 2.0 if index in evidence.domain_institutions else 0.0
        score += 1.0 if inst.country in places else 0.0
        score += 0.5 if evidence.tld_country and inst.country == evidence.tld_country else 0.0
        score += 0.5 if index in context else 0.25 if inst.country in context_countries else 0.0
        scored.append((round(score, 3), index, via))
    return sorted(scored, key=lambda s: (-s[0], s[1]))


def _candidate(registry: Registry, score: float, index: int, via: str) -> Candidate:
    inst = registry.institutions[index]
    return Candidate(inst.name, inst.id, inst.country, round(score, 2), via)


def _corroborated(inst: Institution, index: int, evidence: Evidence) -> bool:
    """Whether anything besides an acronym points at this institution."""
    places = {c for h in evidence.places for c in h.countries}
    return (
        index in evidence.domain_institutions
        or index in evidence.context_institutions
        or inst.country in places
        or inst.country == evidence.tld_country
    )


def _choose(evidence: Evidence, registry: Registry) -> tuple[int | None, str, list[Candidate], str]:
    """The chosen institution (or None), how it was named, the candidates, and why none was chosen."""
    scored = _candidates(evidence, registry)
    candidates = [_candidate(registry, s, i, v) for s, i, v in scored[:5]]
    if not scored:
        return None, "", candidates, ""
    best_score, best, via = scored[0]
    rivals = [
        s for s, i, _ in scored[1:] if registry.institutions[i].country != registry.institutions[best].country
    ]
    if rivals and best_score - rivals[0] < MARGIN:
        return None, via, candidates, "ambiguous"
    inst = registry.institutions[best]
    if via == "acronym" and inst.source != CURATED and not _corroborated(inst, best, evidence):
        return None, via, candidates, "acronym only"
    tld = evidence.tld_country
    if (
        via == "acronym"
        and tld
        and tld not in (inst.country, "US")
        and best not in evidence.domain_institutions
    ):
        return None, via, candidates, f"acronym only, and the domain points to {tld}"  # 'UCL' at uclouvain.be
    return best, via, candidates, ""


def _resolution(
    evidence: Evidence,
    inst: Institution | None,
    country: str | None,
    confidence: float,
    method: str,
    reason: str,
    candidates: Sequence[Candidate],
    notes: Sequence[str] = (),
) -> Resolution:
    return Resolution(
        inst.name if inst else None,
        inst.id if inst else None,
        country,
        round(max(confidence, 0.0), 2),
        method,
        reason + ("; " + "; ".join(notes) if notes else ""),
        tuple(candidates),
        tuple(zip(evidence.parts, evidence.roles, strict=True)),
        inst.source if inst else "",
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


def _domain_is_the_company(inst: Institution, domain: str) -> bool:
    """'amazon.co.uk' and 'in.ibm.com' belong to Amazon and IBM; 'telecom-paris.fr' does not."""
    labels = set(domain.split("."))
    return any(d.split(".")[0] in labels for d in inst.domains)


def _department_only(evidence: Evidence) -> bool:
    """A string that names only a sub-unit ('Department of Statistics'), no organisation."""
    for part, role in zip(evidence.parts, evidence.roles, strict=True):
        words = set(fold(part).split())
        if words & _COMPANY_WORDS or (role != SUB_UNIT and not words <= GENERIC_WORDS | SUB_UNIT_WORDS):
            return False
    return bool(evidence.parts)


def _context_institution(evidence: Evidence, registry: Registry) -> Institution | None:
    """The one institution the co-authors' domains belong to, if there is exactly one."""
    ids = {registry.institutions[i].id: registry.institutions[i] for i in evidence.context_institutions}
    return next(iter(ids.values())) if len(ids) == 1 else None


def decide(evidence: Evidence, registry: Registry) -> Resolution:
    """Turn gathered evidence into a resolution (see the module docstring for the order)."""
    if not evidence.parts and not evidence.domain_institutions:
        return _resolution(evidence, None, None, 0.0, UNRESOLVED, "empty affiliation", [])
    if evidence.not_an_institution and not evidence.domain_institutions:
        return _resolution(
            evidence, None, None, 0.0, NOT_AN_INSTITUTION, f"{evidence.raw!r} names no institution", []
        )
    chosen, via, candidates, declined = _choose(evidence, registry)
    inst = registry.institutions[chosen] if chosen is not None else None
    tld = evidence.tld_country
    notes: list[str] = []

    explicit, explicit_hit = _explicit_country(evidence, inst, registry)
    if explicit and explicit_hit:
        agrees = (inst and inst.country == explicit) or tld == explicit
        if inst and inst.country != explicit:
            notes.append(f"{inst.name} is based in {inst.country}")
        return _resolution(
            evidence,
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
            f"named site {site.name!r} of {site.organisation} is in {site.country} "
            f"(organisation_sites v{registry.tables.get('organisation_sites.csv', '?')})",
            tuple(candidates),
            tuple(zip(evidence.parts, evidence.roles, strict=True)),
            CURATED,
        )
    place, place_method, place_text = _place_country(
        evidence, registry, [inst.country if inst else "", tld or ""]
    )
    if inst:
        return _institution_country(evidence, inst, via, place, place_method, place_text, candidates)
    if place:
        return _resolution(
            evidence,
            None,
            place,
            0.85 if place_method == STRING_CITY else 0.65,
            place_method,
            f"the string names {place_text!r} ({place})",
            candidates,
        )
    listed = ", ".join(f"{c.institution} ({c.country}, {c.score})" for c in candidates)
    if declined and not tld:
        return _resolution(evidence, None, None, 0.0, UNRESOLVED, f"{declined}: {listed}", candidates)
    if not evidence.domain_institutions and _department_only(evidence):
        shared = _context_institution(evidence, registry)
        if shared is not None and tld in (None, shared.country):
            return _resolution(
                evidence,
                shared,
                shared.country,
                0.6,
                COAUTHOR_DOMAIN,
                "a department with no institution; every co-author domain "
                f"({', '.join(evidence.context_domains)}) belongs to {shared.name} ({shared.country})",
                candidates,
            )
    weak = _weak_name_country(evidence, registry)
    if weak is not None:
        return weak
    if tld:
        confidence = 0.7 if evidence.domain.endswith(".edu") else 0.78
        return _resolution(
            evidence,
            None,
            tld,
            confidence - (0.2 if declined else 0.0),
            DOMAIN_TLD,
            f"the domain {evidence.domain} ends in a {tld} suffix",
            candidates,
            [f"no institution chosen ({declined}: {listed})"] if declined else [],
        )
    return _resolution(
        evidence, None, None, 0.0, UNRESOLVED, "no place, institution or domain recognised", candidates
    )


def _weak_name_country(evidence: Evidence, registry: Registry) -> Resolution | None:
    """A country from weak naming evidence, when nothing stronger decided: a lone identifying
    word of curated institutions that all share one country ('Zorblax Widget Lab' when only
    Zorblax University uses 'zorblax'), else curated name markers that agree ('State Key
    Laboratory' → CN, 'German Centre' → DE). A domain suffix naming another country lowers the
    confidence (or, for a lone word, wins)."""
    tld = evidence.tld_country
    found: tuple[str, Institution | None, str, str] | None = None
    named = [registry.institutions[i] for i in evidence.word_institutions]
    if named and len({inst.country for inst in named}) == 1 and tld in (None, named[0].country):
        ids = {inst.id for inst in named}
        inst = named[0] if len(ids) == 1 else None
        listed = ", ".join(sorted({i.name for i in named}))
        found = (named[0].country, inst, NAME_WORD, f"a word that alone names {listed} ({named[0].country})")
    elif evidence.markers and len({c for _, c in evidence.markers}) == 1:
        phrases = ", ".join(repr(p) for p, _ in evidence.markers)
        country = evidence.markers[0][1]
        found = (
            country,
            None,
            NAME_MARKER,
            f"the name marker {phrases} ({country}, name_markers v"
            f"{registry.tables.get('name_markers.csv', '?')})",
        )
    if found is None:
        return None
    country, inst, method, reason = found
    notes = [f"but the domain {evidence.domain} points to {tld}"] if tld and tld != country else []
    return _resolution(evidence, inst, country, 0.5 if notes else 0.7, method, reason, [], notes)


def _institution_country(
    evidence: Evidence,
    inst: Institution,
    via: str,
    place: str | None,
    place_method: str,
    place_text: str,
    candidates: Sequence[Candidate],
) -> Resolution:
    """The country of a chosen institution: a city it names for companies, the domain's country
    for a company's own domain, else its home, cross-checked against places and the domain."""
    home, tld = inst.country, evidence.tld_country
    if place and place != home and (inst.kind in COMPANY_KINDS or inst.source != CURATED):
        return _resolution(
            evidence,
            inst,
            place,
            0.85 if place_method == STRING_CITY else 0.75,
            place_method,
            f"{inst.name} with the place {place_text!r} ({place})",
            candidates,
        )
    if inst.kind in COMPANY_KINDS and tld and tld != home and _domain_is_the_company(inst, evidence.domain):
        return _resolution(
            evidence,
            inst,
            tld,
            0.8,
            DOMAIN_SITE,
            f"{inst.name} site: its domain {evidence.domain} is in {tld}",
            candidates,
        )
    method = {"acronym": ACRONYM, "domain": DOMAIN, "fuzzy": FUZZY_NAME}.get(
        via, CURATED_NAME if inst.source == CURATED else REGISTRY_NAME
    )
    confidence = {ACRONYM: 0.85, DOMAIN: 0.9, CURATED_NAME: 0.95, FUZZY_NAME: 0.85}.get(method, 0.9)
    notes = []
    if tld and tld != home and inst.kind not in COMPANY_KINDS and tld != "US":
        confidence -= 0.3
        notes.append(f"but the domain {evidence.domain} points to {tld}")
    if place and place != home:
        confidence -= 0.2
        notes.append(f"but the string names {place_text!r} ({place})")
    return _resolution(
        evidence,
        inst,
        home,
        confidence,
        method,
        f"{via or 'name'} match {inst.name!r} ({inst.source}) in {home}",
        candidates,
        notes,
    )
