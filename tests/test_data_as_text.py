"""Text from data stays data: no markup or control characters on the terminal, no formulas in CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import collabatlas as ca
from collabatlas.cli import main
from collabatlas.cli.text import SafeConsole, visible
from collabatlas.csvcells import TRIGGERS, neutralise, neutralise_table, restore
from collabatlas.report.outputs import sidecar_path, write_csv
from collabatlas.review.corrections import correct_affiliation
from collabatlas.review.corrections_file import read_corrections, store_rows, write_corrections
from collabatlas.store.load import aff_key

MARKUP = "Bad [/] [red]red[/red] [link=https://evil.example]click[/link] :smile:"
CONTROLS = "clear\x1b[2J bell\x07 cr\r rlo\u202eevil zw\u200bsp bom\ufeff ls\u2028 del\x7f"
FORMULAS = ('=HYPERLINK("https://evil.example","x")', "=cmd|' /C calc'!A0", "@SUM(1)", "-2+3", "+1")


def _hostile_list(tmp_path: Path) -> Path:
    papers = [
        {
            "id": "h1",
            "title": f"{MARKUP} {CONTROLS}",
            "author": f"Mallory {MARKUP};Eve",
            "aff": f"{FORMULAS[0]};{FORMULAS[1]}",
            "status": "Poster",
        },
        {"id": "h2", "title": "Plain", "author": "Ann", "aff": "MIT, Cambridge, MA, USA", "status": "Poster"},
    ]
    path = tmp_path / "hostile2020.json"
    path.write_text(json.dumps(papers), encoding="utf-8")
    return path


def _run(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["collabatlas", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def _rendered(text: str) -> str:
    console = SafeConsole(file=io.StringIO(), width=300, force_terminal=True, color_system="truecolor")
    console.print(text)
    # Only the console's own colours (SGR) may remain as escape sequences.
    return re.sub(r"\x1b\[[0-9;]*m", "", console.file.getvalue())  # type: ignore[attr-defined]


def test_visible_escapes_controls_bidi_and_zero_width():
    shown = visible(CONTROLS + "\x00")
    for hidden in ("\x1b", "\x07", "\r", "\u202e", "\u200b", "\ufeff", "\u2028", "\x7f", "\x00"):
        assert hidden not in shown
    for escape in ("\\x1b", "\\x07", "\\x0d", "\\u202e", "\\u200b", "\\ufeff", "\\u2028", "\\x7f", "\\x00"):
        assert escape in shown
    assert (
        visible("Université de Montréal, 北京大学\nnext\tcell")
        == "Université de Montréal, 北京大学\nnext\tcell"
    )


@given(st.text())
def test_nothing_hidden_survives_visible(text):
    shown = visible(text)
    assert all(c in "\n\t" or c.isprintable() or c == " " or not _is_hidden(c) for c in shown)


def _is_hidden(char: str) -> bool:
    import unicodedata

    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs")


def test_the_console_prints_markup_literally_and_no_live_controls():
    out = _rendered(f"{MARKUP} {CONTROLS}")
    assert "[/]" in out and "[red]red[/red]" in out and "[link=https://evil.example]" in out
    assert ":smile:" in out and "\x1b]8;" not in out  # no OSC 8 hyperlink
    assert "\x1b[2J" not in out and "\u202e" not in out and "\\u202e" in out


def test_hostile_data_through_every_printing_command(tmp_path, capsys, monkeypatch, registry):
    db = str(tmp_path / "s.duckdb")
    status, out, err = _run(
        ["ingest", str(_hostile_list(tmp_path)), "--db", db, "--venue", "Bad[/]Venue"], capsys, monkeypatch
    )
    assert status == 0, err
    assert "Bad[/]Venue 2020: 2 papers (2 new, 0 changed)" in out
    for args in (["analyze"], ["papers", "--country", "unassigned"], ["papers", "--country", "US"]):
        status, out, err = _run([*args, "--db", db], capsys, monkeypatch)
        assert status == 0, err
        assert "Bad[/]Venue" in out and "\x1b" not in out and "\u202e" not in out
    status, out, _ = _run(["papers", "--country", "unassigned", "--db", db], capsys, monkeypatch)
    assert "[/]" in out and "\\x1b[2J" in out


@given(st.text())
def test_restore_undoes_neutralise(value):
    safe = neutralise(value)
    assert restore(safe) == value
    assert not safe.startswith(TRIGGERS)


@pytest.mark.parametrize("formula", FORMULAS)
def test_formulas_are_neutralised(formula):
    assert neutralise(formula) == "'" + formula
    assert neutralise("Plain University") == "Plain University"


def test_tables_keep_numbers_and_nulls():
    table = pa.table({"text": ["=1", None, "ok", "'q"], "number": [-1.5, 2.0, 3.0, 4.0]})
    assert neutralise_table(table).to_pylist() == [
        {"text": "'=1", "number": -1.5},
        {"text": None, "number": 2.0},
        {"text": "ok", "number": 3.0},
        {"text": "''q", "number": 4.0},
    ]


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def test_every_csv_writer_neutralises_and_says_so(tmp_path):
    target = write_csv(pa.table({"affiliation": list(FORMULAS)}), tmp_path / "t.csv", {"rules": "x"})
    cells = _cells(target)[1:]
    assert cells == ["'" + f for f in FORMULAS]
    note = json.loads(sidecar_path(target).read_text())["text_cells"]
    assert "OWASP" in note and "'" in note


def test_export_authorships_neutralises_affiliations(tmp_path, registry):
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(_hostile_list(tmp_path))], registry=registry)
        ca.export_authorships(store, tmp_path / "a.csv")
    rows = list(csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8", newline="")))
    raws = [r["affiliation_raw"] for r in rows]
    assert "'" + FORMULAS[0] in raws and "'" + FORMULAS[1] in raws
    assert not any(cell.startswith(TRIGGERS) for row in rows for cell in row.values())


def test_report_evidence_csv_is_neutralised(tmp_path, registry):
    papers = [
        {
            "id": "e1",
            "title": '=HYPERLINK("https://evil.example")',
            "author": "@Ann;Bo",
            "aff": "Stanford University, Stanford, CA, USA;Tsinghua University, Beijing, China",
            "status": "Poster",
        }
    ]
    path = tmp_path / "evil2020.json"
    path.write_text(json.dumps(papers), encoding="utf-8")
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(path)], registry=registry)
        files = ca.build_report(store, ca.CountingRules(), tmp_path / "report")
    cells = _cells(files.index.parent / "evidence.csv")
    assert '\'=HYPERLINK("https://evil.example")' in cells
    assert not any(cell.startswith(TRIGGERS) for cell in cells)


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda s: s.strip() and "\x00" not in s))
def test_corrections_file_round_trips_any_institution(tmp_path_factory, value):
    directory = tmp_path_factory.mktemp("corr")
    with ca.Store(directory / "s.duckdb") as store:
        key = aff_key("Some Lab", "")
        store.conn.execute("INSERT INTO affiliations VALUES (?, ?, ?)", [key, "Some Lab", ""])
        correct_affiliation(store, key, "manual", reviewer=value, institution=value, country="FR")
        mirror = directory / "corrections.csv"
        write_corrections(store, mirror)
        assert list(read_corrections(mirror)) == store_rows(store)
        assert store_rows(store)[0].reviewer == value
    for cell in _cells(mirror):
        assert not cell.startswith(TRIGGERS)
