"""Text normalisation for affiliation strings: cleaning, folding, splitting into parts and tokens."""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from collabatlas.resolve.knowledge import word_map

_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_ORCID = re.compile(r"(?:orcid(?:\.org)?[:/\s]*)?\b\d{4}-\d{4}-\d{4}-\d{3}[\dX]\b", re.I)
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.I)
_PARTS = re.compile(r"\s*(?:[,;/|()\[\]\n\t]|\s-\s|\s–\s)\s*")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\b[\w-]*\d[\w-]*\b")
_FOOTNOTE = re.compile(r"(?<=[a-z]{3})[0-9*†‡§¶]+(?=\s|,|;|$)")
# Footnote and equal-contribution marks that PDFs leave in affiliations ('NVIDIA§', 'UBC♭').
_MARKS = re.compile(r"[†‡§¶∗⋆*♠♣♦♢♡♭♮♯⇤△⋄×°¹²³⁴⁵⁶⁷⁸⁹⁰�]+")
# A footnote number glued to the front of a name: '3Shanghai Qi Zhi Institute'.
_LEADING_NUMBER = re.compile(r"(?:(?<=^)|(?<=[\s,;(]))\d{1,2}(?=[A-Z][a-z])")
# LaTeX spacing accents from PDF extraction: 'Montr ´eal', 'T ¨ubingen', '´Ecole'; '`a' is a word.
_SPACING_ACCENT = re.compile(r"(?<=\w) ?[´`¨ˆ˜¸˘�](?=\w)|[´`¨ˆ˜¸˘�](?=\w)")
_GRAVE_A = re.compile(r"(?<!\w)`a\b")
_ACCENTS = frozenset("´`¨ˆ˜¸˘�")
_ANY_DIGIT = re.compile(r"\d")
_FOOTNOTE_MARKS = frozenset("*†‡§¶")
# Dotted acronyms: 'I.B.M.' → 'IBM', 'T.J.' → 'TJ'.
_DOTTED_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")
# Mojibake: UTF-8 read as Latin-1 or Windows-1252 ('UniversitÃ© de MontrÃ©al'); ftfy repairs it.
_MOJIBAKE_HINT = re.compile("[ÃÂâ€Å]")
# An apostrophe lost to a replacement mark: 'People¿s Republic of China', 'Queen�s University'.
_LOST_APOSTROPHE = re.compile(r"(?<=[A-Za-z])[¿�](?=s\b)")

# Abbreviations expanded before matching names (curated, data/words.json).
_EXPANSIONS = word_map("expansions")


def extract_email_domain(raw: str) -> str:
    """The domain of the first e-mail address in the string, or ''."""
    match = _EMAIL.search(raw)
    return match.group(1).lower() if match else ""


def repair(raw: str) -> str:
    """Mend broken text: mojibake (ftfy: 'UniversitÃ© de MontrÃ©al' → 'Université de Montréal')
    and apostrophes lost to a replacement mark ('People¿s' → "People's")."""
    if _MOJIBAKE_HINT.search(raw):
        import ftfy  # imported only for strings that look broken

        raw = ftfy.fix_text(raw)
    return _LOST_APOSTROPHE.sub("'", raw) if "¿" in raw or "�" in raw else raw


def clean(raw: str) -> str:
    """Drop e-mail addresses, ORCIDs, URLs and footnote marks ('Sinica3', 'NVIDIA§'), mend
    mojibake and LaTeX accents ('Montr ´eal' → 'Montreal'); fold white space."""
    # Each pattern runs only where the characters it needs are present (most strings have none).
    raw = repair(raw)
    digits = _ANY_DIGIT.search(raw) is not None
    text = _EMAIL.sub(" ", raw) if "@" in raw else raw
    text = _ORCID.sub(" ", text) if digits else text
    lowered = text.lower()
    text = _URL.sub(" ", text) if "http" in lowered or "www." in lowered else text
    text = text.replace("，", ",")
    text = _GRAVE_A.sub("a", text) if "`" in text else text
    text = _SPACING_ACCENT.sub("", text) if not _ACCENTS.isdisjoint(text) else text
    text = _MARKS.sub(" ", text) if _MARKS.search(text) else text
    text = _LEADING_NUMBER.sub("", text) if digits else text
    text = _DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", ""), text) if "." in text else text
    text = _FOOTNOTE.sub("", text) if digits or not _FOOTNOTE_MARKS.isdisjoint(text) else text
    return " ".join(text.split())


def split_parts(text: str) -> list[str]:
    """Comma-, semicolon- and parenthesis-separated parts, without empty ones."""
    return [p.strip(" .:-") for p in _PARTS.split(text) if p.strip(" .:-")]


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lower-case ASCII words, single-spaced: 'Université Paris-Saclay' → 'universite paris saclay'."""
    text = anyascii(text).lower().replace("&", " and ").replace("'", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The key names are matched on: folded, common abbreviations expanded, 'the' and 'inc' dropped."""
    words = (_EXPANSIONS.get(w, w) for w in fold(text).split())
    return " ".join(w for w in words if w)


@lru_cache(maxsize=200_000)
def strip_numbers(text: str) -> str:
    """Remove postcodes, street numbers and other tokens that contain digits."""
    return " ".join(_DIGITS.sub(" ", text).split())
