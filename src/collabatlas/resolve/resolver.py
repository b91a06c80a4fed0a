"""The resolver: affiliation string + e-mail domain → institution, country, confidence, method.

:func:`resolve_batch` is a pure function over a batch of distinct ``(raw, domain)`` pairs, an
optional context per pair (the e-mail domains of the co-authors it appears with) and a read-only
:class:`Registry`; it touches no store and no global state.

The decision is :data:`STEPS`, a list of small named steps tried in order; each returns an
answer or passes. Each step's docstring is its documented rule: the README's "How an affiliation
becomes a country" and the report's methods text are generated from this list
(:func:`decision_order_markdown`, :func:`decision_order_text`). Scores, confidences and word lists
are curated data (``resolve/data/weights.json``, ``words.json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields

from collabatlas.resolve.clues import (
    CITY,
    CITY_DOMINANCE,
    COMPANY_WORDS,
    COUNTRY,
    FUZZY_THRESHOLD,
    REGION,
    SUB_UNIT,
    SUB_UNIT_WORDS,
    Clues,
    PlaceHit,
    find_clues,
)
from collabatlas.resolve.knowledge import count, weight, word_map
from collabatlas.resolve.registry import CURATED, GENERIC_WORDS, Institution, Registry, distinctive_words
from collabatlas.resolve.text import fold, name_key, strip_numbers

RESOLVER_VERSION = "2.3.0"

# Methods (stored with every resolution); the step that gives each is in STEPS.
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
METHODS = (
    STRING_COUNTRY,
    SITE,
    STRING_CITY,
    CURATED_NAME,
    REGISTRY_NAME,
    FUZZY_NAME,
    ACRONYM,
    DOMAIN,
    COAUTHOR_DOMAIN,
    DOMAIN_TLD,
    DOMAIN_SITE,
    STRING_PLACE,
    NAME_WORD,
    NAME_MARKER,
    UNRESOLVED,
    NOT_AN_INSTITUTION,
)
COMPANY_KINDS = frozenset({"company"})
# Two candidates in different countries closer than this are ambiguous.
MARGIN = weight("margin")
# Countries whose states a town's name is followed by ('Lebanon, NH').
_STATE_COUNTRIES = frozenset({"US", "CA", "AU"})
_TERRITORIES = word_map("special_territories")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An institution the resolver considered, with its score and where it came from."""

    institution: str
    institution_id: str
    country: str
    score: float
    via: str


_CANDIDATE_FIELDS = tuple(f.name for f in dataclass_fields(Candidate))  # asdict's keys, without its copying


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
    ror_id: str | None = None  # the institution's ROR id ('https://ror.org/…'), where one is known

    def candidates_json(self) -> str:
        """The candidates as a JSON array (how the store keeps them)."""
        fields = _CANDIDATE_FIELDS
        return json.dumps([{f: getattr(c, f) for f in fields} for c in self.candidates], ensure_ascii=False)

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
    return decide(find_clues(raw, domain, registry, context), registry)


def resolve_alone(pairs: Sequence[tuple[str, str]], registry: Registry) -> list[tuple[Resolution, bool]]:
    """Resolve each pair without co-author context, and say whether a context could change the
    answer (see :func:`context_can_matter`). Pure; order preserved."""
    found = []
    for raw, domain in pairs:
        case = Case.of(find_clues(raw, domain, registry), registry)
        found.append((case.decide(), context_can_matter(case)))
    return found


def decide(clues: Clues, registry: Registry) -> Resolution:
    """Turn the clues of one string into a resolution: the first step of :data:`STEPS` that answers."""
    return Case.of(clues, registry).decide()


def context_can_matter(case: Case) -> bool:
    """Whether co-authors' domains could change this answer: several candidate institutions (their
    scores would move), an acronym candidate (they may corroborate it), or a string that names
    only a department (they may say whose)."""
    return (
        len(case.scored) > 1
        or any(via == "acronym" for _, _, via in case.scored)
        or (not case.clues.domain_institutions and _department_only(case.clues))
    )


