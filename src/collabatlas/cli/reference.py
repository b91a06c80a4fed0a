"""The CLI reference in Markdown, rendered from every command's ``--help`` (used by cog)."""

from __future__ import annotations

from typing import Any

import typer
from typer.testing import CliRunner

from collabatlas.cli import app


def _commands(group: Any, prefix: list[str]) -> list[list[str]]:
    found: list[list[str]] = []
    for name in sorted(group.commands):
        command = group.commands[name]
        found.append([*prefix, name])
        if hasattr(command, "commands"):
            found.extend(_commands(command, [*prefix, name]))
    return found


def reference() -> str:
    """Markdown with one section per command and its help text, at a fixed width."""
    runner = CliRunner()
    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    sections = []
    for path in [[], *_commands(typer.main.get_command(app), [])]:
        result = runner.invoke(app, [*path, "--help"], env=env, terminal_width=100)
        title = " ".join(["collabatlas", *path])
        text = "\n".join(line.rstrip() for line in result.output.strip("\n").splitlines())
        sections.append(f"\n## `{title}`\n\n```\n{text.strip()}\n```\n")
    return "".join(sections) + "\n"
