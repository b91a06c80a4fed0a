"""Parse an affiliation string into evidence: places it names, institutions it names, its domain.

Everything here is a pure function of the string, the domain and the registry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from collabatlas.resolve.geo import Places, tld_country
from collabatlas.resolve.registry import Registry
from collabatlas.resolve.text import (
    clean,
    extract_email_domain,
    fold,
    name_key,
    split_parts,
    strip_numbers,
)

# Folded words that mark a part as the name of an organisation or unit, not a place.
ORGANISATION_WORDS = frozenset(
    [
        "university",
        "universite",
        "universitat",
        "universidad",
        "universita",
        "universidade",
        "universiteit",
        "college",
        "institute",
        "institut",
        "instituto",
        "istituto",
        "school",
        "academy",
        "laboratory",
        "lab",
        "labs",
        "center",
        "centre",
        "hospital",
        "foundation",
        "inc",
        "corporation",
        "company",
        "research",
        "group",
        "department",
        "dept",
        "faculty",
        "ecole",
        "polytechnic",
        "politecnico",
        "technologies",
        "technology",
        "ltd",
        "llc",
        "gmbh",
        "ag",
        "sa",
        "corp",
        "team",
        "unit",
        "division",
        "program",
        "key",
        "state",
    ]
)
NOT_AN_INSTITUTION = frozenset(
    [
        "independent researcher",
        "independent",
        "independent scholar",
        "independent research",
        "none",
        "n a",
        "na",
        "unknown",
        "unaffiliated",
        "no affiliation",
        "self",
        "self employed",
        "freelance",
        "freelancer",
        "retired",
        "personal",
        "private",
        "home",
        "individual",
        "individual researcher",
        "student",
        "citizen scientist",
        "independent contributor",
        "not applicable",
        "null",
    ]
)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9&.'-]*")
BIG_CITY = 300_000
CITY_DOMINANCE = 5


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A place named in the string: which part, what it said, which countries it allows."""

    part: int
    text: str
    kind: str  # 'country', 'region', 'city', 'embedded'
    countries: tuple[str, ...]  # most likely first


@dataclass(frozen=True, slots=True)
class NameHit:
    """An institution name, alias or acronym found in the string."""

    part: int
    text: str
    via: str  # 'name' or 'acronym' or 'site'
    words: int
    institutions: tuple[int, ...]


@dataclass(slots=True)
class Evidence:
    """What one affiliation string and its domain say."""

    raw: str
    domain: str
    parts: list[str]
    places: list[PlaceHit] = field(default_factory=list)
    names: list[NameHit] = field(default_factory=list)
    site: int | None = None
    domain_suffix: str = ""
    domain_institutions: tuple[int, ...] = ()
    tld_country: str | None = None
    not_an_institution: bool = False


def _whole_part_place(part: str, index: int, places: Places) -> PlaceHit | None:
    bare = strip_numbers(part)
    key = fold(bare)
    if key in places.countries:
        return PlaceHit(index, part, "country", (places.countries[key],))
    if key in places.regions:
        return PlaceHit(index, part, "region", tuple(sorted(places.regions[key])))
    abbreviation = bare.strip(" .") if bare.strip(" .") in places.region_abbreviations else bare
    if abbreviation in places.region_abbreviations:
        return PlaceHit(index, part, "region", places.region_abbreviations[abbreviation])
    if key in places.cities and not _looks_like_acronym(part):
        return PlaceHit(index, part, "city", tuple(c for c, _ in places.cities[key]))
    return None


def _suffix_place(part: str, index: int, places: Places) -> PlaceHit | None:
    """'Beijing 100084 China' → China; 'Stanford CA' → US; only in parts that are not names."""
    words = fold(strip_numbers(part)).split()
    if not words or ORGANISATION_WORDS & set(words):
        return None
    for size in (4, 3, 2, 1):
        if len(words) > size and " ".join(words[-size:]) in places.countries:
            return PlaceHit(index, part, "country", (places.countries[" ".join(words[-size:])],))
    last = strip_numbers(part).split()[-1:] if strip_numbers(part) else []
    if last and last[0] in places.region_abbreviations and len(words) > 1:
        return PlaceHit(index, part, "region", places.region_abbreviations[last[0]])
    return None


