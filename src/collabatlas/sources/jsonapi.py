"""Shared by the web-API readers: JSON through the cached fetcher, shape checks, progress callbacks."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from collabatlas.errors import InputError
from collabatlas.sources.http import CachedFetcher

Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``: called as a reader advances (``total`` 0 when unknown)."""


def get_json(fetcher: CachedFetcher, url: str, params: Mapping[str, str | int], digest: Any = None) -> Any:
    """Fetch (or reuse from the cache) a JSON response; a body that is not JSON is an InputError.

    ``digest`` (a hashlib object), when given, is updated with the body.
    """
    body = fetcher.get(url, params)
    if digest is not None:
        digest.update(body)
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{url} {dict(params)}: response is not JSON ({exc})",
            hint="the cached response may be damaged; run again with --refresh",
        ) from exc


API_SHAPE_HINT = "the API answered in an unexpected shape; run again with --refresh, or report it"


def expect(value: Any, kind: type | tuple[type, ...], where: str, hint: str = API_SHAPE_HINT) -> Any:
    """``value`` if it is of ``kind``, else an InputError naming ``where``."""
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise InputError(f"{where}: expected {names}, got {type(value).__name__}", hint=hint)
    return value


def text(value: Any) -> str:
    """A string field with its whitespace collapsed; anything else is ''."""
    return " ".join(value.split()) if isinstance(value, str) else ""
