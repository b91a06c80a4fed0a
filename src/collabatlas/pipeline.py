"""The pipeline: read sources, load them into the store and resolve new affiliations, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from collabatlas.errors import UsageError
from collabatlas.resolve.apply import resolve_pending, stale
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.sources import SourceBatch, read_source
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.pdf import is_paper_file, read_paper_files
from collabatlas.store import Store
from collabatlas.store.attach import attach_records
from collabatlas.store.load import AFFILIATION_PREFERENCE, load_batch, set_affiliation_source
from collabatlas.store.people import load_people

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did, per source and in total; paper files that could not be read or matched."""

    sources: tuple[tuple[str, str, int, int], ...]  # (location, venue-year, papers, new papers)
    resolved: int
    left_out: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()  # (location, SourceBatch.left_out)
    changed: tuple[int, ...] = ()  # per source: stored papers whose affiliations it replaced
    failures: tuple[tuple[str, str], ...] = ()  # (file, one-line reason), skipped


@dataclass(frozen=True)
class ReadSources:
    """Every source read and checked, before any store is touched: the batches to load, the paper
    files to attach to stored papers, and the paper files that could not be read."""

    batches: tuple[SourceBatch, ...]
    attach: SourceBatch | None = None
    failures: tuple[tuple[str, str], ...] = ()


def check_affiliations_from(choice: str | None) -> None:
    """A usage error unless ``choice`` is None or one of :data:`AFFILIATION_PREFERENCE`."""
    if choice is not None and choice not in AFFILIATION_PREFERENCE:
        raise UsageError(
            f"unknown --affiliations-from {choice!r}", hint=f"use one of {', '.join(AFFILIATION_PREFERENCE)}"
        )


def ingest_batches(
    store: Store,
    read: ReadSources | Sequence[SourceBatch],
    *,
    registry: Registry | None = None,
    progress: Progress | None = None,
    affiliations_from: str | None = None,
) -> IngestReport:
    """Load already-read sources and resolve what is new; all or nothing. Paper files to attach go
    to papers already stored (unmatched ones are reported, not added); ``affiliations_from`` sets
    whose affiliations count (best, pdf, list, openreview) and rebuilds every paper."""
    read = read if isinstance(read, ReadSources) else ReadSources(tuple(read))
    registry = registry or load_registry()
    rows = []
    changed = []
    failures = list(read.failures)
    with store.transaction() as conn:
        for batch in read.batches:
            if batch.papers or not batch.profiles:
                summary = load_batch(conn, batch)
                venue_year = f"{batch.venue} {batch.year}"
                rows.append((batch.location, venue_year, summary.papers, summary.new_papers))
                changed.append(summary.changed_papers)
            if load_people(conn, batch) and not batch.papers:
                rows.append((batch.location, "profiles", len(batch.profiles), len(batch.profiles)))
                changed.append(0)
        if read.attach is not None:
            matched, unmatched = attach_records(conn, read.attach.papers)
            failures += [
                (p.source_id, f"{p.source_id}: no stored paper with its id, DOI or title") for p in unmatched
            ]
            attached = replace(read.attach, papers=tuple(record for record, _ in matched))
            summary = load_batch(conn, attached)
            rows.append((attached.location, "attached", summary.papers, summary.new_papers))
            changed.append(summary.changed_papers)
        if affiliations_from is not None:
            set_affiliation_source(conn, affiliations_from)
        resolved = resolve_pending(
            conn, registry, progress=(lambda d, t: progress("resolve", d, t)) if progress else None
        )
    left_out = tuple((b.location, b.left_out) for b in read.batches if b.left_out)
    return IngestReport(tuple(rows), resolved, left_out, tuple(changed), tuple(failures))


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
    pdfs: Sequence[str] = (),
    affiliations_from: str | None = None,
) -> IngestReport:
    """Read every source first (so a bad one changes nothing), then load and resolve them.

    PDF and GROBID TEI files (or directories of them) among ``sources`` become one batch of
    papers; those in ``pdfs`` are attached to stored papers. A paper file that cannot be read is
    skipped and reported in ``failures``. ``mailto`` is the polite identity sent to OpenAlex
    (default ``$COLLABATLAS_MAILTO``).
    """
    check_affiliations_from(affiliations_from)
    read = read_sources(
        sources, venue=venue, year=year, fetcher=fetcher, progress=progress, mailto=mailto, pdfs=pdfs
    )
    return ingest_batches(
        store, read, registry=registry, progress=progress, affiliations_from=affiliations_from
    )


def read_sources(
    sources: Sequence[str],
    *,
    venue: str | None = None,
    year: int | None = None,
    fetcher: CachedFetcher | None = None,
    progress: Progress | None = None,
    mailto: str | None = None,
    pdfs: Sequence[str] = (),
) -> ReadSources:
    """Read and check every source, touching no store (raises on the first bad list; a paper file
    that cannot be read is skipped and listed in ``failures``)."""
    lists = [spec for spec in sources if not is_paper_file(spec)]
    files = [spec for spec in sources if is_paper_file(spec)]
    batches = []
    for done, spec in enumerate(lists):
        batches.append(read_source(spec, venue, year, fetcher, mailto=mailto, progress=progress))
        if progress:
            progress("read", done + 1, len(lists))
    failures: list[tuple[str, str]] = []
    if files:
        papers = read_paper_files(files, venue, year, fetcher, progress=progress)
        failures += papers.failures
        if papers.batch.papers:
            batches.append(papers.batch)
    attach = None
    if pdfs:
        papers = read_paper_files(pdfs, venue, year, fetcher, progress=progress)
        failures += papers.failures
        attach = papers.batch
    return ReadSources(tuple(batches), attach, tuple(failures))


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
