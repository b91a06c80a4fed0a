"""Text from data is data on the terminal: no Rich markup, no emoji codes, no live control characters.

Every string the CLI prints goes through :class:`SafeConsole`, which never parses markup and shows
terminal controls (ESC, NUL, CR, …), bidi overrides and zero-width characters as visible escapes.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from rich.console import Console
from rich.text import Text

_KEPT = frozenset("\n\t")
# Control, format (bidi overrides, zero-width), line/paragraph separators, lone surrogates.
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))


@lru_cache(maxsize=4096)
def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _hidden(char: str) -> bool:
    return char not in _KEPT and unicodedata.category(char) in _HIDDEN_CATEGORIES


def visible(text: str) -> str:
    """``text`` with each control, bidi, zero-width or separator character as ``\\xNN``/``\\uNNNN``."""
    if text.isprintable():
        return text
    return "".join(_escape(c) if _hidden(c) else c for c in text)


class SafeConsole(Console):
    """A Rich console that renders every string literally (markup and emoji off) and visibly."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:
        """Render ``text`` as plain, visible text whatever markup it contains."""
        kwargs.update(markup=False, emoji=False)
        return super().render_str(visible(text), **kwargs)
