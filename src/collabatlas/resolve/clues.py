"""Read an affiliation string's clues: its parts and their roles (organisation, sub-unit,
city, country), the places and institutions it names, its domain and its co-authors' domains.

Everything here is a pure function of the string, the domain and the registry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from collabatlas.resolve.geo import Places, tld_country
from collabatlas.resolve.knowledge import count, weight, words
from collabatlas.resolve.registry import (
    CURATED,
    FUZZY_PREFIX,
    FUZZY_STOPWORDS,
    GENERIC_WORDS,
    Registry,
    distinctive_words,
    fuzzy_key,
)
from collabatlas.resolve.text import (
    clean,
    extract_email_domain,
    fold,
    name_key,
    split_parts,
    strip_numbers,
)

# Curated word lists (data/words.json): words that mark an organisation, a unit of one, or a
# company; strings that name no institution; legal forms that are also region abbreviations
# ('Spotify AB'); words after which a town is the organisation's place ('University of Ulm').
SUB_UNIT_WORDS = words("sub_unit_words")
COMPANY_WORDS = words("company_words")
ORGANISATION_WORDS = words("organisation_words") | SUB_UNIT_WORDS | COMPANY_WORDS
NOT_AN_INSTITUTION = words("not_an_institution")
LEGAL_FORMS = words("region_legal_forms")
PLACE_PREPOSITIONS = words("place_prepositions")
# Parts that are a title or a note, not an affiliation ('Canada CIFAR AI Chair', 'Equal contribution').
_NOT_AN_AFFILIATION = re.compile(r"\bcifar\b.*\bchair\b|^equal contributions?$|^corresponding authors?$")
_TITLE_HINT = re.compile(r"chair|equal|corresponding", re.I)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9&.'-]*")
_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]+\b")
# Thresholds (data/weights.json, each with how it was set).
BIG_CITY = count("clue.big_city")
SMALL_TOWN = count("clue.small_town")
CITY_DOMINANCE = count("clue.city_dominance")
FUZZY_THRESHOLD = weight("clue.fuzzy_threshold")
FUZZY_WORD = weight("clue.fuzzy_word")
FUZZY_MAX_BLOCK = count("clue.fuzzy_max_block")

T = TypeVar("T")

# Roles a part of an affiliation plays.
COUNTRY, REGION, CITY = "country", "region", "city"
ORGANISATION, SUB_UNIT, OTHER = "organisation", "sub-unit", "other"


@dataclass(frozen=True, slots=True)
class PlaceHit:
    """A place named in the string: which part, what it said, which countries it allows."""

    part: int
    text: str
    kind: str  # 'country', 'region', 'city', 'embedded'
    countries: tuple[str, ...]  # most likely first
    abbreviation: bool = False  # 'CA', 'NSW': weaker than a written-out name


@dataclass(frozen=True, slots=True)
class NameHit:
    """An institution name, alias, acronym or near-name found in the string."""

    part: int
    text: str
    via: str  # 'name', 'fuzzy' or 'acronym'
    words: int
    institutions: tuple[int, ...]
    full: bool = False  # the hit is the whole part (apart from places and numbers)
    score: float = 100.0  # 100 for exact names and acronyms; the fuzzy ratio otherwise


@dataclass(slots=True)
class Clues:
    """What one affiliation string, its domain and its co-authors' domains say."""

    raw: str
    domain: str
    parts: list[str]
    roles: list[str] = field(default_factory=list)
    places: list[PlaceHit] = field(default_factory=list)
    names: list[NameHit] = field(default_factory=list)
    site: int | None = None
    domain_suffix: str = ""
    domain_institutions: tuple[int, ...] = ()
    tld_country: str | None = None
    not_an_institution: bool = False
    context_domains: tuple[str, ...] = ()
    context_institutions: tuple[int, ...] = ()
    markers: list[tuple[str, str]] = field(default_factory=list)  # (phrase, country) of name markers
    word_institutions: tuple[int, ...] = ()  # curated institutions a lone identifying word names


def _whole_part_place(part: str, index: int, places: Places) -> PlaceHit | None:
    bare = strip_numbers(part)
    key = fold(bare)
    if key in places.countries:  # 'Georgia' is a country and a US state
        also = tuple(sorted(places.regions.get(key, ())))
        return PlaceHit(index, part, COUNTRY, (places.countries[key], *also))
    if key in places.regions:
        return PlaceHit(index, part, REGION, tuple(sorted(places.regions[key])))
    abbreviation = bare.strip(" .") if bare.strip(" .") in places.region_abbreviations else bare
    if abbreviation in places.region_abbreviations:
        return PlaceHit(index, part, REGION, places.region_abbreviations[abbreviation], abbreviation=True)
    if key in places.cities and not _looks_like_acronym(part):
        return PlaceHit(index, part, CITY, tuple(c for c, _ in places.cities[key]))
    return None


