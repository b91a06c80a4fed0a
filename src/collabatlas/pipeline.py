"""The pipeline: read sources, load them into the store and resolve new affiliations, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from collabatlas.resolve.apply import resolve_pending, stale
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
    left_out: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()  # (location, SourceBatch.left_out)
    changed: tuple[int, ...] = ()  # per source: stored papers whose affiliations it replaced


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
    changed = []
    with store.transaction() as conn:
        for batch in batches:
            if batch.papers or not batch.profiles:
                summary = load_batch(conn, batch)
                venue_year = f"{batch.venue} {batch.year}"
                rows.append((batch.location, venue_year, summary.papers, summary.new_papers))
                changed.append(summary.changed_papers)
            if load_people(conn, batch) and not batch.papers:
                rows.append((batch.location, "profiles", len(batch.profiles), len(batch.profiles)))
                changed.append(0)
        resolved = resolve_pending(
            conn, registry, progress=(lambda d, t: progress("resolve", d, t)) if progress else None
        )
    left_out = tuple((b.location, b.left_out) for b in batches if b.left_out)
    return IngestReport(tuple(rows), resolved, left_out, tuple(changed))


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
    batches = read_sources(sources, venue=venue, year=year, fetcher=fetcher, progress=progress, mailto=mailto)
    return ingest_batches(store, batches, registry=registry, progress=progress)


def read_sources(
    sources: Sequence[str],
    *,
    venue: str | None = None,
    year: int | None = None,
    fetcher: CachedFetcher | None = None,
    progress: Progress | None = None,
    mailto: str | None = None,
) -> list[SourceBatch]:
    """Read and check every source, touching no store (raises on the first bad one)."""
    batches = []
    for done, spec in enumerate(sources):
        batches.append(read_source(spec, venue, year, fetcher, mailto=mailto, progress=progress))
        if progress:
            progress("read", done + 1, len(sources))
    return batches


def resolve_affiliations(
    store: Store,
    *,
    force: bool = False,
    registry: Registry | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-resolve whatever is stale: affiliations never resolved or resolved by another resolver
    fingerprint, and co-author contexts not yet resolved (``force``: everything)."""
    registry = registry or load_registry()
    if not force and stale(store.conn, registry).total == 0:
        return 0
    with store.transaction() as conn:
        return resolve_pending(conn, registry, force=force, progress=progress)
