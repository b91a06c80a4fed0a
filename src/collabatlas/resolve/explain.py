"""Why the resolver decided what it did, for one affiliation: parts, clues, candidates, decision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from collabatlas.resolve.clues import find_clues
from collabatlas.resolve.registry import Registry
from collabatlas.resolve.resolver import Resolution, decide


@dataclass(frozen=True, slots=True)
class Explanation:
    """The resolution of one affiliation with the clues behind it, as plain values."""

    raw: str
    domain: str
    parts: tuple[tuple[str, str], ...]  # (part, role)
    places: tuple[str, ...]  # 'Atlanta (city: US)'
    names: tuple[str, ...]  # 'Georgia Institute of Technology (name, 100): US'
    domain_says: str
    context: tuple[str, ...]
    resolution: Resolution

    def lines(self) -> list[str]:
        """The explanation as text lines, as ``collabatlas explain`` prints it."""
        r = self.resolution
        out = [f"affiliation: {self.raw!r}" + (f"  domain: {self.domain}" if self.domain else "")]
        out.append("parts:")
        out += [f"  [{role}] {part}" for part, role in self.parts] or ["  (none)"]
        out.append("places: " + ("; ".join(self.places) or "none"))
        out.append("names: " + ("; ".join(self.names) or "none"))
        out.append("domain: " + (self.domain_says or "none"))
        if self.context:
            out.append("co-author domains: " + ", ".join(self.context))
        out.append("candidates:")
        out += [
            f"  {c.score:>5.2f}  {c.institution} ({c.country}) [{c.institution_id}] via {c.via}"
            for c in r.candidates
        ] or ["  (none)"]
        decided = f"{r.institution or '-'} / {r.country or 'unresolved'}"
        out.append(f"decision: {decided}  confidence {r.confidence:.2f}")
        if r.ror_id:
            out.append(f"ror: {r.ror_id}")
        out.append(f"rule: {r.method}" + (f" (source: {r.source})" if r.source else ""))
        out.append(f"reason: {r.reason}")
        return out


def explain(raw: str, domain: str, registry: Registry, context: Iterable[str] = ()) -> Explanation:
    """Resolve one affiliation and keep the clues that decided it."""
    clues = find_clues(raw, domain, registry, context)
    resolution = decide(clues, registry)
    insts = registry.institutions
    names = tuple(
        f"{h.text!r} ({h.via}{'' if h.score == 100 else f', {h.score:g}'}): "
        + ", ".join(sorted({f"{insts[i].name} {insts[i].country}" for i in h.institutions})[:4])
        for h in clues.names
    )
    places = tuple(f"{h.text} ({h.kind}: {'/'.join(h.countries[:3])})" for h in clues.places)
    domain_says = ""
    if clues.domain:
        owners = sorted({f"{insts[i].name} ({insts[i].country})" for i in clues.domain_institutions})
        domain_says = clues.domain + (f" → {', '.join(owners)}" if owners else "")
        domain_says += f"; suffix country {clues.tld_country}" if clues.tld_country else ""
    return Explanation(
        raw,
        clues.domain,
        tuple(zip(clues.parts, clues.roles, strict=True)),
        places,
        names,
        domain_says,
        clues.context_domains,
        resolution,
    )