def _suffix_place(part: str, index: int, places: Places) -> PlaceHit | None:
    """'Beijing 100084 China' → China; 'Stanford CA' → US; only in parts that are not names."""
    words = fold(strip_numbers(part)).split()
    if not words or ORGANISATION_WORDS & set(words):
        return None
    for size in (4, 3, 2, 1):
        if len(words) > size and " ".join(words[-size:]) in places.countries:
            return PlaceHit(index, part, COUNTRY, (places.countries[" ".join(words[-size:])],))
    last = strip_numbers(part).split()[-1:] if strip_numbers(part) else []
    if last and last[0] in places.region_abbreviations and last[0].isupper() and len(words) > 1:
        if last[0] in LEGAL_FORMS and " ".join(words[:-1]) not in places.cities:
            return None  # 'Spotify AB' is a Swedish company, not Alberta; 'Las Vegas NV' is Nevada
        return PlaceHit(index, part, REGION, places.region_abbreviations[last[0]], abbreviation=True)
    return None


def _looks_like_acronym(part: str) -> bool:
    """'MILA', 'ETS': short all-capital parts are names, not the towns they spell."""
    letters = part.replace(".", "").strip()
    return letters.isupper() and len(letters) <= 6


def _embedded_places(part: str, index: int, places: Places, skip: set[str]) -> list[PlaceHit]:
    """Countries, regions and large cities inside a longer string (weaker clues).

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
            elif phrase in places.cities and (
                places.cities[phrase][0][1] >= BIG_CITY
                or (
                    places.cities[phrase][0][1] >= SMALL_TOWN
                    and _names_its_town(part, words, start, size)
                    and _dominant(places.cities[phrase])
                )
            ):
                countries = (places.cities[phrase][0][0],)
            if countries:
                used |= span
                hits.append(PlaceHit(index, phrase, "embedded", countries))
    return hits


def _names_its_town(part: str, words: list[str], start: int, size: int) -> bool:
    """Whether a phrase sits where a name puts its town: last ('HTWG Konstanz') or after 'of';
    not a word of names ('CUNEF Universidad') nor an acronym ('OGAM-METU')."""
    phrase = words[start : start + size]
    if set(phrase) & (ORGANISATION_WORDS | GENERIC_WORDS | SUB_UNIT_WORDS):
        return False
    if re.search(rf"\b{re.escape(' '.join(phrase).upper())}\b", part):
        return False
    return len(words) > size and (start + size == len(words) or words[start - 1] in PLACE_PREPOSITIONS)


def _dominant(sizes: tuple[tuple[str, int], ...]) -> bool:
    """One country's town of that name, or one far bigger than its namesakes abroad."""
    return len(sizes) == 1 or sizes[0][1] >= CITY_DOMINANCE * sizes[1][1]


def _markers(parts: list[str], registry: Registry) -> list[tuple[str, str]]:
    """Curated name markers in the string ('State Key Laboratory' → CN), longest first per word."""
    found = []
    for part in parts:
        words = fold(part).split()
        if registry.marker_first_words.isdisjoint(words):
            continue
        start = 0
        while start < len(words):
            size = next(
                (
                    n
                    for n in range(min(4, len(words) - start), 0, -1)
                    if words[start] in registry.marker_first_words
                    and " ".join(words[start : start + n]) in registry.markers
                ),
                0,
            )
            if size:
                phrase = " ".join(words[start : start + size])
                found.append((phrase, registry.markers[phrase][0]))
            start += max(size, 1)
    return found


def _identifying_word_institutions(parts: list[str], registry: Registry) -> tuple[int, ...]:
    """Curated institutions named by a lone capitalised word of theirs ('Tsinghua National TNList
    Lab', 'Department of Applied Physics, Stanford'); words that are places do not count."""
    found: dict[int, None] = {}
    for part in parts:
        for token in _TOKEN.findall(strip_numbers(part)):
            word = name_key(token)
            if not token[:1].isupper() or " " in word or _is_a_place_word(word, registry.places):
                continue
            found.update(dict.fromkeys(registry.identifying_words.get(word, ())))
    return tuple(found)


def _is_a_place_word(word: str, places: Places) -> bool:
    """A country or region ('Georgia'), or a town with big namesakes abroad ('Cambridge')."""
    return (
        word in places.countries
        or word in places.regions
        or (word in places.cities and not _dominant(places.cities[word]))
    )