def _explicit_country(
    clues: Clues, inst: Institution | None, registry: Registry
) -> tuple[str | None, PlaceHit | None]:
    """The country the string states by country or region parts.

    Parts that agree narrow each other ('Atlanta, Georgia, USA' → US); when they do not, the
    rightmost written-out country wins. A region abbreviation ('NL', 'NT') a city of another
    country contradicts is dropped, and so is a region that is also a city of the named
    institution's country ('Rutgers University, New Brunswick').
    """
    cities = [h for h in clues.places if h.kind == CITY]
    states = {h.part: h for h in clues.places if h.kind == REGION and set(h.countries) & _STATE_COUNTRIES}
    hits = []
    for hit in (h for h in clues.places if h.kind in (COUNTRY, REGION)):
        if hit.abbreviation and any(not set(hit.countries) & set(c.countries) for c in cities):
            continue
        state = states.get(hit.part + 1)
        if hit.kind == COUNTRY and state and not set(hit.countries) & set(state.countries):
            continue  # 'Lebanon, NH': a town followed by its state, not the country Lebanon
        town = any(c.part == hit.part - 1 and set(c.countries) & set(hit.countries) for c in cities)
        if (
            hit.abbreviation
            and inst
            and inst.kind not in COMPANY_KINDS
            and inst.country not in hit.countries
            and not town  # 'San Jose, CA' is a town and its state
        ):
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
    country, found = _agreed_country(clues, inst, hits, cities)
    if country and found:
        return _territory(country, found, clues, inst)
    return None, None


def _agreed_country(
    clues: Clues, inst: Institution | None, hits: list[PlaceHit], cities: list[PlaceHit]
) -> tuple[str | None, PlaceHit | None]:
    allowed = set(hits[0].countries)
    for hit in hits[1:]:
        allowed &= set(hit.countries)
    if allowed:
        # A part that could be several ('Georgia': the country or the US state) is read in the
        # country of the city before it ('Atlanta, Georgia'), else the institution's or domain's.
        for hit in reversed(hits):
            before = [c for c in cities if c.part < hit.part]
            prefer = [
                *(before[-1].countries[:1] if before else ()),
                inst.country if inst else "",
                clues.tld_country,
            ]
            for country in (*(p for p in prefer if p and p in hit.countries[1:]), *hit.countries):
                if country in allowed:
                    return country, hit
    # Conflicting places ('Technion, Israel / MTA-SZTE, Hungary'): the one the institution or
    # the domain agrees with, else the first written-out country.
    for wanted in (inst.country if inst else None, clues.tld_country):
        for hit in hits:
            if wanted and wanted in hit.countries:
                return wanted, hit
    for hit in hits:
        if hit.kind == COUNTRY and not hit.abbreviation:
            return hit.countries[0], hit
    return hits[0].countries[0], hits[0]


def _territory(country: str, hit: PlaceHit, clues: Clues, inst: Institution | None) -> tuple[str, PlaceHit]:
    """'Kowloon, China' is Hong Kong: a city, district or institution of a territory written
    beside its sovereign's name decides (``special_territories`` in data/words.json)."""
    for territory, sovereign in _TERRITORIES.items():
        if sovereign != country:
            continue
        for place in clues.places:
            if place.kind in (CITY, REGION) and place.countries[:1] == (territory,):
                return territory, place
        # 'The University of Hong Kong, China', not 'The Chinese University of Hong Kong, Shenzhen'.
        mainland = any(p.kind in (CITY, REGION) and p.countries[:1] == (sovereign,) for p in clues.places)
        if inst and inst.country == territory and not mainland:
            return territory, hit
    return country, hit


def _city_countries(text: str, registry: Registry) -> list[str]:
    return [c for c, _ in registry.places.cities.get(fold(strip_numbers(text)), ())]


def _city_country(
    clues: Clues, registry: Registry, prefer: Sequence[str]
) -> tuple[str | None, PlaceHit | None]:
    """The country of a city the string names: a preferred country where the city is not dwarfed
    by a namesake ('Paris' is FR, even for a US company), else one dominant country."""
    for hit in reversed([h for h in clues.places if h.kind == CITY]):
        sizes = registry.places.cities.get(fold(strip_numbers(hit.text)), ())
        largest = sizes[0][1] if sizes else 0
        for country in prefer:
            population = dict(sizes).get(country) if country else None
            if population is not None and population * CITY_DOMINANCE >= largest:
                return country, hit
        if len(sizes) == 1 or (len(sizes) > 1 and sizes[0][1] >= CITY_DOMINANCE * sizes[1][1]):
            return hit.countries[0], hit
    return None, None


