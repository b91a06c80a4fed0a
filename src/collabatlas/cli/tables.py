"""Rich tables for the analysis results, each captioned with the conventions it was computed under."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from collabatlas.cli.text import visible

SMALL_MARK = "ˢ"  # not †, which affiliations print as a footnote or a joiner


def pct(value: float | None) -> str:
    """A share as a percentage ('—' when there is none)."""
    return "—" if value is None else f"{100 * value:.2f}%"


def share_cell(share: float | None, low: float | None, high: float | None) -> str:
    """A share with its 95% interval: '12.50% (8.1–18.7%)'."""
    if share is None or low is None or high is None:
        return "—"
    return f"{pct(share)} ({100 * low:.1f}–{100 * high:.1f}%)"


def count_cell(value: float, small: bool = False) -> str:
    """A count or credit (two decimals when fractional), with a small mark (ˢ) when it is small."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{text}{SMALL_MARK}" if small else text


LEFT = frozenset(("venue", "country", "pair", "paper", "author", "affiliation", "method"))


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column, justify="left" if column in LEFT else "right")
    return table


def captioned(table: Table, conventions: Mapping[str, Any]) -> Group:
    """A table with its conventions printed under it, at the console's full width."""
    from collabatlas.analyze.conventions import conventions_footer

    return Group(table, Text(visible(conventions_footer(conventions)), style="dim"))


def collaboration_table(rows: Sequence[Mapping[str, Any]], conventions: Mapping[str, Any]) -> Group:
    """One row per venue-year: papers, coverage, unassigned, A, B, A–B and both shares."""
    from collabatlas.analyze.rules import UNASSIGNED

    a, b = conventions["pair"]
    fractions = conventions["counting"] != "whole"
    columns = [
        "venue",
        "year",
        "papers",
        "with data",
        "coverage",
        UNASSIGNED,
        f"with {a}",
        f"with {b}",
        f"{a}–{b}",
        *([f"{a} credit in {a}–{b}", f"{b} credit in {a}–{b}"] if fractions else []),
        "share of all (95% CI)",
        "share of known (95% CI)",
    ]
    table = _table(f"{a}–{b} collaboration ({conventions['counting']} counting)", columns)
    for r in rows:
        table.add_row(
            r["venue"],
            str(r["year"]),
            count_cell(r["papers"]),
            count_cell(r["papers_with_data"]),
            pct(r["coverage"]),
            count_cell(r["papers_unassigned"]),
            count_cell(r["papers_a"]),
            count_cell(r["papers_b"]),
            count_cell(r["papers_ab"], r["small"]),
            *([count_cell(r["ab_credit_a"]), count_cell(r["ab_credit_b"])] if fractions else []),
            share_cell(r["share"], r["ci_low"], r["ci_high"]),
            share_cell(r["share_of_known"], r["ci_known_low"], r["ci_known_high"]),
        )
    return captioned(table, conventions)


def _country_cells(r: Mapping[str, Any]) -> tuple[str, ...]:
    return (
        r["venue"],
        str(r["year"]),
        r["country"],
        count_cell(r["papers"], r["small"]),
        share_cell(r["share_all"], r["ci_low"], r["ci_high"]),
        share_cell(r["share_known"], r["ci_known_low"], r["ci_known_high"]),
    )


def country_table(rows: Sequence[Mapping[str, Any]], conventions: Mapping[str, Any], top: int = 10) -> Group:
    """Per venue-year: the ``top`` countries by credit and the pair, the others summed, unassigned."""
    from collabatlas.analyze.rules import UNASSIGNED

    table = _table(
        f"Country totals ({conventions['counting']} counting)",
        ["venue", "year", "country", "papers", "share of all (95% CI)", "share of known (95% CI)"],
    )
    groups: dict[tuple[str, int], list[Mapping[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["venue"], r["year"]), []).append(r)
    for (venue, year), group in groups.items():
        assigned = [r for r in group if r["country"] != UNASSIGNED]
        shown = [r for i, r in enumerate(assigned) if i < top or r["country"] in conventions["pair"]]
        others = [r for r in assigned if r not in shown]
        for r in shown:
            table.add_row(*_country_cells(r))
        if others:
            table.add_row(
                venue,
                str(year),
                f"{len(others)} other countries",
                count_cell(sum(o["papers"] for o in others)),
                pct(sum(o["share_all"] for o in others)),
                pct(sum(o["share_known"] for o in others)),
            )
        for r in group:
            if r["country"] == UNASSIGNED:
                table.add_row(*_country_cells(r))
        table.add_section()
    return captioned(table, conventions)


def pairs_table(rows: Sequence[Mapping[str, Any]], conventions: Mapping[str, Any]) -> Group:
    """The country pairs with the most co-authored papers."""
    table = _table("Top country pairs (whole counting)", ["pair", "papers"])
    for p in rows:
        table.add_row(
            f"{p['country_1']}–{p['country_2']}",
            count_cell(p["papers"], p["papers"] < conventions["min_count"]),
        )
    return captioned(table, conventions)


def papers_table(rows: Sequence[Mapping[str, Any]], title: str, conventions: Mapping[str, Any]) -> Group:
    """One line per affiliation of each author of each paper, with its country and resolution."""
    table = _table(title, ["paper", "author", "affiliation", "country", "method", "confidence"])
    for paper in rows:
        first = True
        for author in paper["authors"]:
            for aff in author["affiliations"] or [None]:
                table.add_row(
                    f"{paper['paper_id']}  {paper['title']}" if first else "",
                    author["name"] if author["position"] >= 0 else "(author unknown)",
                    aff["affiliation"] if aff else "",
                    (aff["counted_as"] or "—") if aff else "—",
                    (aff["method"] or "") if aff else "no affiliation",
                    f"{aff['confidence']:.2f}" if aff and aff["confidence"] is not None else "",
                )
                first = False
        table.add_section()
    return captioned(table, conventions)
