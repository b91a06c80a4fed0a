"""`collabatlas export mentions`: one CSV row per model mention, with the conventions sidecar."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.cli import app
from collabatlas.report.mentions import MENTION_COLUMNS, mentions
from collabatlas.resolve.registry import Registry
from collabatlas.store import Store
from collabatlas.technology import detect_pending
from tests.conftest import FIXTURES

TECHFLOW = [FIXTURES / "technology" / "techflow2023.json", FIXTURES / "technology" / "techflow2024.json"]


def _derived_paper(tmp_path: Path) -> Path:
    paper = {"id": "d1", "title": "Search with Sentence-BERT", "status": "Poster", "track": "main"}
    paper |= {"author": "A;B", "aff": "TU Darmstadt, Germany;Tsinghua University, Beijing, China"}
    paper |= {
        "aff_domain": "tu-darmstadt.de;tsinghua.edu.cn",
        "abstract": "We compare against Grounding DINO.",
    }
    path = tmp_path / "derived2025.json"
    path.write_text(json.dumps([paper]), "utf-8")
    return path


def test_export_mentions_writes_rows_and_sidecar(tmp_path: Path, registry: Registry) -> None:
    db = tmp_path / "s.duckdb"
    with ca.Store(db) as store:
        ca.ingest(store, [*(str(p) for p in TECHFLOW), str(_derived_paper(tmp_path))], registry=registry)
    out = tmp_path / "mentions.csv"
    result = CliRunner().invoke(app, ["export", "mentions", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "papers scanned" in result.output and "mentions written to" in result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == MENTION_COLUMNS
    qwen = next(r for r in rows if r["model"] == "Qwen2.5-7B-Instruct")
    assert (qwen["venue"], qwen["year"], qwen["family"], qwen["origin_country"]) == (
        "techflow",
        "2024",
        "Qwen",
        "CN",
    )
    assert (qwen["role"], qwen["field"]) == ("uses", "abstract")
    assert qwen["sentence"] == "We build on Qwen2.5-7B-Instruct as the reader."
    derived = [
        (r["family"], r["origin_country"], r["rule"]) for r in rows if r["paper_id"].startswith("derived")
    ]
    assert derived == [
        ("BERT", "US", "title via sentence-bert"),
        ("Sentence-BERT", "DE", "title"),
        ("Grounding DINO", "CN", "compared"),
    ]
    sidecar = json.loads((tmp_path / "mentions.csv.conventions.json").read_text("utf-8"))
    assert sidecar["columns"] == list(MENTION_COLUMNS)
    assert sidecar["conventions"]["catalog_version"] == ca.load_catalog().version
    assert "Epoch AI" in sidecar["conventions"]["catalog_attribution"]


def test_mentions_leave_out_rejected_papers_unless_asked(
    store: Store, registry: Registry, tmp_path: Path
) -> None:
    paper = {"id": "r1", "title": "Rejected LoRA tricks", "status": "Reject", "track": "main", "author": "A"}
    paper |= {"aff": "Stanford University", "aff_domain": "stanford.edu", "abstract": ""}
    (tmp_path / "rej2024.json").write_text(json.dumps([paper]), "utf-8")
    ca.ingest(store, [str(tmp_path / "rej2024.json")], registry=registry)
    detect_pending(store)
    assert mentions(store).num_rows == 0
    assert mentions(store, accepted_only=False).column("family").to_pylist() == ["LoRA"]
