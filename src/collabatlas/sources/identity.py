"""Keys that say two records from different sources are the same paper: DOI, OpenReview id, title."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from anyascii import anyascii

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)


def title_key(title: str) -> str:
    """A title folded to ASCII lower-case words ('Attention, Please!' → 'attention please')."""
    return _NOT_WORD.sub(" ", anyascii(title).lower()).strip()


def normalise_doi(doi: str) -> str:
    """A DOI without its resolver prefix, lower-cased ('' stays '')."""
    return _DOI_PREFIX.sub("", doi.strip()).lower()


def openreview_id_from_url(url: str) -> str:
    """The note id of an ``openreview.net/forum?id=…`` or ``/pdf?id=…`` URL, else ''."""
    parsed = urlparse(url)
    if not parsed.netloc.endswith("openreview.net"):
        return ""
    return parse_qs(parsed.query).get("id", [""])[0]