def _is_curated(registry: Registry, index: int) -> bool:
    return registry.institutions[index].source == CURATED


def _exact_names(words: list[str], index: int, registry: Registry) -> list[NameHit]:
    """Registry names among the words of a part, longest first."""
    hits = []
    covered_to = 0  # a name inside a longer one is not a name ('Google' in 'Google DeepMind')
    for start, word in enumerate(words):
        if start < covered_to or word not in registry.first_words:
            continue
        for size in range(min(registry.max_name_words, len(words) - start), 0, -1):
            phrase = " ".join(words[start : start + size])
            found = registry.names.get(phrase)
            if not found:
                continue
            full = size == len(words)
            kept = tuple(i for i in found if full or _is_curated(registry, i))
            if kept:
                hits.append(NameHit(index, phrase, "name", size, kept, full=full))
                covered_to = start + size
                break
    return hits


def _name_hits(part: str, index: int, registry: Registry) -> list[NameHit]:
    """Exact names and acronyms in one part.

    Curated names count anywhere in the part; names only a bulk registry knows must be the whole
    part ('School of Management' inside 'Sloan School of Management' is not that school).
    """
    hits: list[NameHit] = []
    keys = [name_key(strip_numbers(part))]
    if any(c.isdigit() for c in part):
        keys.append(name_key(part))  # names with digits: 'Data61', '01.AI', '360 AI Institute'
    for key in dict.fromkeys(keys):
        found_phrases = {h.text for h in hits}
        hits.extend(h for h in _exact_names(key.split(), index, registry) if h.text not in found_phrases)
    stripped = part.strip()
    in_names = {w for h in hits for w in h.text.split()}
    for token in _acronym_tokens(part):
        if token.lower() in in_names:  # 'NYU' inside the name 'NYU Shanghai'
            continue
        if token in registry.acronyms and (token.isupper() or token == stripped):
            if _is_place_code(token, registry) and not any(
                _is_curated(registry, i) for i in registry.acronyms[token]
            ):
                continue  # 'UK', 'USA', 'CA' are places, whatever a bulk registry's acronyms say
            full = token == stripped.strip(".'-")
            hits.append(NameHit(index, token, "acronym", 0, tuple(registry.acronyms[token]), full=full))
    return hits


def _is_place_code(token: str, registry: Registry) -> bool:
    places = registry.places
    return token in places.region_abbreviations or fold(token) in places.countries


def _acronym_tokens(part: str) -> list[str]:
    """Tokens an acronym may be: words, and the capitals joined by hyphens ('OGAM-METU', 'ASU-Mayo')."""
    tokens = []
    for token in _TOKEN.findall(part):
        token = token.strip(".'-")
        tokens.append(token)
        if "-" in token:
            tokens.extend(piece for piece in token.split("-") if piece.isupper())
    return tokens