def _looks_like_acronym(part: str) -> bool:
    """'MILA', 'ETS': short all-capital parts are names, not the towns they spell."""
    letters = part.replace(".", "").strip()
    return letters.isupper() and len(letters) <= 6


def _embedded_places(part: str, index: int, places: Places, skip: set[str]) -> list[PlaceHit]:
    """Countries, regions and large cities inside a longer string (weaker evidence).

    Longer phrases first, and a word used by one phrase is not reused ('New Mexico' is a US
    state, not Mexico); phrases inside a matched institution name are skipped.
    """
    words = fold(strip_numbers(part)).split()
    starts = [i for i, w in enumerate(words) if w in places.first_words]
    used: set[int] = set()
    hits = []
    for size in (3, 2, 1):
        for start in starts:
            if start + size > len(words):
                continue
            span = set(range(start, start + size))
            phrase = " ".join(words[start : start + size])
            if span & used or phrase in skip:
                continue
            countries: tuple[str, ...] = ()
            if phrase in places.countries:
                countries = (places.countries[phrase],)
            elif phrase in places.regions:
                countries = tuple(sorted(places.regions[phrase]))
            elif phrase in places.cities and places.cities[phrase][0][1] >= BIG_CITY:
                countries = (places.cities[phrase][0][0],)
            if countries:
                used |= span
                hits.append(PlaceHit(index, phrase, "embedded", countries))
    return hits


def _name_hits(part: str, index: int, registry: Registry) -> list[NameHit]:
    words = name_key(part).split()
    hits = []
    for start, word in enumerate(words):
        if word not in registry.first_words:
            continue
        for size in range(min(registry.max_name_words, len(words) - start), 0, -1):
            phrase = " ".join(words[start : start + size])
            found = registry.names.get(phrase)
            if found:
                hits.append(NameHit(index, phrase, "name", size, tuple(found)))
                break
    for token in _TOKEN.findall(part):
        token = token.strip(".'-")
        if token in registry.acronyms and (token.isupper() or token == part.strip()):
            hits.append(NameHit(index, token, "acronym", 0, tuple(registry.acronyms[token])))
    return hits


def _site_hit(parts: list[str], registry: Registry) -> int | None:
    words = name_key(" ".join(parts)).split()
    starts = [i for i, w in enumerate(words) if w in registry.site_first_words]
    for size in range(min(8, len(words)), 0, -1):
        for start in starts:
            found = registry.site_names.get(" ".join(words[start : start + size]))
            if found is not None and start + size <= len(words):
                return found
    return None


def gather(raw: str, domain: str, registry: Registry) -> Evidence:
    """Collect every piece of evidence in one affiliation string and its e-mail domain."""
    domain = (domain or extract_email_domain(raw)).strip().lower()
    parts = split_parts(clean(raw))
    evidence = Evidence(raw=raw, domain=domain, parts=parts)
    evidence.not_an_institution = fold(" ".join(parts)) in NOT_AN_INSTITUTION
    places = registry.places
    for index, part in enumerate(parts):
        hit = _whole_part_place(part, index, places) or _suffix_place(part, index, places)
        if hit:
            evidence.places.append(hit)
        evidence.names.extend(_name_hits(part, index, registry))
    if not any(h.kind in ("country", "region") for h in evidence.places):
        covered = _covered({h.text for h in evidence.names})
        place_parts = {h.part for h in evidence.places}
        for index, part in enumerate(parts):
            if index not in place_parts:
                evidence.places.extend(_embedded_places(part, index, places, covered))
    evidence.site = _site_hit(parts, registry)
    if domain:
        evidence.domain_suffix, found = registry.institutions_for_domain(domain)
        evidence.domain_institutions = tuple(found)
        evidence.tld_country = tld_country(domain)
        if evidence.tld_country not in places.country_names and evidence.tld_country != "US":
            evidence.tld_country = None
    return evidence


def _covered(names: set[str]) -> set[str]:
    """Every sub-phrase of matched names, so places inside a matched name are not evidence."""
    covered: set[str] = set()
    for name in names:
        words = fold(name).split()
        for size in range(1, len(words) + 1):
            for start in range(len(words) - size + 1):
                covered.add(" ".join(words[start : start + size]))
    return covered
