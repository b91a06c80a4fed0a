"""The settings table lists every environment variable the code reads, and docs/settings.md is it."""

from __future__ import annotations

import re
from pathlib import Path

from collabatlas.settings import ENVIRONMENT, settings_markdown

ROOT = Path(__file__).resolve().parents[1]
_READS = re.compile(
    r"""(?:environ(?:\.get|\.setdefault)?\(|environ\[|getenv\(|envvar=)\s*["']([A-Z_][A-Z0-9_]*)["']"""
)


def test_every_environment_variable_read_is_documented():
    read = {m for p in (ROOT / "src").rglob("*.py") for m in _READS.findall(p.read_text(encoding="utf-8"))}
    assert read, "the pattern found no environment reads at all"
    assert read <= {s.name for s in ENVIRONMENT}


def test_settings_doc_is_generated():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert settings_markdown() in doc, "run: cog -r docs/settings.md"