def _embedded_country(
    clues: Clues, prefer: Sequence[str], countries: dict[str, str] | None = None
) -> tuple[str | None, PlaceHit | None]:
    """The country of a place inside a longer name: a preferred one, else the last named
    (``countries``: only places that are country names)."""
    embedded = [
        h for h in clues.places if h.kind == "embedded" and (countries is None or h.text in countries)
    ]
    for hit in reversed(embedded):
        for country in prefer:
            if country and country in hit.countries:
                return country, hit
    if embedded:
        return embedded[-1].countries[0], embedded[-1]
    return None, None


def _shares_a_word(inst: Institution, clues: Clues) -> bool:
    """Whether the string contains a distinctive word of the institution's names."""
    words = set(name_key(" ".join(clues.parts)).split())
    return any(set(distinctive_words(name_key(n))) & words for n in (inst.name, *inst.aliases))


_EXACT = weight("score.exact_name")
_EXACT_PER_WORD = weight("score.exact_name_per_word")
_EXACT_MAX_WORDS = count("score.exact_name_max_words")
_EXACT_WHOLE = weight("score.exact_name_whole_part")
_FUZZY = weight("score.fuzzy_name")
_FUZZY_RANGE = weight("score.fuzzy_name_range")
_ACRONYM_WHOLE = weight("score.acronym_whole_part")
_ACRONYM_IN_PART = weight("score.acronym_in_part")
_ACRONYM_BULK = weight("score.acronym_bulk_penalty")
_SUB_UNIT_PENALTY = weight("score.sub_unit_penalty")
_DOMAIN_AND_NAME = weight("score.domain_and_name")
_DOMAIN_ONLY = weight("score.domain_only")
_CURATED_BONUS = weight("score.curated_bonus")
_DOMAIN_BONUS = weight("score.domain_bonus")
_PLACE_BONUS = weight("score.place_bonus")
_TLD_BONUS = weight("score.tld_bonus")
_COAUTHOR_INSTITUTION_BONUS = weight("score.coauthor_institution_bonus")
_COAUTHOR_COUNTRY_BONUS = weight("score.coauthor_country_bonus")
_BULK_CONTRADICTED = weight("score.bulk_contradicted_penalty")


def _named(clues: Clues, registry: Registry) -> dict[int, tuple[float, str]]:
    """Institutions the string names, with the strength of the naming and how it was found."""
    named: dict[int, tuple[float, str]] = {}
    # Parts outside sub-units that name a curated institution ('…, EPFL').
    curated_elsewhere = any(clues.roles[h.part] == SUB_UNIT for h in clues.names) and any(
        clues.roles[h.part] != SUB_UNIT
        and any(registry.institutions[i].source == CURATED for i in h.institutions)
        for h in clues.names
    )
    for hit in clues.names:
        sub_unit = clues.roles[hit.part] == SUB_UNIT
        for index in hit.institutions:
            curated = registry.institutions[index].source == CURATED
            if sub_unit and not curated and curated_elsewhere:
                continue  # 'Institute of Mathematics, EPFL': EPFL's, not a namesake elsewhere
            if hit.via == "name":
                base = _EXACT + _EXACT_PER_WORD * min(hit.words, _EXACT_MAX_WORDS)
                base += _EXACT_WHOLE if hit.full else 0.0
            elif hit.via == "fuzzy":
                base = _FUZZY + _FUZZY_RANGE * (hit.score - FUZZY_THRESHOLD) / (100 - FUZZY_THRESHOLD)
            else:
                base = (_ACRONYM_WHOLE if hit.full else _ACRONYM_IN_PART) - (
                    0.0 if curated else _ACRONYM_BULK
                )
            base -= _SUB_UNIT_PENALTY if sub_unit else 0.0
            if base > named.get(index, (-9.0, ""))[0]:
                named[index] = (base, hit.via)
    # The domain's institution, when the string names it loosely and no exact name covers the
    # part ('Ecole Polytechnique Federale Lausanne' with epfl.ch, not 'Google DeepMind' with google.com).
    partial = not any(
        h.full and any(registry.institutions[i].source == CURATED for i in h.institutions)
        for h in clues.names
        if h.via == "name"
    )
    for index in clues.domain_institutions:
        if partial and index not in named and _shares_a_word(registry.institutions[index], clues):
            named[index] = (_DOMAIN_AND_NAME, "domain+name")
    return named


