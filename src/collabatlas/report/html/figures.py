"""The report's figures, drawn with matplotlib, saved as deterministic SVG and print-resolution PNG.

Colours are the Okabe–Ito palette (lines, nodes) and cividis (heatmaps), both readable with the
common colour-vision deficiencies. Counts below ``rules.min_count`` are drawn grey (hatched and
without a number in the technology heatmaps).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib as mpl
import networkx as nx
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from collabatlas.analyze.rules import CountingRules

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
SMALL_GREY = "#BBBBBB"
PRINT_DPI = 300
# Fixed salt and no dates: the same data gives byte-identical SVG files.
RC: dict[Any, Any] = {
    "svg.hashsalt": "collabatlas",
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
SVG_METADATA = {"Date": None, "Creator": "collabatlas"}
PNG_METADATA = {"Software": "collabatlas"}


@dataclass(frozen=True)
class Chart:
    """One figure of the report: file stem, title, alt text and the matplotlib figure."""

    name: str
    title: str
    alt: str
    figure: Figure


def save_chart(chart: Chart, out_dir: Path) -> tuple[str, str]:
    """Write ``NAME.svg`` and ``NAME.png`` into ``out_dir``; returns the two file names."""
    svg, png = f"{chart.name}.svg", f"{chart.name}.png"
    with mpl.rc_context(RC):
        # Lay the figure out once (in inches, so for both formats), not once per file.
        engine = chart.figure.get_layout_engine()
        if engine is not None:
            engine.execute(chart.figure)
            chart.figure.set_layout_engine("none")
        chart.figure.savefig(out_dir / svg, format="svg", metadata=SVG_METADATA)
        chart.figure.savefig(out_dir / png, format="png", dpi=PRINT_DPI, metadata=PNG_METADATA)
    return svg, png


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def trend_chart(rows: Sequence[dict[str, Any]], rules: CountingRules) -> Chart:
    """A–B share by year per venue with 95% bands (top); papers with A and with B authors (bottom)."""
    a, b = rules.pair
    venues = sorted({r["venue"] for r in rows})
    with mpl.rc_context(RC):
        fig = Figure(figsize=(7.5, 6.5), layout="constrained")
        share_ax, count_ax = fig.subplots(2, 1, sharex=True)
        for index, venue in enumerate(venues):
            colour = OKABE_ITO[index % len(OKABE_ITO)]
            data = sorted((r for r in rows if r["venue"] == venue), key=lambda r: r["year"])
            years = [r["year"] for r in data]
            share_ax.fill_between(
                years,
                [100 * r["ci_low"] for r in data],
                [100 * r["ci_high"] for r in data],
                color=colour,
                alpha=0.2,
                linewidth=0,
            )
            share_ax.plot(years, [100 * r["share"] for r in data], color=colour, label=venue, marker="o")
            small = [r for r in data if r["papers_ab"] < rules.min_count]
            if small:
                share_ax.scatter(
                    [r["year"] for r in small],
                    [100 * r["share"] for r in small],
                    color=SMALL_GREY,
                    edgecolor=colour,
                    zorder=3,
                    label=f"{venue}: fewer than {rules.min_count} {a}–{b} papers",
                )
            for series, style, who in (("papers_a", "-", a), ("papers_b", "--", b)):
                count_ax.plot(
                    years,
                    [r[series] for r in data],
                    color=colour,
                    linestyle=style,
                    marker="o" if who == a else "s",
                    label=f"{venue}: papers with {who} authors",
                )
        share_ax.set_title(f"{a}–{b} co-authored papers, share of accepted papers (95% Wilson band)")
        share_ax.set_ylabel(f"{a}–{b} papers (% of papers)")
        share_ax.set_ylim(bottom=0)
        share_ax.legend(loc="upper left", fontsize=8)
        count_ax.set_title(f"Papers with at least one author in {a} and in {b}")
        count_ax.set_ylabel("papers")
        count_ax.set_xlabel("year")
        count_ax.set_ylim(bottom=0)
        count_ax.legend(loc="upper left", fontsize=8)
        years_all = sorted({r["year"] for r in rows})
        count_ax.set_xticks(years_all)
    parts = []
    for venue in venues:
        data = sorted((r for r in rows if r["venue"] == venue), key=lambda r: r["year"])
        first, last = data[0], data[-1]
        parts.append(
            f"{venue} from {_pct(first['share'])} in {first['year']} "
            f"to {_pct(last['share'])} in {last['year']}"
        )
    alt = (
        f"Two line charts. Top: the share of papers co-authored by {a} and {b} institutions by year, "
        f"with 95% interval bands: {'; '.join(parts)}. Bottom: the number of papers with {a} authors "
        f"and with {b} authors by year."
    )
    return Chart("trend", f"{a}–{b} share and papers by year", alt, fig)


def pairs_chart(countries: Sequence[str], pairs: Sequence[dict[str, Any]], rules: CountingRules) -> Chart:
    """Country × country heatmaps: co-authored papers (left) and Salton's cosine index (right).

    ``pairs`` are unordered (``country_1``, ``country_2``, ``papers``, ``salton``); the matrices
    are symmetric, the diagonal left blank.
    """
    index = {c: i for i, c in enumerate(countries)}
    n = len(countries)
    counts = np.zeros((n, n))
    cosine = np.zeros((n, n))
    for p in pairs:
        i, j = index.get(p["country_1"]), index.get(p["country_2"])
        if i is not None and j is not None:
            counts[i, j] = counts[j, i] = p["papers"]
            cosine[i, j] = cosine[j, i] = p["salton"]
    hidden = (counts < rules.min_count) | np.eye(n, dtype=bool)
    with mpl.rc_context(RC):
        fig = Figure(figsize=(13, 6.4), layout="constrained")
        axes = fig.subplots(1, 2)
        panels = (
            (axes[0], counts, "Co-authored papers (whole counting)", "papers", "{:.0f}"),
            (axes[1], cosine, "Salton's cosine: papers / √(papers₁ × papers₂)", "cosine index", "{:.2f}"),
        )
        cmap = mpl.colormaps["cividis"].with_extremes(bad=SMALL_GREY)
        for ax, values, title, label, fmt in panels:
            masked = np.ma.masked_where(hidden, values)
            image = ax.imshow(masked, cmap=cmap, aspect="equal")
            ax.set_xticks(range(n), countries, rotation=90, fontsize=7)
            ax.set_yticks(range(n), countries, fontsize=7)
            ax.set_title(title)
            ax.set_xlabel("country")
            ax.set_ylabel("country")
            ax.spines[:].set_visible(False)
            fig.colorbar(image, ax=ax, shrink=0.7, label=label)
            top = float(masked.max()) if masked.count() else 0.0
            for i, j in zip(*np.nonzero(~hidden), strict=True):
                shade = "black" if values[i, j] > 0.6 * top else "white"
                ax.text(j, i, fmt.format(values[i, j]), ha="center", va="center", fontsize=5, color=shade)
        fig.suptitle(
            f"Top {n} countries by papers: bilateral co-authorship "
            f"(grey, unlabelled: fewer than {rules.min_count} papers)"
        )
    strongest = max(pairs, key=lambda p: (p["papers"], p["country_1"]), default=None)
    closest = max(
        (p for p in pairs if p["papers"] >= rules.min_count),
        key=lambda p: (p["salton"], p["country_1"]),
        default=None,
    )
    alt = f"Two heatmaps over the top {n} countries by papers ({', '.join(countries)})."
    if strongest:
        alt += (
            f" By raw papers the largest pair is {strongest['country_1']}–{strongest['country_2']} "
            f"({strongest['papers']} papers)."
        )
    if closest:
        alt += (
            f" By Salton's cosine the strongest pair with at least {rules.min_count} papers is "
            f"{closest['country_1']}–{closest['country_2']} ({closest['salton']:.2f})."
        )
    return Chart("pairs", "Country pairs: papers and Salton's cosine", alt, fig)


def _short(name: str, width: int = 28) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def institutions_chart(rows: Sequence[dict[str, Any]], rules: CountingRules) -> Chart:
    """A network of the institution pairs behind A–B papers: nodes by country, edges by papers."""
    a, b = rules.pair
    graph = nx.Graph()
    for r in rows:
        left, right = (r["institution_a"], r["country_a"]), (r["institution_b"], r["country_b"])
        graph.add_node(left, country=r["country_a"])
        graph.add_node(right, country=r["country_b"])
        graph.add_edge(left, right, papers=r["papers"])
    with mpl.rc_context(RC):
        fig = Figure(figsize=(10, 8), layout="constrained")
        ax = fig.subplots()
        ax.set_axis_off()
        ax.set_title(f"Institution pairs behind {a}–{b} papers (top {len(rows)} pairs; edge width: papers)")
        if graph.number_of_nodes():
            layout = nx.spring_layout(graph, seed=7, k=1.6 / math.sqrt(graph.number_of_nodes()))
            strength = dict(graph.degree(weight="papers"))
            heaviest = max(r["papers"] for r in rows)
            biggest = max(strength.values())
            colours = {a: OKABE_ITO[0], b: OKABE_ITO[1]}
            nx.draw_networkx_edges(
                graph,
                layout,
                ax=ax,
                width=[0.6 + 5 * graph.edges[e]["papers"] / heaviest for e in graph.edges],
                edge_color=[
                    SMALL_GREY if graph.edges[e]["papers"] < rules.min_count else "#555555"
                    for e in graph.edges
                ],
            )
            for country, colour in colours.items():
                nodes = [node for node in graph.nodes if graph.nodes[node]["country"] == country]
                nx.draw_networkx_nodes(
                    graph,
                    layout,
                    nodelist=nodes,
                    ax=ax,
                    node_color=colour,
                    node_size=[60 + 500 * strength[node] / biggest for node in nodes],
                    label=f"institution in {country}",
                )
            nx.draw_networkx_labels(
                graph, layout, labels={node: _short(node[0]) for node in graph.nodes}, ax=ax, font_size=6
            )
            ax.legend(loc="lower left", fontsize=8, markerscale=0.5)
    top = rows[0] if rows else None
    alt = f"A network of {graph.number_of_nodes()} institutions joined by the {len(rows)} largest pairs "
    alt += f"of an institution in {a} and one in {b} on the same paper."
    if top:
        alt += (
            f" The largest pair is {top['institution_a']} – {top['institution_b']} ({top['papers']} papers)."
        )
    return Chart("institutions", f"Institution pairs behind {a}–{b} papers", alt, fig)


def share_heatmap(
    name: str,
    title: str,
    rows: Sequence[dict[str, Any]],
    key: str,
    label: str,
    rules: CountingRules,
) -> Chart:
    """A heatmap of ``share_using`` (%) with ``key`` down and author countries across.

    Cells with fewer than ``rules.min_count`` papers using are hatched and carry no number (a note
    under the axis says so); the colour scale beside the cells spans the cells that are shown.
    """
    items = list(dict.fromkeys(r[key] for r in rows))
    countries = list(dict.fromkeys(r["author_country"] for r in rows))
    share = np.zeros((len(items), len(countries)))
    using = np.zeros_like(share)
    for r in rows:
        i, j = items.index(r[key]), countries.index(r["author_country"])
        share[i, j], using[i, j] = 100 * r["share_using"], r["papers_using"]
    hidden = using < rules.min_count
    with mpl.rc_context(RC):
        fig = Figure(
            figsize=(1.6 + 0.75 * max(len(countries), 1), 1.8 + 0.42 * max(len(items), 1)),
            layout="constrained",
        )
        ax = fig.subplots()
        masked = np.ma.masked_where(hidden, share)
        image = ax.imshow(masked, cmap=mpl.colormaps["cividis"].with_extremes(bad="white"), aspect="auto")
        for i, j in zip(*np.nonzero(hidden), strict=True):
            ax.add_patch(
                Rectangle(
                    (j - 0.5, i - 0.5), 1, 1, fill=False, hatch="////", edgecolor=SMALL_GREY, linewidth=0
                )
            )
        ax.set_xticks(range(len(countries)), countries)
        ax.set_yticks(range(len(items)), items)
        ax.set_xlabel(
            f"author country\nhatched: fewer than {rules.min_count} papers using, share not shown",
            fontsize=8,
        )
        ax.set_ylabel(label)
        ax.set_title(title, fontsize=9)
        ax.spines[:].set_visible(False)
        fig.colorbar(image, ax=ax, shrink=0.8, label="% of the country's papers using")
        top = float(masked.max()) if masked.count() else 0.0
        for i, j in zip(*np.nonzero(~hidden), strict=True):
            shade = "black" if share[i, j] > 0.6 * top else "white"
            ax.text(j, i, f"{share[i, j]:.1f}", ha="center", va="center", fontsize=6, color=shade)
    best = max(rows, key=lambda r: (r["share_using"], r[key]), default=None)
    alt = (
        f"A heatmap of the share of each author country's papers that build on each {label} "
        f"({len(items)} rows: {', '.join(map(str, items))}; {len(countries)} author countries: "
        f"{', '.join(countries)}); {int(hidden.sum())} of {hidden.size} cells have fewer than "
        f"{rules.min_count} papers using and are hatched without a number."
    )
    if best:
        alt += (
            f" The highest is {best[key]} in {best['author_country']} papers "
            f"({_pct(best['share_using'])}, {best['papers_using']:.0f} papers)."
        )
    return Chart(name, title, alt, fig)
