"""The country-pair table per venue-year, as CSV or as GraphML for network tools (Gephi, VOSviewer)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa

from collabatlas.analyze.conventions import conventions
from collabatlas.analyze.pairs import PAIR_COUNTING, pair_matrix
from collabatlas.analyze.rules import CountingRules
from collabatlas.errors import UsageError
from collabatlas.report.outputs import write_csv, write_text_atomic
from collabatlas.store import Store

PAIR_FORMATS = ("csv", "graphml")


def pairs_graph(table: pa.Table, conventions_object: dict[str, Any]) -> nx.MultiGraph:
    """Countries as nodes, one edge per venue-year and pair (papers, salton, small as attributes);
    the conventions travel as the graph attribute ``conventions`` (a JSON string)."""
    graph = nx.MultiGraph(conventions=json.dumps(conventions_object, default=str))
    for row in table.to_pylist():
        for country in (row["country_1"], row["country_2"]):
            graph.add_node(country, label=country)
        graph.add_edge(
            row["country_1"],
            row["country_2"],
            key=f"{row['venue']} {row['year']}",
            venue=row["venue"],
            year=int(row["year"]),
            weight=float(row["papers"]),
            papers=int(row["papers"]),
            salton=float(row["salton"]),
            small=bool(row["small"]),
        )
    return graph


def export_pairs(store: Store, path: str | Path, rules: CountingRules | None = None, fmt: str = "csv") -> int:
    """Write :func:`pair_matrix` as CSV (with its conventions sidecar) or GraphML; returns the rows."""
    if fmt not in PAIR_FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", hint="use csv or graphml")
    rules = rules or CountingRules()
    table = pair_matrix(store, rules)
    conventions_object = {**conventions(store, rules), "pair_counting": PAIR_COUNTING}
    if fmt == "csv":
        write_csv(table, path, conventions_object)
    else:
        text = "\n".join(nx.generate_graphml(pairs_graph(table, conventions_object))) + "\n"
        write_text_atomic(text, path)
    return table.num_rows