def _candidates(clues: Clues, registry: Registry) -> list[tuple[float, int, str]]:
    """(score, institution index, via), best first."""
    named = _named(clues, registry)
    if all(_weak_bulk(registry.institutions[i], via) for i, (_, via) in named.items()):
        # The domain's institution stays a candidate beside acronyms, near-names and unit names
        # only a bulk registry knows ('Applied Artificial Intelligence Lab' at robots.ox.ac.uk).
        for i in clues.domain_institutions:
            named.setdefault(i, (_DOMAIN_ONLY, "domain"))
    places = [c for h in clues.places if h.kind != "embedded" for c in h.countries[:1]]
    places += [c for h in clues.places if h.kind in (COUNTRY, REGION) for c in h.countries]
    stated: set[str] = set()
    if any(via == "fuzzy" for _, via in named.values()):
        stated = {c for h in clues.places if h.kind != "embedded" for c in h.countries}
        stated |= {country for _, country in clues.markers}
    context = set(clues.context_institutions)
    context_countries = {registry.institutions[i].country for i in context}
    scored = []
    for index, (base, via) in named.items():
        inst = registry.institutions[index]
        if via == "fuzzy" and stated and inst.country not in stated:
            continue  # a near-name across a country the string states ('Indian' is not 'Indiana')
        score = base + (_CURATED_BONUS if inst.source == CURATED else 0.0)
        if inst.source != CURATED and _contradicted(inst, clues, registry):
            score -= _BULK_CONTRADICTED
        score += _DOMAIN_BONUS if index in clues.domain_institutions else 0.0
        score += _PLACE_BONUS if inst.country in places else 0.0
        score += _TLD_BONUS if clues.tld_country and inst.country == clues.tld_country else 0.0
        if index in context:
            score += _COAUTHOR_INSTITUTION_BONUS
        elif inst.country in context_countries:
            score += _COAUTHOR_COUNTRY_BONUS
        scored.append((round(score, 3), index, via))
    return sorted(scored, key=lambda s: (-s[0], s[1]))


def _weak_bulk(inst: Institution, via: str) -> bool:
    """A bulk registry's institution named by an acronym or a near-name, or one that is a unit
    (a lab, a centre: ROR's facilities) rather than a university or a company."""
    return inst.source != CURATED and (
        via in ("acronym", "fuzzy") or inst.kind not in ("university", "company")
    )


def _contradicted(inst: Institution, clues: Clues, registry: Registry) -> str:
    """What in the string contradicts a bulk registry row's country: the e-mail domain's
    institution or country suffix ('.ca' beside a row that says DZ), or a city or country part."""
    for owner in (registry.institutions[i] for i in clues.domain_institutions):
        if owner.country != inst.country:
            return f"the domain {clues.domain} belongs to {owner.name} ({owner.country})"
    if clues.tld_country and clues.tld_country not in (inst.country, "US"):
        return f"the domain {clues.domain} points to {clues.tld_country}"
    for hit in clues.places:
        if hit.kind in (COUNTRY, CITY) and not hit.abbreviation and inst.country not in hit.countries:
            return f"the string names {hit.text!r} ({hit.countries[0]})"
    return ""


def _candidate(registry: Registry, score: float, index: int, via: str) -> Candidate:
    inst = registry.institutions[index]
    return Candidate(inst.name, inst.id, inst.country, round(score, 2), via)


def _corroborated(inst: Institution, index: int, clues: Clues) -> bool:
    """Whether anything besides an acronym points at this institution."""
    places = {c for h in clues.places for c in h.countries}
    return (
        index in clues.domain_institutions
        or index in clues.context_institutions
        or inst.country in places
        or inst.country == clues.tld_country
    )


def _choose(
    clues: Clues, registry: Registry, scored: list[tuple[float, int, str]]
) -> tuple[int | None, str, str]:
    """The chosen institution (or None), how it was named, and why none was chosen."""
    if not scored:
        return None, "", ""
    best_score, best, via = scored[0]
    rivals = [
        s for s, i, _ in scored[1:] if registry.institutions[i].country != registry.institutions[best].country
    ]
    if rivals and best_score - rivals[0] < MARGIN:
        return None, via, "ambiguous"
    inst = registry.institutions[best]
    if via == "acronym" and inst.source != CURATED and not _corroborated(inst, best, clues):
        return None, via, "acronym only"
    tld = clues.tld_country
    if via == "acronym" and tld and tld not in (inst.country, "US") and best not in clues.domain_institutions:
        return None, via, f"acronym only, and the domain points to {tld}"  # 'UCL' at uclouvain.be
    return best, via, ""


