"""One family of errors. The CLI prints each as a single line, with its hint, and exits 2."""

from __future__ import annotations


class CollabAtlasError(Exception):
    """Base of every error collabatlas raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def one_line(self) -> str:
        """The message and hint on one line, as the CLI prints it."""
        text = " ".join(str(self).split())
        return f"{text} (hint: {self.hint})" if self.hint else text


class InputError(CollabAtlasError):
    """A source file, URL or record that cannot be read as the format it claims to be."""

    hint = "check the file is a Paper Copilot paperlists JSON array"


class FetchError(CollabAtlasError):
    """A URL that could not be fetched (network, HTTP status, or offline without a cache)."""

    hint = "check the URL, or download the file and pass its path"


class StoreError(CollabAtlasError):
    """The store file is missing, locked by another writer, or from a newer collabatlas."""

    hint = "check --db"


class UsageError(CollabAtlasError):
    """An option value that makes no sense (an unknown country, scope or venue)."""

    hint = "see --help"
