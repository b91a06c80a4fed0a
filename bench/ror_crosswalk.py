"""Propose ROR ids for the curated institutions, offline, from a ROR data dump (a one-off tool).

    python bench/ror_crosswalk.py ../shared/data/registries/ror-v2-partial.zip > /tmp/proposed.csv

Each curated institution (``resolve/data/institutions.csv``) is matched against the dump's active
records by e-mail domain (a curated domain equal to a ROR domain, or one a subdomain of the other)
and by name (a curated name or alias whose name key equals a ROR name, alias or label), in the
same country. A proposal is made only when exactly one ROR record matches (or, of several, one
has the curated display name); several matches, or a
match in another country, are printed to stderr for review and not proposed. The proposals are
then read by a person before they go into ``resolve/data/ror_crosswalk.csv`` (the crosswalk
ships; the dump does not); the proposals rejected in review are listed in ``REJECTED`` below, so
that a re-run on a newer dump reproduces the reviewed file. Paper Copilot's labels play no part.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

from collabatlas.resolve.registries import read_ror
from collabatlas.resolve.registry import curated_institutions
from collabatlas.resolve.text import name_key

# Proposals read and rejected in review (curated id → why): a record of another organisation
# that shares the domain or an alias (a parent, a unit, a press, a namesake).
REJECTED = {
    "amsterdam-umc": "the domain's record is an institute of Amsterdam UMC, not the medical centre",
    "arl": "the United States Department of the Army is the laboratory's parent",
    "bochum": "a centre of the university",
    "cas-itp": "the Kavli institute is hosted by the institute, not the institute itself",
    "cincinnati": "a research centre of the university",
    "cnam": "a laboratory of the Cnam",
    "cnrs": "a unit of the CNRS",
    "dauphine": "a research centre of the university",
    "idsia": "IDSIA's host university (SUPSI), not IDSIA",
    "potsdam": "the university's press",
    "um-my": "a centre of the university",
    "unc-ar": "a centre of the university",
    "vnu": "one member university of Vietnam National University",
    "shinshu": "a namesake alias of another university",
    "saic-us": "Leidos is the former SAIC; today's SAIC is another company",
    "petermac": "a centre the hospital hosts",
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("dump", type=Path, help="a ROR v2 data dump (zip or JSON)")
    args = parser.parse_args()
    _, ror = read_ror(args.dump.read_bytes(), str(args.dump))
    by_domain: dict[str, set[int]] = defaultdict(set)
    by_name: dict[str, set[int]] = defaultdict(set)
    for i, record in enumerate(ror):
        for domain in record.domains:
            by_domain[domain.lower()].add(i)
        for name in (record.name, *record.aliases):
            key = name_key(name)
            if len(key.split()) >= 2 or len(key) >= 6:  # not a bare short word
                by_name[key].add(i)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["id", "ror_id", "ror_name", "matched_by"])
    proposed = 0
    for inst in curated_institutions():
        # Equal domains only: a parent's domain ('harvard.edu' for a hospital at bidmc.harvard.edu)
        # names another organisation, and ROR has records whose domain is a suffix ('edu.cn').
        domain_hits = {i for d in inst.domains for i in by_domain.get(d.lower(), ())}
        name_hits = {i for n in (inst.name, *inst.aliases) for i in by_name.get(name_key(n), ())}
        here = {i for i in domain_hits | name_hits if ror[i].country == inst.country}
        both = domain_hits & name_hits & here
        for hits, how in ((both, "domain+name"), (domain_hits & here, "domain"), (name_hits & here, "name")):
            if len(hits) == 1 and inst.id in REJECTED:
                print(f"rejected {inst.id}: {REJECTED[inst.id]}", file=sys.stderr)
                break
            if len(hits) == 1:
                i = next(iter(hits))
                writer.writerow([inst.id, ror[i].id.removeprefix("https://ror.org/"), ror[i].name, how])
                proposed += 1
                break
            display = {i for i in hits if name_key(ror[i].name) == name_key(inst.name)}
            if len(hits) > 1 and len(display) == 1 and inst.id not in REJECTED:
                i = next(iter(display))  # 'Caltech' beside JPL, which shares its domain
                writer.writerow(
                    [
                        inst.id,
                        ror[i].id.removeprefix("https://ror.org/"),
                        ror[i].name,
                        how + ", same display name",
                    ]
                )
                proposed += 1
                break
            if len(hits) > 1:
                listed = "; ".join(f"{ror[i].name} {ror[i].id}" for i in sorted(hits))
                print(
                    f"review {inst.id} ({inst.name}, {inst.country}): {how} matches {listed}", file=sys.stderr
                )
                break
        else:
            elsewhere = (domain_hits | name_hits) - here
            for i in sorted(elsewhere):
                print(
                    f"review {inst.id} ({inst.name}, {inst.country}): {ror[i].name} {ror[i].id} "
                    f"is in {ror[i].country}",
                    file=sys.stderr,
                )
    print(f"{proposed} proposals", file=sys.stderr)


if __name__ == "__main__":
    main()