def _domain_is_the_company(inst: Institution, domain: str) -> bool:
    """'amazon.co.uk' and 'in.ibm.com' belong to Amazon and IBM; 'telecom-paris.fr' does not."""
    labels = set(domain.split("."))
    return any(d.split(".")[0] in labels for d in inst.domains)


def _department_only(clues: Clues) -> bool:
    """A string that names only a sub-unit ('Department of Statistics'), no organisation."""
    for part, role in zip(clues.parts, clues.roles, strict=True):
        words = set(fold(part).split())
        if words & COMPANY_WORDS or (role != SUB_UNIT and not words <= GENERIC_WORDS | SUB_UNIT_WORDS):
            return False
    return bool(clues.parts)


def _context_institution(clues: Clues, registry: Registry) -> Institution | None:
    """The one institution the co-authors' domains belong to, if there is exactly one."""
    ids = {registry.institutions[i].id: registry.institutions[i] for i in clues.context_institutions}
    return next(iter(ids.values())) if len(ids) == 1 else None


@dataclass(slots=True)
class Case:
    """One string being decided: its clues, the scored candidates and the chosen institution."""

    clues: Clues
    registry: Registry
    scored: list[tuple[float, int, str]]
    inst: Institution | None
    via: str
    declined: str  # why no institution was chosen among candidates ('' when none was declined)
    candidates: list[Candidate] = field(default_factory=list)

    @classmethod
    def of(cls, clues: Clues, registry: Registry) -> Case:
        scored = _candidates(clues, registry)
        chosen, via, declined = _choose(clues, registry, scored)
        return cls(
            clues,
            registry,
            scored,
            registry.institutions[chosen] if chosen is not None else None,
            via,
            declined,
            [_candidate(registry, s, i, v) for s, i, v in scored[:5]],
        )

    @property
    def tld(self) -> str | None:
        return self.clues.tld_country

    def prefer(self) -> list[str]:
        """Countries a place should be read in when it could be several: the institution's, the TLD's."""
        return [self.inst.country if self.inst else "", self.tld or ""]

    def answer(
        self,
        inst: Institution | None,
        country: str | None,
        confidence: float,
        method: str,
        reason: str,
        notes: Sequence[str] = (),
        *,
        candidates: bool = True,
    ) -> Resolution:
        clues = self.clues
        return Resolution(
            inst.name if inst else None,
            inst.id if inst else None,
            country,
            round(max(confidence, 0.0), 2),
            method,
            reason + ("; " + "; ".join(notes) if notes else ""),
            tuple(self.candidates) if candidates else (),
            tuple(zip(clues.parts, clues.roles, strict=True)),
            inst.source if inst else "",
            (inst.ror_id or None) if inst else None,
        )

    def decide(self) -> Resolution:
        for step in STEPS:
            found = step.rule(self)
            if found is not None:
                return found
        raise AssertionError("the last step always answers")


@dataclass(frozen=True, slots=True)
class Step:
    """One named step of the decision: its rule, the methods it answers with, and its doc."""

    name: str
    rule: Callable[[Case], Resolution | None]
    methods: tuple[str, ...]

    @property
    def doc(self) -> str:
        """The documented rule: the first paragraph of the step's docstring, on one line."""
        text = (self.rule.__doc__ or "").strip().split("\n\n")[0]
        return " ".join(text.split())


def empty(case: Case) -> Resolution | None:
    """An empty string with no known e-mail domain is left unresolved."""
    if not case.clues.parts and not case.clues.domain_institutions:
        return case.answer(None, None, 0.0, UNRESOLVED, "empty affiliation", candidates=False)
    return None


def no_institution(case: Case) -> Resolution | None:
    """A string that names no institution (`"Independent researcher"`, `"None"`; a curated list)
    and no known e-mail domain is marked `not-an-institution`."""
    clues = case.clues
    if clues.not_an_institution and not clues.domain_institutions:
        return case.answer(
            None, None, 0.0, NOT_AN_INSTITUTION, f"{clues.raw!r} names no institution", candidates=False
        )
    return None


def string_country(case: Case) -> Resolution | None:
    """A country, US state, province or region the string names (`"…, Nanjing 210023, China"`);
    parts that agree narrow each other (`"Atlanta, Georgia, USA"`)."""
    inst = case.inst
    explicit, hit = _explicit_country(case.clues, inst, case.registry)
    if not (explicit and hit):
        return None
    agrees = (inst and inst.country == explicit) or case.tld == explicit
    notes = [f"{inst.name} is based in {inst.country}"] if inst and inst.country != explicit else []
    return case.answer(
        inst,
        explicit,
        weight("confidence.string_country_agreeing") if agrees else weight("confidence.string_country"),
        STRING_COUNTRY,
        f"the string names {hit.text!r} ({explicit})",
        notes,
    )


