"""The report's researcher-mobility section: an origin → destination alluvial chart drawn offline
with matplotlib, the flow table, and MacroPolo's published NeurIPS figures beside ours for the
same measures, with the differences in method stated. Shown only when the store holds profiles."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from collabatlas.analyze import CountingRules
from collabatlas.analyze.mobility import MobilityRules, mobility
from collabatlas.report.html.figures import OKABE_ITO, RC, SMALL_GREY, Chart
from collabatlas.store import Store

TOP = 6
MACROPOLO_URL = "https://macropolo.org/interactive/digital-projects/the-global-ai-talent-tracker/"
METHOD_DIFFERENCES = (
    "Source: collabatlas reads the education and positions people entered in their own OpenReview "
    "profiles; MacroPolo coded the authors' CVs by hand. Profiles can be "
    "incomplete or out of date, and authors without a profile or without the degree are left out "
    "of the origin shares (counted beside them).",
    "Sample: collabatlas counts every accepted paper of the selection, each person once; MacroPolo "
    "sampled authors (675 in 2019; 186 random accepted papers, 867 authors, in 2022).",
    "Workplaces: by default collabatlas places a company lab where the affiliation says it is "
    "(site: Microsoft Research Asia in China); MacroPolo placed it at the organisation's "
    "headquarters (Microsoft Research Asia in the US). Both are shown.",
    "Destination: collabatlas takes the profile entry covering the paper's year; MacroPolo recorded "
    "where authors worked when it coded them.",
    "China: collabatlas folds Hong Kong and Macau into China under the report's China scope.",
)


@dataclass(frozen=True)
class MobilitySection:
    """The mobility figures of the report's selection, site and headquarters, and MacroPolo's."""

    site: dict[str, Any]
    headquarters: dict[str, Any]
    comparison: list[dict[str, Any]]
    differences: tuple[str, ...] = METHOD_DIFFERENCES
    source_url: str = MACROPOLO_URL


def published() -> list[dict[str, Any]]:
    """MacroPolo's published figures (``report/data/macropolo_talent.csv``)."""
    text = resources.files("collabatlas.report").joinpath("data", "macropolo_talent.csv").read_text("utf-8")
    return [
        {**row, "year": int(row["year"]), "value": float(row["value"])}
        for row in csv.DictReader(io.StringIO(text))
    ]


def _share(rows: Sequence[dict[str, Any]], country: str) -> tuple[float | None, int, int]:
    """(share, count, of) of ``country`` in a list of {country, authors} rows."""
    total = sum(r["authors"] for r in rows)
    count = sum(r["authors"] for r in rows if r["country"] == country)
    return (count / total if total else None), count, total


def _graduate(result: dict[str, Any], country: str) -> tuple[float | None, int, int]:
    """Of the authors from China with a graduate entry, the share whose graduate school was in ``country``."""
    rows = [r for r in result["graduate_school"] if r["origin"] == "CN" and r["graduate"]]
    total = sum(r["authors"] for r in rows)
    count = sum(r["authors"] for r in rows if r["graduate"] == country)
    return (count / total if total else None), count, total


def _ours(measure: str, site: dict[str, Any], headquarters: dict[str, Any]) -> tuple[float | None, int, int]:
    if measure == "undergrad_cn":
        return _share(site["origins"], "CN")
    if measure == "undergrad_us":
        return _share(site["origins"], "US")
    if measure == "work_us":
        return _share(headquarters["destinations"], "US")
    return _graduate(site, "CN" if measure == "cn_graduate_cn" else "US")


def mobility_section(store: Store, rules: CountingRules) -> MobilitySection | None:
    """The section's figures for the report's selection, or None when the store has no histories."""
    if not store.rows("SELECT count(*) FROM person_history")[0][0]:
        return None
    base = MobilityRules(
        venues=rules.venues,
        years=rules.years,
        pair=rules.pair,
        china_scope=rules.china_scope,
        accepted_only=rules.accepted_only,
    )
    site = mobility(store, base)
    headquarters = mobility(store, dataclasses.replace(base, companies="headquarters"))
    comparison = []
    for row in published():
        share, count, of = _ours(row["measure"], site, headquarters)
        comparison.append({**row, "ours": share, "ours_count": count, "ours_of": of})
    return MobilitySection(site, headquarters, comparison)


