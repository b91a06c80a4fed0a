"""The CLI's one error path: every usage, input, store and file-system mistake is one line and a status.

The walk runs ``main()`` in-process (as the ``collabatlas`` script does) over every command.
"""

from __future__ import annotations

import errno
import re
import sys
from pathlib import Path

import duckdb
import pytest
import typer

from collabatlas.cli import app, main
from collabatlas.cli.failures import ENVIRONMENT, USAGE, click, describe
from collabatlas.errors import FetchError, InputError, StoreError, UsageError
from tests.conftest import QUIRKS


def _leaves(group: typer.core.TyperGroup, prefix: list[str]) -> list[tuple[list[str], object]]:
    found: list[tuple[list[str], object]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        if hasattr(command, "commands"):
            found.extend(_leaves(command, [*prefix, name]))
        else:
            found.append(([*prefix, name], command))
    return found


ROOT = typer.main.get_command(app)
LEAVES = _leaves(ROOT, [])  # type: ignore[arg-type]
GROUPS = [[name] for name, command in sorted(ROOT.commands.items()) if hasattr(command, "commands")]  # type: ignore[attr-defined]


def run_main(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["collabatlas", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLLABATLAS_DB", raising=False)
    monkeypatch.delenv("COLLABATLAS_DEBUG", raising=False)
    return tmp_path


def _one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    assert "(hint: " in lines[0], lines[0]
    return lines[0]


def _bad_value(command: object) -> list[str]:
    """An integer option given 'abc', or (for commands without one) an option left without its value."""
    for param in command.params:  # type: ignore[attr-defined]
        descriptor = getattr(param, "type_descriptor", None)  # typer >= 0.29; click's type before
        kind = str(descriptor.annotation) if descriptor else getattr(param.type, "name", "")
        if param.param_type_name == "option" and re.search(r"\bint(eger)?\b", kind):
            return [param.opts[0], "abc"]
    return ["--db"]


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=lambda p: " ".join(p))
def test_every_command_without_arguments_is_one_line(path, empty_cwd, capsys, monkeypatch):
    status, _, err = run_main(path, capsys, monkeypatch)
    _one_error_line(err)
    assert status in (USAGE, ENVIRONMENT)
    assert list(empty_cwd.iterdir()) == [], "a command that failed left files behind"


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=lambda p: " ".join(p))
def test_every_command_with_an_unknown_option_is_one_line(path, empty_cwd, capsys, monkeypatch):
    status, _, err = run_main([*path, "--nope"], capsys, monkeypatch)
    line = _one_error_line(err)
    assert status == USAGE and "--nope" in line and f"collabatlas {' '.join(path)} --help" in line


@pytest.mark.parametrize(
    ("path", "command"), LEAVES, ids=lambda p: " ".join(p) if isinstance(p, list) else ""
)
def test_every_command_with_a_bad_value_is_one_line(path, command, empty_cwd, capsys, monkeypatch):
    status, _, err = run_main([*path, *_bad_value(command)], capsys, monkeypatch)
    _one_error_line(err)
    assert status == USAGE
    assert list(empty_cwd.iterdir()) == []


@pytest.mark.parametrize("path", [[], *GROUPS], ids=lambda p: " ".join(p) or "collabatlas")
def test_a_group_without_a_command_prints_its_help(path, empty_cwd, capsys, monkeypatch):
    status, out, err = run_main(path, capsys, monkeypatch)
    assert status == USAGE and "Usage:" in out and err == ""


def test_unknown_command_names_the_nearest(empty_cwd, capsys, monkeypatch):
    status, _, err = run_main(["reconsile"], capsys, monkeypatch)
    line = _one_error_line(err)
    assert status == USAGE and "No such command 'reconsile'" in line and "reconcile" in line


def test_help_and_success_exit_zero(empty_cwd, capsys, monkeypatch):
    assert run_main(["analyze", "--help"], capsys, monkeypatch)[0] == 0


def test_debug_shows_the_traceback(empty_cwd, capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["collabatlas", "--debug", "analyze"])
    with pytest.raises(StoreError):
        main()
    monkeypatch.setenv("COLLABATLAS_DEBUG", "1")
    monkeypatch.setattr(sys, "argv", ["collabatlas", "analyze"])
    with pytest.raises(StoreError):
        main()


def test_a_truncated_store_is_one_line_and_left_alone(empty_cwd, capsys, monkeypatch, registry):
    import collabatlas as ca

    db = empty_cwd / "s.duckdb"
    with ca.Store(db) as store:
        ca.ingest(store, [str(QUIRKS)], registry=registry)
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 2])
    before = db.read_bytes()
    for args in (["analyze", "--db", str(db)], ["ingest", str(QUIRKS), "--db", str(db)]):
        status, _, err = run_main(args, capsys, monkeypatch)
        assert status == ENVIRONMENT and "s.duckdb" in _one_error_line(err)
        assert db.read_bytes() == before


def test_a_locked_store_names_the_process_holding_it(empty_cwd, capsys, monkeypatch, registry):
    import subprocess

    db = empty_cwd / "s.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(db)!r}); print(1, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "1"
        status, _, err = run_main(["analyze", "--db", str(db)], capsys, monkeypatch)
        line = _one_error_line(err)
        assert status == ENVIRONMENT and f"PID {holder.pid}" in line and "locked" in line
        assert "only one process may write" not in line
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize(
    ("exc", "status", "words"),
    [
        (UsageError("unknown country 'X'"), USAGE, "unknown country"),
        (InputError("f.json: record 3: bad"), USAGE, "record 3"),
        (StoreError("s.duckdb: no such store"), ENVIRONMENT, "no such store"),
        (FetchError("https://x: HTTP 503 after 6 attempts"), ENVIRONMENT, "HTTP 503"),
        (OSError(errno.ENOSPC, "No space left on device", "out.csv"), ENVIRONMENT, "No space left"),
        (IsADirectoryError(errno.EISDIR, "Is a directory", "d"), ENVIRONMENT, "Is a directory"),
        (duckdb.FatalException("FATAL Error: could not write\nmore lines"), ENVIRONMENT, "could not write"),
        (duckdb.IOException("IO Error: Could not read enough bytes"), ENVIRONMENT, "Could not read"),
        (RuntimeError("boom\nsecond line"), ENVIRONMENT, "--debug"),
        (KeyboardInterrupt(), 130, "Interrupted"),
        (click.UsageError("No such option: --x"), USAGE, "--help"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseException) else None,
)
def test_every_failure_is_one_line(exc, status, words):
    failure = describe(exc)
    assert failure.status == status and words in failure.line
    assert "\n" not in failure.line


def test_failure_lines_show_control_characters_visibly():
    line = describe(InputError("f.json: record 0: title '\x1b[2J\u202e'")).line
    assert "\x1b" not in line and "\u202e" not in line and "\\x1b" in line and "\\u202e" in line