def named_site(case: Case) -> Resolution | None:
    """A named site of a multinational (`"Microsoft Research Asia"` → CN), from the curated table
    `resolve/data/organisation_sites.csv`."""
    if case.clues.site is None:
        return None
    registry = case.registry
    site = registry.sites[case.clues.site]
    owner = (
        registry.institutions[registry.by_id[site.organisation]]
        if site.organisation in registry.by_id
        else None
    )
    return Resolution(
        site.name,
        owner.id if owner else site.organisation,
        site.country,
        weight("confidence.site"),
        SITE,
        f"named site {site.name!r} of {site.organisation} is in {site.country} "
        f"(organisation_sites v{registry.tables.get('organisation_sites.csv', '?')})",
        tuple(case.candidates),
        tuple(zip(case.clues.parts, case.clues.roles, strict=True)),
        CURATED,
        (owner.ror_id or None) if owner else None,  # the organisation's: sites have no crosswalk row
    )


def company_place(case: Case) -> Resolution | None:
    """For a company or an institution only a bulk registry knows, a city the string names
    (`"Google, London"` → GB), else a place inside a longer name, when it is not the home; for
    any institution, a country written into its name (`"Honda Research Institute USA"`,
    `"Monash University Malaysia"`): the branch in that country."""
    inst = case.inst
    if inst is None:
        return None
    if inst.kind not in COMPANY_KINDS and inst.source == CURATED:
        return _branch_country(case, inst)
    country, hit = _city_country(case.clues, case.registry, case.prefer())
    method, confidence = STRING_CITY, weight("confidence.company_city")
    if not (country and hit):
        country, hit = _embedded_country(case.clues, case.prefer())
        method, confidence = STRING_PLACE, weight("confidence.company_place")
    if not (country and hit) or country == inst.country:
        return None
    return case.answer(
        inst, country, confidence, method, f"{inst.name} with the place {hit.text!r} ({country})"
    )


def _branch_country(case: Case, inst: Institution) -> Resolution | None:
    """A country's name in the same part as the institution's name, outside it."""
    index = case.registry.by_id.get(inst.id)
    own_parts = {h.part for h in case.clues.names if index in h.institutions}
    countries = case.registry.places.countries
    for hit in reversed(case.clues.places):
        if hit.kind == "embedded" and hit.part in own_parts and hit.text in countries:
            country = hit.countries[0]
            if country == inst.country:
                return None
            return case.answer(
                inst,
                country,
                weight("confidence.company_place"),
                STRING_PLACE,
                f"{inst.name} with the country {hit.text!r} in its name ({country})",
            )
    return None


def company_domain(case: Case) -> Resolution | None:
    """A company's own e-mail domain in another country (`amazon.co.uk` → GB) places that site."""
    inst, tld, domain = case.inst, case.tld, case.clues.domain
    if not (inst and inst.kind in COMPANY_KINDS and tld and tld != inst.country):
        return None
    if not _domain_is_the_company(inst, domain):
        return None
    return case.answer(
        inst,
        tld,
        weight("confidence.domain_site"),
        DOMAIN_SITE,
        f"{inst.name} site: its domain {domain} is in {tld}",
    )


_NAME_METHODS = {"acronym": ACRONYM, "domain": DOMAIN, "fuzzy": FUZZY_NAME}
_NAME_CONFIDENCE = {
    ACRONYM: "confidence.acronym",
    DOMAIN: "confidence.domain",
    CURATED_NAME: "confidence.curated_name",
    FUZZY_NAME: "confidence.fuzzy_name",
    REGISTRY_NAME: "confidence.registry_name",
}


