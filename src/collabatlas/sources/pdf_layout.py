"""The curated words the PDF and TEI readers use (``data/pdf_layout.json``), loaded once."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Layout:
    """Marker symbols, institution and department words, header patterns and section names."""

    version: str
    marker_symbols: frozenset[str]
    institution_words: frozenset[str]
    department_words: frozenset[str]
    header: re.Pattern[str]
    front_stop: frozenset[str]
    not_names: frozenset[str]
    sections: dict[str, str]  # heading (lower-case) → canonical section


@cache
def load_layout() -> Layout:
    """The shipped layout word lists."""
    text = resources.files("collabatlas.sources").joinpath("data/pdf_layout.json").read_text("utf-8")
    data = json.loads(text)
    return Layout(
        version=data["version"],
        marker_symbols=frozenset(data["marker_symbols"]),
        institution_words=frozenset(data["institution_words"]),
        department_words=frozenset(data["department_words"]),
        header=re.compile("|".join(data["header_patterns"]), re.IGNORECASE),
        front_stop=frozenset(data["front_stop"]),
        not_names=frozenset(data["not_names"]),
        sections={name: section for section, names in data["sections"].items() for name in names},
    )
