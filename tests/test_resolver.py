"""The resolver on real traps: evidence in the string beats defaults, and it declines to guess."""

from __future__ import annotations

import pytest

from collabatlas.resolve import resolve_batch, resolve_one
from collabatlas.resolve.resolver import (
    NOT_AN_INSTITUTION,
    SITE,
    STRING_CITY,
    STRING_COUNTRY,
    UNRESOLVED,
)


@pytest.mark.parametrize(
    ("raw", "domain", "country"),
    [
        ("Google DeepMind, London", "", "GB"),
        ("Microsoft Research Asia", "", "CN"),
        ("Google", "google.com", "US"),
        ("Northeastern University", "neu.edu.cn", "CN"),
        ("Northeastern University", "northeastern.edu", "US"),
        ("USTC", "", "CN"),
        ("University College London", "", "GB"),
        ("Sorbonne Université", "", "FR"),
        ("Beth Israel Deaconess Medical Center", "", "US"),
        ("Amazon", "amazon.com", "US"),
        ("Meta", "meta.com", "US"),
        ("The Chinese University of Hong Kong", "", "HK"),
        ("National Taiwan University", "", "TW"),
        ("Allen Institute for AI, Seattle, WA", "allenai.org", "US"),
        ("Department of Computer Science", "cs.stanford.edu", "US"),
        ("Nanjing University, Nanjing 210023, China", "lamda.nju.edu.cn", "CN"),
        ("Tencent AI Lab, Bellevue, WA", "tencent.com", "US"),
        ("Academia Sinica3", "", "TW"),
        ("Jane Doe, Tsinghua University, jane@mails.tsinghua.edu.cn", "", "CN"),
        ("Stanford University, ORCID 0000-0002-1825-0097", "", "US"),
    ],
)
def test_known_strings(registry, raw, domain, country):
    result = resolve_one(raw, domain, registry)
    assert result.country == country, result.reason
    assert 0 < result.confidence <= 1


def test_explicit_country_is_the_stated_method(registry):
    result = resolve_one("Nanjing University, Nanjing 210023, China", "", registry)
    assert result.method == STRING_COUNTRY and result.institution == "Nanjing University"


def test_company_site_in_a_city(registry):
    result = resolve_one("Google, London", "", registry)
    assert result.method in (STRING_CITY, SITE) and result.country == "GB"
    assert resolve_one("Google, Zurich, Switzerland", "", registry).method == STRING_COUNTRY


def test_independent_researcher_is_no_institution(registry):
    result = resolve_one("Independent Researcher", "", registry)
    assert result.method == NOT_AN_INSTITUTION and result.country is None


def test_ambiguous_name_is_declined_with_candidates(registry):
    result = resolve_one("Northeastern University", "", registry)
    assert result.country is None and result.method == UNRESOLVED
    assert {c.country for c in result.candidates} >= {"US", "CN"}


def test_roman_numeral_is_not_a_territory(registry):
    result = resolve_one(
        "Sorbonne Université - Faculté des Sciences (Paris VI)", "sorbonne-universite.fr", registry
    )
    assert result.country == "FR"


def test_acronym_part_is_not_a_town(registry):
    result = resolve_one("MILA", "", registry)
    assert result.country in (None, "CA")


def test_batch_is_pure_and_ordered(registry):
    pairs = [("Google", "google.com"), ("", ""), ("Peking University", "pku.edu.cn")]
    first = resolve_batch(pairs, registry)
    assert first == resolve_batch(pairs, registry)
    assert [r.country for r in first] == ["US", None, "CN"]
