"""Venue names: from Paper Copilot file names (``nips2018.json``) to display names (NeurIPS 2018)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from collabatlas.errors import UsageError

VENUE_NAMES: dict[str, str] = {
    "nips": "NeurIPS",
    "neurips": "NeurIPS",
    "icml": "ICML",
    "iclr": "ICLR",
    "colm": "COLM",
    "acl": "ACL",
    "emnlp": "EMNLP",
    "naacl": "NAACL",
    "eacl": "EACL",
    "coling": "COLING",
    "cvpr": "CVPR",
    "iccv": "ICCV",
    "eccv": "ECCV",
    "wacv": "WACV",
    "aaai": "AAAI",
    "ijcai": "IJCAI",
    "uai": "UAI",
    "aistats": "AISTATS",
    "corl": "CoRL",
    "colt": "COLT",
    "kdd": "KDD",
    "www": "WWW",
    "sigir": "SIGIR",
    "icra": "ICRA",
    "iros": "IROS",
    "rss": "RSS",
    "automl": "AutoML",
    "tmlr": "TMLR",
    "siggraph": "SIGGRAPH",
    "siggraphasia": "SIGGRAPH Asia",
    "3dv": "3DV",
    "mlsys": "MLSys",
}

_STEM = re.compile(r"^(?P<venue>[a-z0-9]*?[a-z])(?P<year>(?:19|20)\d\d)(?:[-_.].*)?$")


def canonical_venue(name: str) -> str:
    """The display name of a venue given in any case ('nips', 'NeurIPS' → 'NeurIPS')."""
    key = re.sub(r"[^a-z0-9]", "", name.lower())
    return VENUE_NAMES.get(key, name.strip())


def venue_year_from_name(location: str) -> tuple[str, int]:
    """Venue and year from a paperlists file name or URL, e.g. ``nips2018.json`` → NeurIPS 2018."""
    stem = PurePosixPath(location.split("?")[0]).name.lower()
    stem = stem.removesuffix(".json")
    match = _STEM.match(stem)
    if not match:
        raise UsageError(
            f"{location}: cannot tell venue and year from the file name",
            hint="name it like nips2018.json or pass --venue and --year",
        )
    return canonical_venue(match["venue"]), int(match["year"])


def paperlists_url(venue: str, year: int) -> str:
    """The public Paper Copilot paperlists URL of a venue-year (used only when online)."""
    key = next((k for k, v in VENUE_NAMES.items() if v == canonical_venue(venue)), venue.lower())
    return f"https://raw.githubusercontent.com/papercopilot/paperlists/main/{key}/{key}{year}.json"