def institution_home(case: Case) -> Resolution | None:
    """The chosen institution's home country (`"Google"` → US), from the curated table (AI
    venues' universities, labs and companies, written in this repository) or a registry (swot's
    academic domains, ROR); an exact name beats a near-name beats an acronym, and the e-mail
    domain's institution (`neu.edu.cn` → Northeastern University, CN), agreeing places and the
    co-authors' domains add to the score. A place in the string or a domain suffix naming another
    country lowers the confidence."""
    inst, clues = case.inst, case.clues
    if inst is None:
        return None
    home, tld = inst.country, case.tld
    method = _NAME_METHODS.get(case.via, CURATED_NAME if inst.source == CURATED else REGISTRY_NAME)
    confidence = weight(_NAME_CONFIDENCE[method])
    notes = []
    if tld and tld != home and inst.kind not in COMPANY_KINDS and tld != "US":
        confidence -= weight("confidence.tld_contradiction_penalty")
        notes.append(f"but the domain {clues.domain} points to {tld}")
    place, hit = _city_country(clues, case.registry, case.prefer())
    if not (place and hit):
        place, hit = _embedded_country(clues, case.prefer())
    if place and hit and place != home:
        confidence -= weight("confidence.place_contradiction_penalty")
        notes.append(f"but the string names {hit.text!r} ({place})")
    conflict = _contradicted(inst, clues, case.registry) if inst.source != CURATED else ""
    if conflict:
        # A bulk registry row against the string: kept for review, below the review threshold.
        if not notes:
            confidence -= weight("confidence.place_contradiction_penalty")
            notes.append(f"but {conflict}")
        notes.append(f"the {inst.source} row says {home}: kept for review")
    reason = f"{case.via or 'name'} match {inst.name!r} ({inst.source}) in {home}"
    return case.answer(inst, home, confidence, method, reason, notes)


def string_city(case: Case) -> Resolution | None:
    """With no institution chosen, a city the string names, where one country's city of that
    name dwarfs its namesakes (`"…, Paris"` → FR)."""
    country, hit = _city_country(case.clues, case.registry, case.prefer())
    if not (country and hit):
        return None
    return case.answer(
        None,
        country,
        weight("confidence.string_city"),
        STRING_CITY,
        f"the string names {hit.text!r} ({country})",
    )


def country_in_name(case: Case) -> Resolution | None:
    """With no institution chosen, a country's name inside a longer name (`"Aimmo Germany GmbH"`
    → DE, even at `aimmo.co.kr`): an organisation that writes a country into its name is that
    country's branch."""
    country, hit = _embedded_country(case.clues, case.prefer(), case.registry.places.countries)
    if not (country and hit):
        return None
    return case.answer(
        None,
        country,
        weight("confidence.country_in_name"),
        STRING_PLACE,
        f"the string names {hit.text!r} ({country})",
    )


def declined(case: Case) -> Resolution | None:
    """Two candidates in different countries that the clues cannot separate (`"Northeastern
    University"` with no domain), or an acronym only a bulk registry knows with nothing to
    corroborate it, are left unresolved with their candidates rather than guessed, unless the
    e-mail domain has a country suffix."""
    if not case.declined or case.tld:
        return None
    listed = ", ".join(f"{c.institution} ({c.country}, {c.score})" for c in case.candidates)
    return case.answer(None, None, 0.0, UNRESOLVED, f"{case.declined}: {listed}")


def coauthor_institution(case: Case) -> Resolution | None:
    """A string that names only a department (`"Department of Statistics"`) and has no known
    domain takes the one institution every co-author's e-mail domain belongs to."""
    clues = case.clues
    if clues.domain_institutions or not _department_only(clues):
        return None
    shared = _context_institution(clues, case.registry)
    if shared is None or case.tld not in (None, shared.country):
        return None
    return case.answer(
        shared,
        shared.country,
        weight("confidence.coauthor_domain"),
        COAUTHOR_DOMAIN,
        "a department with no institution; every co-author domain "
        f"({', '.join(clues.context_domains)}) belongs to {shared.name} ({shared.country})",
    )


def _weak(case: Case, country: str, inst: Institution | None, method: str, reason: str) -> Resolution:
    tld, domain = case.tld, case.clues.domain
    notes = [f"but the domain {domain} points to {tld}"] if tld and tld != country else []
    confidence = (
        weight("confidence.weak_name_contradicted")
        if notes
        else weight(f"confidence.{method.replace('-', '_')}")
    )
    return case.answer(inst, country, confidence, method, reason, notes, candidates=False)


def name_word(case: Case) -> Resolution | None:
    """Weak naming evidence: a lone word that alone names curated institutions of one country
    (`"Zorblax Widget Lab"` when only Zorblax University uses 'zorblax'), at low confidence so it
    goes to review."""
    named = [case.registry.institutions[i] for i in case.clues.word_institutions]
    if not named or len({inst.country for inst in named}) != 1 or case.tld not in (None, named[0].country):
        return None
    inst = named[0] if len({inst.id for inst in named}) == 1 else None
    listed = ", ".join(sorted({i.name for i in named}))
    return _weak(
        case, named[0].country, inst, NAME_WORD, f"a word that alone names {listed} ({named[0].country})"
    )


