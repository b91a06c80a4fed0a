"""Propose catalog families from Epoch AI's model list, for review before they enter the catalog.

    python bench/catalog_build.py [--since 2023-01-01] [--all] [--out proposals.json]
    python bench/catalog_build.py --annotate      (rewrite each entry's epoch_models)

Groups Epoch models by family stem (the name up to its first version number, size or variant
word: "Grok-2", "Grok 4.1 Fast" -> "Grok"), and proposes per stem: the Epoch names it comes from,
developer organisations and country (Epoch's ``Organization`` and ``Country (of organization)``,
first listed), the first release date, a kind from Epoch's ``Domain``, and whether the shipped
catalog already maps the names (``covered_by``). By default only stems with an uncovered model
are printed (``--all`` prints every stem). Nothing here is written into the catalog: entries are
reviewed and edited by hand (aliases, lab country, ambiguous names) in
``src/collabatlas/technology/data/catalog.json``. ``--annotate`` then records, per entry, the Epoch
names (all years) the detector maps to it, as ``epoch_models``: the citation of where it came from.

Source: Epoch AI, 'Data on AI Models' (CC BY 4.0), https://epoch.ai/data/ai-models.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from catalog_coverage import NOTABLE

from collabatlas.analyze.rules import country_code
from collabatlas.errors import UsageError
from collabatlas.technology.catalog import default_catalog_path, load_catalog
from collabatlas.technology.detect import detect_mentions

_STEM = re.compile(r"^(.+?)(?=[\s_-]*(?:v?\d|\(|$|[\s-](?:Large|Pro|Turbo|Ultra|Max|Mini|Base|Small)\b))")
_KINDS = (
    ("Robotics", "robotics model"),
    ("Biology", "science model"),
    ("Earth science", "science model"),
    ("Materials science", "science model"),
    ("Medicine", "science model"),
    ("Audio", "audio model"),
    ("Speech", "audio model"),
    ("Multimodal", "multimodal model"),
    ("Video", "vision model"),
    ("Image generation", "vision model"),
    ("Vision", "vision model"),
    ("Language", "language model"),
)


def stem(name: str) -> str:
    """The family stem of an Epoch model name."""
    match = _STEM.match(name.strip())
    return (match.group(1) if match else name).strip(" -_.")


def kind(domain: str) -> str:
    """A catalog kind from Epoch's comma-separated ``Domain`` (first rule that matches)."""
    parts = {d.strip() for d in domain.split(",")}
    for epoch_domain, catalog_kind in _KINDS:
        if epoch_domain in parts:
            return catalog_kind
    return "language model" if not parts - {""} else "other"


def _country(value: str) -> str:
    first = value.split(",")[0].strip()
    try:
        return country_code(first) if first else ""
    except UsageError:
        return first


def propose(path: Path, since: str) -> list[dict[str, Any]]:
    """One proposal per family stem of the models published on/after ``since``."""
    catalog = load_catalog()
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row.get("Publication date") or "") >= since:
                groups[stem(row["Model"])].append(row)
    proposals = []
    for family, rows in sorted(groups.items(), key=lambda item: item[0].lower()):
        rows.sort(key=lambda r: r["Publication date"])
        covered = {m.model_id for r in rows for m in detect_mentions(r["Model"], catalog)[:1]}
        first = rows[0]
        proposals.append(
            {
                "stem": family,
                "epoch_models": [r["Model"] for r in rows],
                "developers": list(dict.fromkeys(o.strip() for o in first["Organization"].split(","))),
                "developer_country": _country(first["Country (of organization)"]),
                "first_release": first["Publication date"],
                "kind": kind(first["Domain"]),
                "base_models": sorted({r["Base model"] for r in rows if r.get("Base model")}),
                "covered_by": sorted(covered),
                "uncovered": [r["Model"] for r in rows if not detect_mentions(r["Model"], catalog)],
            }
        )
    return proposals


def annotate(path: Path = NOTABLE, catalog_path: Path | None = None) -> int:
    """Set ``epoch_models`` of every catalog entry to the Epoch names mapped to it; returns how many."""
    target = catalog_path or default_catalog_path()
    catalog = load_catalog(target)
    names: dict[str, list[str]] = defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for row in sorted(csv.DictReader(handle), key=lambda r: r["Publication date"]):
            found = detect_mentions(row["Model"].strip(), catalog)
            if found:
                names[found[0].model_id].append(" ".join(row["Model"].split()))
    raw = json.loads(target.read_text("utf-8"))
    for entry in raw["models"]:
        entry.pop("epoch_models", None)
        if names.get(entry["id"]):
            entry["epoch_models"] = list(dict.fromkeys(names[entry["id"]]))
    target.write_text(json.dumps(raw, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return sum(len(v) for v in names.values())


def main() -> None:
    """Write the proposals as JSON (stdout by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="2023-01-01")
    parser.add_argument("--all", action="store_true", help="also stems the catalog already covers")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--annotate", action="store_true", help="write epoch_models into the catalog")
    args = parser.parse_args()
    if args.annotate:
        print(f"{annotate()} Epoch models cited in {default_catalog_path()}", file=sys.stderr)
        return
    proposals = [p for p in propose(NOTABLE, args.since) if args.all or p["uncovered"]]
    text = json.dumps(proposals, indent=1, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"{len(proposals)} proposals written to {args.out}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
