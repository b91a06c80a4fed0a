"""Paper Copilot's labels read under their own scheme, aligned to authors only where that is safe.

Shared by the accuracy and speed benchmarks. Labels are a peer's answer to measure agreement
against, never a source for building anything shipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from collabatlas.analyze.rules import country_code
from collabatlas.errors import UsageError
from collabatlas.sources.paperlists import parse_paperlists
from collabatlas.sources.venues import venue_year_from_name

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "paperlists"
LABELED = SHARED / "labeled"
RAW = SHARED / "raw"
AS_CHINA = {"HK": "CN", "MO": "CN", "TW": "CN"}
# The development lists: the files whose strings the curated tables were written from (resolver
# 2.1). Every other labeled file is a venue-year the resolver was not developed on.
DEVELOPMENT = frozenset(
    f"{name}.json"
    for name in (
        "acl2022",
        "aistats2025",
        "colm2024",
        "corl2024",
        "iccv2017",
        "icml2017",
        "icml2018",
        "icml2019",
        "nips2014",
        "nips2015",
        "nips2016",
        "nips2017",
        "nips2018",
        "uai2024",
        "wacv2024",
    )
)
# Venues held out whole by `accuracy.py --by-venue`: scored, never read for errors (no
# disagreement of theirs is printed) while the resolver is worked on.
HELD_OUT_VENUES = ("coling", "colt", "icra", "ijcai", "naacl")


@dataclass(frozen=True)
class LabeledAuthor:
    """One author of one paper: its (aff, domain) pairs and, when usable, Paper Copilot's country."""

    paper: str
    affiliations: tuple[tuple[str, str], ...]
    label: str | None  # ISO code, HK/MO/TW folded into CN; None when unlabeled or unusable


def _code(name: str) -> str | None:
    try:
        code = country_code(name)
    except UsageError:
        return None
    return AS_CHINA.get(code, code)


def _aligned_labels(record: dict[str, object], n_affs: int, non_empty: list[int]) -> dict[int, str]:
    """Author position → label, only when the index list lines up with the affiliations."""
    countries = [c.strip() for c in str(record.get("aff_country_unique") or "").split(";")]
    index = [i.strip() for i in str(record.get("aff_country_unique_index") or "").split(";") if i.strip()]
    if not countries or not index:
        return {}
    if len(index) == n_affs:
        positions = list(range(n_affs))
    elif len(index) == len(non_empty):
        positions = non_empty
    else:
        return {}
    labels = {}
    for position, value in zip(positions, index, strict=True):
        if value.isdigit() and int(value) < len(countries):
            code = _code(countries[int(value)])
            if code:
                labels[position] = code
    return labels


def labeled_authors(path: Path) -> Iterator[LabeledAuthor]:
    """Every author of every paper in a labeled file, with a label where it is usable."""
    data = path.read_bytes()
    venue, year = venue_year_from_name(path.name)
    batch = parse_paperlists(data, str(path), venue, year)
    records = {}
    for record in json.loads(data):
        records.setdefault(str(record.get("title", "")).strip(), record)
    for paper in batch.papers:
        record = records.get(paper.title, {})
        affs = str(record.get("aff") or "").split(";") if record.get("aff") else []
        non_empty = [i for i, a in enumerate(affs) if a.strip()]
        labels = _aligned_labels(record, len(affs), non_empty) if paper.alignment == "per-author" else {}
        for author in paper.authors:
            pairs = tuple((a.raw, a.domain) for a in author.affiliations)
            within = author.position < len(affs)
            usable = len(pairs) == 1 and within and "+" not in affs[author.position]
            yield LabeledAuthor(paper.paper_id, pairs, labels.get(author.position) if usable else None)
        for aff in paper.paper_affiliations:
            yield LabeledAuthor(paper.paper_id, ((aff.raw, aff.domain),), None)
