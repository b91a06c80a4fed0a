"""The pipeline: read sources, load them into the store and resolve new affiliations, in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from collabatlas.errors import UsageError
from collabatlas.resolve.apply import resolve_pending
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.sources import SourceBatch, read_source
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.pdf import is_paper_file, read_paper_files
from collabatlas.store import Store
from collabatlas.store.attach import attach_records
from collabatlas.store.load import AFFILIATION_PREFERENCE, load_batch, set_affiliation_source

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did, per source and in total; paper files that could not be read or matched."""

    sources: tuple[tuple[str, str, int, int], ...]  # (location, venue-year, papers, new papers)
    resolved: int
    failures: tuple[tuple[str, str], ...] = ()  # (file, one-line reason), skipped


def ingest_batches(
    store: Store,
    batches: Sequence[SourceBatch],
    *,
    registry: Registry | None = None,
    progress: Progress | None = None,
    attach: SourceBatch | None = None,
    affiliations_from: str | None = None,
) -> IngestReport:
    """Load already-read batches and resolve what is new; all or nothing. ``attach``: paper files
    to add to papers already stored (unmatched ones are reported, not added); ``affiliations_from``
    sets whose affiliations count (best, pdf, list, openreview) and rebuilds every paper."""
    registry = registry or load_registry()
    rows = []
    failures: list[tuple[str, str]] = []
    with store.transaction() as conn:
        for batch in batches:
            summary = load_batch(conn, batch)
            rows.append((batch.location, f"{batch.venue} {batch.year}", summary.papers, summary.new_papers))
        if attach is not None:
            matched, unmatched = attach_records(conn, attach.papers)
            failures += [
                (p.source_id, f"{p.source_id}: no stored paper with its id, DOI or title") for p in unmatched
            ]
            summary = load_batch(conn, replace(attach, papers=tuple(record for record, _ in matched)))
            rows.append((attach.location, "attached", summary.papers, summary.new_papers))
        if affiliations_from is not None:
            set_affiliation_source(conn, affiliations_from)
        resolved = resolve_pending(
            conn, registry, progress=(lambda d, t: progress("resolve", d, t)) if progress else None
        )
    return IngestReport(tuple(rows), resolved, tuple(failures))


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
    if affiliations_from is not None and affiliations_from not in AFFILIATION_PREFERENCE:
        raise UsageError(
            f"unknown --affiliations-from {affiliations_from!r}",
            hint=f"use one of {', '.join(AFFILIATION_PREFERENCE)}",
        )
    lists = [spec for spec in sources if not is_paper_file(spec)]
    files = [spec for spec in sources if is_paper_file(spec)]
    batches = []
    for done, spec in enumerate(lists):
        batches.append(read_source(spec, venue, year, fetcher, mailto=mailto, progress=progress))
        if progress:
            progress("read", done + 1, len(lists))
    failures: list[tuple[str, str]] = []
    if files:
        read = read_paper_files(files, venue, year, fetcher, progress=progress)
        failures += read.failures
        if read.batch.papers:
            batches.append(read.batch)
    attach = None
    if pdfs:
        read = read_paper_files(pdfs, venue, year, fetcher, progress=progress)
        failures += read.failures
        attach = read.batch
    report = ingest_batches(
        store,
        batches,
        registry=registry,
        progress=progress,
        attach=attach,
        affiliations_from=affiliations_from,
    )
    return replace(report, failures=(*failures, *report.failures))


def resolve_affiliations(store: Store, *, force: bool = False, registry: Registry | None = None) -> int:
    """Re-resolve affiliations whose resolution is missing or from another resolver version."""
    registry = registry or load_registry()
    with store.transaction() as conn:
        return resolve_pending(conn, registry, force=force)