def name_marker(case: Case) -> Resolution | None:
    """Weak naming evidence: curated name markers that agree on a country (`"State Key Laboratory
    of …"` → CN, `"German Centre for …"` → DE, from `resolve/data/name_markers.csv`), at low
    confidence so it goes to review."""
    markers = case.clues.markers
    if not markers or len({c for _, c in markers}) != 1:
        return None
    phrases = ", ".join(repr(p) for p, _ in markers)
    country = markers[0][1]
    version = case.registry.tables.get("name_markers.csv", "?")
    return _weak(
        case, country, None, NAME_MARKER, f"the name marker {phrases} ({country}, name_markers v{version})"
    )


def domain_tld(case: Case) -> Resolution | None:
    """The e-mail domain's country-code suffix (`.ac.uk` → GB, `.edu` → US, weaker), lower still
    when a candidate institution was declined."""
    tld, clues = case.tld, case.clues
    if not tld:
        return None
    confidence = (
        weight("confidence.domain_tld_edu")
        if clues.domain.endswith(".edu")
        else weight("confidence.domain_tld")
    )
    notes = []
    if case.declined:
        confidence -= weight("confidence.declined_penalty")
        listed = ", ".join(f"{c.institution} ({c.country}, {c.score})" for c in case.candidates)
        notes.append(f"no institution chosen ({case.declined}: {listed})")
    return case.answer(
        None, tld, confidence, DOMAIN_TLD, f"the domain {clues.domain} ends in a {tld} suffix", notes
    )


def string_place(case: Case) -> Resolution | None:
    """A city or region named inside a longer name (weakest; a small town counts where names put
    their town: `"HTWG Konstanz"`)."""
    country, hit = _embedded_country(case.clues, case.prefer())
    if not (country and hit):
        return None
    return case.answer(
        None,
        country,
        weight("confidence.string_place"),
        STRING_PLACE,
        f"the string names {hit.text!r} ({country})",
    )


def unresolved(case: Case) -> Resolution | None:
    """Otherwise the string is left unresolved, with its candidates if it had any."""
    return case.answer(None, None, 0.0, UNRESOLVED, "no place, institution or domain recognised")


# The decision order: the first step that answers decides.
STEPS: tuple[Step, ...] = (
    Step("empty", empty, (UNRESOLVED,)),
    Step("no-institution", no_institution, (NOT_AN_INSTITUTION,)),
    Step("string-country", string_country, (STRING_COUNTRY,)),
    Step("named-site", named_site, (SITE,)),
    Step("company-place", company_place, (STRING_CITY, STRING_PLACE)),
    Step("company-domain", company_domain, (DOMAIN_SITE,)),
    Step("institution-home", institution_home, (CURATED_NAME, REGISTRY_NAME, FUZZY_NAME, ACRONYM, DOMAIN)),
    Step("string-city", string_city, (STRING_CITY,)),
    Step("country-in-name", country_in_name, (STRING_PLACE,)),
    Step("declined", declined, (UNRESOLVED,)),
    Step("coauthor-institution", coauthor_institution, (COAUTHOR_DOMAIN,)),
    Step("name-word", name_word, (NAME_WORD,)),
    Step("name-marker", name_marker, (NAME_MARKER,)),
    Step("domain-tld", domain_tld, (DOMAIN_TLD,)),
    Step("string-place", string_place, (STRING_PLACE,)),
    Step("unresolved", unresolved, (UNRESOLVED,)),
)


def decision_order_markdown() -> str:
    """The decision order as a numbered Markdown list (the README's steps), generated from STEPS."""
    lines = []
    for number, step in enumerate(STEPS, 1):
        methods = ", ".join(f"`{m}`" for m in step.methods)
        lines.append(f"{number}. **{step.name}** ({methods}): {step.doc}")
    return "\n".join(lines) + "\n"


def decision_order_text() -> str:
    """The decision order as one plain paragraph (the report's methods text), from STEPS."""
    rules = "; ".join(f"({n}) {s.doc.replace('`', '').rstrip('.')}" for n, s in enumerate(STEPS, 1))
    return f"Each affiliation string is placed by the first of these steps that answers: {rules}."