def _fuzzy_hits(part: str, index: int, registry: Registry) -> list[NameHit]:
    """Near-names for a part that names no institution exactly ('Carnegie Melon University').

    rapidfuzz's ratio on word-sorted keys, over the names sharing one of the part's two rarest
    word prefixes;
    every distinctive word of the name must be close to a word of the part, and the other way.
    """
    key = name_key(strip_numbers(part))
    query_words = distinctive_words(key)
    if len(key.split()) < 2 or not query_words:
        return []
    blocks = sorted((registry.fuzzy_blocks.get(w[:FUZZY_PREFIX], ()) for w in query_words), key=len)
    choices = {c for block in blocks[:2] if len(block) <= FUZZY_MAX_BLOCK for c in block}
    if not choices:
        return []
    query = fuzzy_key(key)
    found = process.extract(query, sorted(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD, limit=5)
    hits = []
    for choice, score, _ in found:
        name = registry.fuzzy_keys[choice]
        theirs, ours = _check_words(name), _check_words(key)
        if not (_words_close(theirs, key.split()) and _words_close(ours, name.split())):
            continue  # 'IIT (ISM) Dhanbad' is not 'IIT (BHU) Varanasi'

        institutions = tuple(registry.names[name])
        hits.append(NameHit(index, name, "fuzzy", len(name.split()), institutions, True, round(score, 1)))
    return hits


def _check_words(key: str) -> list[str]:
    """The words a near-name must share: not generic, three letters or more ('bhu', 'ism')."""
    return [w for w in key.split() if len(w) >= 3 and w not in GENERIC_WORDS and w not in FUZZY_STOPWORDS]


def _words_close(words: list[str], others: list[str]) -> bool:
    """Every word has a close word among ``others``."""
    return all(process.extractOne(w, others, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD) for w in words)


def _role(part: str, hits: list[NameHit], place: PlaceHit | None, registry: Registry) -> str:
    """What a part is: a place, an organisation, a sub-unit of one, or something else ('Institute
    of Mathematics' is a sub-unit even where a bulk registry has an institute of that name)."""
    if place and place.kind in (COUNTRY, REGION, CITY):
        return place.kind
    words = fold(part).split()
    if words and words[0] in SUB_UNIT_WORDS and not any(_curated_full(h, registry) for h in hits):
        return SUB_UNIT
    if hits or ORGANISATION_WORDS & set(words):
        return ORGANISATION
    return OTHER


def _curated_full(hit: NameHit, registry: Registry) -> bool:
    """A hit that is the whole part and names a curated institution."""
    return hit.full and any(_is_curated(registry, i) for i in hit.institutions)


def _site_hit(
    parts: list[str], registry: Registry, places: Sequence[PlaceHit], names: Sequence[NameHit]
) -> int | None:
    """The named site of a multinational: the longest site name in the string, unless another
    site named too is in a country the string names ('Noah's Ark Lab, Huawei Technologies
    Canada' is Huawei Canada); a site acronym in capitals ('MSRA'); else a near-name of a site
    when the string names no institution exactly ('Microsft Research Asia')."""
    named = {c for h in places for c in h.countries[:1]}
    first = None
    for site in _site_names_in(parts, registry):
        if not named or registry.sites[site].country in named:
            return site  # the longest, or the first in a country the string names
        first = site if first is None else first
    if first is not None:
        return first
    if names or not registry.site_names:
        return None
    return _fuzzy_site(parts, registry)


def _site_names_in(parts: list[str], registry: Registry) -> Iterator[int]:
    """Sites named in the string, longest names first, then site acronyms in capitals."""
    words = [w for part in parts for w in name_key(part).split()]  # name_key of the joined parts
    starts = [i for i, w in enumerate(words) if w in registry.site_first_words]
    seen: set[int] = set()
    for size in range(min(8, len(words)), 0, -1) if starts else ():
        for start in starts:
            site = registry.site_names.get(" ".join(words[start : start + size]))
            if site is not None and start + size <= len(words) and site not in seen:
                seen.add(site)
                yield site
    if registry.site_acronyms and not registry.site_acronyms.keys().isdisjoint(
        _CAPITALS.findall(" ".join(parts))
    ):
        for part in parts:
            for token in _acronym_tokens(part):
                site = registry.site_acronyms.get(token)
                if site is not None and site not in seen:
                    seen.add(site)
                    yield site


def _fuzzy_site(parts: list[str], registry: Registry) -> int | None:
    keys: list[str] = []
    for part in parts:
        key = name_key(strip_numbers(part))
        # Only parts that begin like a site's organisation ('Microsft' like 'Microsoft').
        if len(key.split()) < 2 or key[:3] not in registry.site_prefixes:
            continue
        keys = keys or list(registry.site_names)
        best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_THRESHOLD)
        if best is None:
            continue
        name = best[0]
        if _words_close(_check_words(name), key.split()) and _words_close(_check_words(key), name.split()):
            return registry.site_names[name]
    return None


def find_clues(raw: str, domain: str, registry: Registry, context: Iterable[str] = ()) -> Clues:
    """Collect every clue in one affiliation string, its e-mail domain and the
    e-mail domains of its co-authors on the same papers (``context``)."""
    domain = (domain or extract_email_domain(raw)).strip().lower()
    parts = _memo(registry, "split", raw, _split, raw)
    if _TITLE_HINT.search(raw):
        affiliation = [p for p in parts if not _NOT_AN_AFFILIATION.search(fold(p))]
        if affiliation or registry.institutions_for_domain(domain)[1]:
            parts = affiliation  # a title ('Canada CIFAR AI Chair') counts only when nothing else is said
    clues = Clues(raw=raw, domain=domain, parts=list(parts))
    said = _memo(registry, "string", tuple(parts), _string_clues, parts, registry)
    clues.not_an_institution, hits, names, roles, clues.site, markers, clues.word_institutions = said
    clues.places, clues.names, clues.roles = list(hits), list(names), list(roles)
    qualified = _qualified_names(raw, parts, registry)
    if qualified:  # a name that goes on into a parenthesis replaces the names found in its part
        clues.names = [h for h in clues.names if h.part not in qualified]
        clues.names += [h for hits in qualified.values() for h in hits]
    clues.markers = list(markers)
    if domain:
        clues.domain_suffix, found = registry.institutions_for_domain(domain)
        clues.domain_institutions = tuple(found)
        clues.tld_country = tld_country(domain)
        if clues.tld_country not in registry.places.country_names and clues.tld_country != "US":
            clues.tld_country = None
    others = sorted({d.strip().lower() for d in context if d and d.strip().lower() != domain})
    clues.context_domains = tuple(others)
    clues.context_institutions = tuple(
        dict.fromkeys(i for d in others for i in registry.institutions_for_domain(d)[1])
    )
    return clues


