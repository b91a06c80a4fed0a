"""The pipeline: read sources, load them into the store and resolve new affiliations, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from collabatlas.resolve.apply import resolve_pending
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.sources import SourceBatch, read_source
from collabatlas.sources.http import CachedFetcher
from collabatlas.store import Store
from collabatlas.store.load import load_batch
from collabatlas.store.people import load_people

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did, per source and in total."""

    sources: tuple[tuple[str, str, int, int], ...]  # (location, venue-year, papers, new papers)
    resolved: int


def ingest_batches(
    store: Store,
    batches: Sequence[SourceBatch],
    *,
    registry: Registry | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Load already-read batches and resolve what is new; all or nothing."""
    registry = registry or load_registry()
    rows = []
    with store.transaction() as conn:
        for batch in batches:
            if batch.papers or not batch.profiles:
                done = load_batch(conn, batch)
                rows.append((batch.location, f"{batch.venue} {batch.year}", done.papers, done.new_papers))
            if load_people(conn, batch) and not batch.papers:
                rows.append((batch.location, "profiles", len(batch.profiles), len(batch.profiles)))
        resolved = resolve_pending(
            conn, registry, progress=(lambda d, t: progress("resolve", d, t)) if progress else None
        )
    return IngestReport(tuple(rows), resolved)


def ingest(
    store: Store,
    sources: Sequence[str],
    *,
    venue: str | None = None,
    year: int | None = None,
    fetcher: CachedFetcher | None = None,
    registry: Registry | None = None,
    progress: Progress | None = None,
    mailto: str | None = None,
) -> IngestReport:
    """Read every source first (so a bad one changes nothing), then load and resolve them.

    ``mailto`` is the polite identity sent to OpenAlex (default ``$COLLABATLAS_MAILTO``).
    """
    batches = []
    for done, spec in enumerate(sources):
        batches.append(read_source(spec, venue, year, fetcher, mailto=mailto, progress=progress))
        if progress:
            progress("read", done + 1, len(sources))
    return ingest_batches(store, batches, registry=registry, progress=progress)


def resolve_affiliations(store: Store, *, force: bool = False, registry: Registry | None = None) -> int:
    """Re-resolve affiliations whose resolution is missing or from another resolver version."""
    registry = registry or load_registry()
    with store.transaction() as conn:
        return resolve_pending(conn, registry, force=force)