def _grouped(rows: Sequence[dict[str, Any]]) -> Counter[tuple[str, str]]:
    """Flows with origins and destinations beyond the top ``TOP`` as 'other', none as 'unknown'."""
    origins: Counter[str] = Counter()
    destinations: Counter[str] = Counter()
    for r in rows:
        origins[r["origin"]] += r["authors"]
        destinations[r["destination"] or "unknown"] += r["authors"]
    keep_o = {c for c, _ in origins.most_common(TOP)}
    keep_d = {c for c, _ in destinations.most_common(TOP)} - {"unknown"}
    grouped: Counter[tuple[str, str]] = Counter()
    for r in rows:
        destination = r["destination"] or "unknown"
        grouped[
            (
                r["origin"] if r["origin"] in keep_o else "other",
                destination if destination in keep_d or destination == "unknown" else "other",
            )
        ] += r["authors"]
    return grouped


def _order(totals: Counter[str]) -> list[str]:
    last = {"other": 1, "unknown": 2}
    return sorted(totals, key=lambda c: (last.get(c, 0), -totals[c], c))


def flow_chart(result: dict[str, Any]) -> Chart:
    """An alluvial chart: origins (left) to destinations at the paper's date (right), band width
    = authors; colours by origin (Okabe–Ito), 'other' and 'unknown' grey."""
    flows = _grouped(result["rows"])
    left: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for (o, d), n in flows.items():
        left[o] += n
        right[d] += n
    total = sum(flows.values()) or 1
    gap = 0.02 * total
    stage = result["conventions"]["stage"]
    with mpl.rc_context(RC):
        fig = Figure(figsize=(7.0, 4.8), layout="constrained")
        ax = fig.add_subplot()
        colours = {
            c: OKABE_ITO[i % len(OKABE_ITO)] for i, c in enumerate(c for c in _order(left) if c != "other")
        }
        tops: dict[tuple[str, str], float] = {}
        bottom = 0.0
        for side, totals, x in (("L", left, 0.0), ("R", right, 1.0)):
            y = 0.0
            for country in _order(totals):
                height = totals[country]
                ax.add_patch(Rectangle((x - 0.03, y), 0.06, height, color="#444444"))
                label = f"{country} ({height:,})"
                ax.text(x - 0.05 if side == "L" else x + 0.05, y + height / 2, label, va="center",
                        ha="right" if side == "L" else "left")  # fmt: skip
                tops[(side, country)] = y
                y += height + gap
            bottom = max(bottom, y - gap)
        t = np.linspace(0, 1, 60)
        ease = 3 * t**2 - 2 * t**3
        for o in _order(left):
            for d in _order(right):
                n = flows.get((o, d), 0)
                if not n:
                    continue
                y0, y1 = tops[("L", o)], tops[("R", d)]
                tops[("L", o)] += n
                tops[("R", d)] += n
                lower = y0 + (y1 - y0) * ease
                ax.fill_between(0.03 + 0.94 * t, lower, lower + n, color=colours.get(o, SMALL_GREY),
                                alpha=0.55, linewidth=0)  # fmt: skip
        ax.set_xlim(-0.35, 1.35)
        ax.set_ylim(bottom + gap, -gap)
        ax.axis("off")
        ax.set_title(
            f"Where authors took their {stage} degree (left) and where they were at the paper's date (right)"
        )
    biggest = max(flows.items(), key=lambda item: item[1]) if flows else None
    alt = (
        f"An alluvial chart of {sum(flows.values()):,} authors with a known origin, from the country of "
        f"their {stage} degree to the country of their affiliation at the paper's date"
        + (
            f"; the largest flow is {biggest[0][0]} to {biggest[0][1]} ({biggest[1]:,} authors)."
            if biggest
            else "."
        )
    )
    return Chart("mobility", "Researcher mobility: origin → destination", alt + ".", fig)