_MEMO_SIZE = 200_000  # entries per kind before a memo starts afresh


def _memo(registry: Registry, kind: str, key: Any, read: Callable[..., T], *args: Any) -> T:
    """``read(*args)``, remembered per registry under ``key``: the same text is read once (see
    ``Registry.memo``)."""
    memo = registry.memo.setdefault(kind, {})
    try:
        return memo[key]
    except KeyError:
        pass
    if len(memo) >= _MEMO_SIZE:
        memo.clear()
    found = memo[key] = read(*args)
    return found


def _split(raw: str) -> list[str]:
    return split_parts(clean(raw))


_StringClues = tuple[
    bool, tuple[PlaceHit, ...], tuple[NameHit, ...], tuple[str, ...], int | None,
    tuple[tuple[str, str], ...], tuple[int, ...],
]  # fmt: skip
_PartClues = tuple[tuple[NameHit, ...], PlaceHit | None, str]


def _part_clues(part: str, registry: Registry) -> _PartClues:
    """The names, the place and the role one part states on its own (as part 0)."""
    places = registry.places
    hits = _name_hits(part, 0, registry)
    whole_name = any(h.full for h in hits)
    place = None if whole_name else _whole_part_place(part, 0, places)
    place = place or _suffix_place(part, 0, places)
    if place is None and not hits:
        hits = _fuzzy_hits(part, 0, registry)
    return tuple(hits), place, _role(part, hits, place, registry)


def _string_clues(parts: Sequence[str], registry: Registry) -> _StringClues:
    """What the parts of one string say, whatever its domain and context."""
    places = registry.places
    place_hits: list[PlaceHit] = []
    names: list[NameHit] = []
    roles: list[str] = []
    for index, part in enumerate(parts):
        hits, place, role = _memo(registry, "part", part, _part_clues, part, registry)
        if index:
            hits = tuple(
                NameHit(index, h.text, h.via, h.words, h.institutions, h.full, h.score) for h in hits
            )
            if place:
                place = PlaceHit(index, place.text, place.kind, place.countries, place.abbreviation)
        if place:
            place_hits.append(place)
        names.extend(hits)
        roles.append(role)
    if not any(h.kind in (COUNTRY, REGION) for h in place_hits):
        covered = _covered({h.text for h in names})
        place_parts = {h.part for h in place_hits}
        for index, part in enumerate(parts):
            if index not in place_parts:
                place_hits.extend(_embedded_places(part, index, places, covered))
    listed = list(parts)
    words = () if names else _identifying_word_institutions(listed, registry)
    return (
        fold(" ".join(parts)) in NOT_AN_INSTITUTION,
        tuple(place_hits),
        tuple(names),
        tuple(roles),
        _site_hit(listed, registry, place_hits, names),
        tuple(_markers(listed, registry)),
        words,
    )


def _qualified_names(raw: str, parts: list[str], registry: Registry) -> dict[int, list[NameHit]]:
    """Curated names that go on into a parenthesis ('The Hong Kong University of Science and
    Technology (Guangzhou)' is the Guangzhou campus, not the one in Hong Kong), by part."""
    found: dict[int, list[NameHit]] = {}
    if "(" not in raw:
        return found
    for index in range(len(parts) - 1):
        if f"({parts[index + 1]}" not in raw:
            continue
        key = name_key(f"{parts[index]} {parts[index + 1]}")
        curated = tuple(i for i in registry.names.get(key, ()) if _is_curated(registry, i))
        if curated:
            found[index] = [NameHit(index, key, "name", len(key.split()), curated, full=True)]
    return found


def _covered(names: set[str]) -> set[str]:
    """Every sub-phrase of matched names, so places inside a matched name are not clues."""
    covered: set[str] = set()
    for name in names:
        words = fold(name).split()
        for size in range(1, len(words) + 1):
            for start in range(len(words) - size + 1):
                covered.add(" ".join(words[start : start + size]))
    return covered
