"""One paper from several sources: merged into one, every source's evidence kept, the preferred
source's affiliations used; re-ingest idempotent; the CLI path with a warm cache."""

from __future__ import annotations

import os
import subprocess
import sys

import collabatlas as ca
from collabatlas.sources.openreview import read_openreview
from collabatlas.store.migrations import migrate
from tests.conftest import QUIRKS
from tests.replay import SITE, VENUE_ID, Replay
from tests.test_store import counts

SPEC = f"openreview:{VENUE_ID}"


def test_a_paper_in_several_sources_is_one_paper(tmp_path, store, registry):
    fetcher = Replay(tmp_path).fetcher
    ca.ingest(store, [SPEC, str(SITE), "openalex:neurips2024"], fetcher=fetcher, registry=registry)
    # openreview 3 + site 3 + openalex 3 records: the site and OpenAlex copies of OpenReview's
    # papers (by OpenReview id and by title) merge, leaving the D&B paper and one OpenAlex-only.
    assert store.rows("SELECT count(*) FROM paper_sources")[0][0] == 9
    papers = dict(store.rows("SELECT title, paper_id FROM papers"))
    assert len(papers) == 5
    scaling = papers["Scaling Laws for Cross-Border Collaboration"]
    assert scaling == "openreview:nOte1AbC"
    sources = store.rows("SELECT source FROM paper_sources WHERE paper_id = ? ORDER BY 1", [scaling])
    assert [s for (s,) in sources] == ["conference_site", "openalex", "openreview"]
    # The merged paper carries OpenReview's metadata and abstract, and is counted once.
    assert store.rows("SELECT source, status, track FROM papers WHERE paper_id = ?", [scaling]) == [
        ("openreview", "Oral", "main")
    ]


def test_conflicting_affiliations_are_kept_and_the_preferred_one_used(tmp_path, store, registry):
    ca.ingest(store, [str(SITE), SPEC], fetcher=Replay(tmp_path).fetcher, registry=registry)
    # The site came first, so the merged paper keeps the site's id; OpenReview's answer is used.
    (paper_id,) = store.rows("SELECT paper_id FROM papers WHERE title ILIKE 'diffusion models at scale%'")[0]
    assert paper_id.startswith("neurips2024:site:")
    evidence = store.rows(
        "SELECT source, raw, country, used FROM source_affiliation_answers "
        "WHERE paper_id = ? AND author_position = 1 ORDER BY source",
        [paper_id],
    )
    assert evidence == [
        ("conference_site", "University of Hong Kong", "HK", False),
        ("openreview", "The University of Hong Kong, Hong Kong", "HK", True),
    ]


def test_reingesting_merged_sources_changes_nothing(tmp_path, store, registry):
    fetcher = Replay(tmp_path).fetcher
    ca.ingest(store, [SPEC, str(SITE), str(QUIRKS)], fetcher=fetcher, registry=registry)
    before = counts(store)
    links = store.rows("SELECT * FROM authorship_affiliations ORDER BY ALL")
    again = ca.ingest(store, [str(SITE), SPEC, str(QUIRKS)], fetcher=fetcher, registry=registry)
    assert counts(store) == before
    assert store.rows("SELECT * FROM authorship_affiliations ORDER BY ALL") == links
    assert all(new == 0 for *_, new in again.sources) and again.resolved == 0


def test_cli_ingest_openreview_then_analyze_prints_the_paperlists_table(tmp_path):
    cache = tmp_path / "cache"
    read_openreview(VENUE_ID, Replay(cache).fetcher)  # record the responses into the cache
    env = {**os.environ, "COLLABATLAS_CACHE": str(cache), "COLUMNS": "200"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "collabatlas", *args], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done

    openreview_db, paperlists_db = str(tmp_path / "or.duckdb"), str(tmp_path / "pl.duckdb")
    ingested = run("ingest", SPEC, "--db", openreview_db)  # offline: every response is cached
    assert f"NeurIPS 2024: 3 papers (3 new, 0 changed) from {SPEC}" in ingested.stdout
    run("ingest", str(QUIRKS), "--db", paperlists_db)
    ours, theirs = run("analyze", "--db", openreview_db).stdout, run("analyze", "--db", paperlists_db).stdout

    def header(output: str) -> list[list[str]]:
        rows = [line for line in output.splitlines() if "venue" in line and "share" in line]
        return [[cell.strip() for cell in row.split("┃") if cell.strip()] for row in rows]

    assert header(ours) and header(ours) == header(theirs)
    assert "NeurIPS" in ours and "2024" in ours


def test_a_store_from_before_the_migration_is_backfilled(store, registry):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    before = counts(store)
    links = store.rows("SELECT * FROM authorship_affiliations ORDER BY ALL")
    for table in ("source_affiliations", "source_authorships", "source_resolutions", "paper_sources"):
        store.conn.execute(f"DELETE FROM {table}")
    store.conn.execute("DELETE FROM schema_migrations WHERE name = '0004_multi_source.sql'")
    assert migrate(store.conn) == ["0004_multi_source.sql"]
    assert store.rows("SELECT count(*) FROM paper_sources")[0][0] == before["papers"]
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    assert counts(store) == before
    assert store.rows("SELECT * FROM authorship_affiliations ORDER BY ALL") == links
