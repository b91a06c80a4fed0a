"""The resolver's curated knowledge kept as data: word lists (``data/words.json``) and scores,
confidences and thresholds (``data/weights.json``), each entry with what it means and, for
weights, how it was set. Versioned in ``data/VERSIONS.json`` like the curated tables."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def data_text(name: str) -> str:
    """The text of one file of ``collabatlas/resolve/data``."""
    return resources.files("collabatlas.resolve").joinpath("data", name).read_text(encoding="utf-8")


@cache
def word_lists() -> dict[str, dict[str, Any]]:
    """Every named word list and word map, with ``used_by`` and ``meaning``."""
    lists: dict[str, dict[str, Any]] = json.loads(data_text("words.json"))
    return lists


@cache
def weight_table() -> dict[str, dict[str, Any]]:
    """Every named weight, with its ``value``, ``used_by``, ``meaning`` and ``calibration``."""
    weights: dict[str, dict[str, Any]] = json.loads(data_text("weights.json"))
    return weights


def words(name: str) -> frozenset[str]:
    """A word list as a set."""
    return frozenset(word_lists()[name]["words"])


def ordered_words(name: str) -> tuple[str, ...]:
    """A word list in its written order (where order matters)."""
    return tuple(word_lists()[name]["words"])


def word_map(name: str) -> dict[str, str]:
    """A word map (alias → value)."""
    return dict(word_lists()[name]["entries"])


def weight(name: str) -> float:
    """One weight's value."""
    return float(weight_table()[name]["value"])


def count(name: str) -> int:
    """One weight that is a count or a size."""
    return int(weight_table()[name]["value"])
