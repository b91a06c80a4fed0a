"""Search over the registry's institutions, for a reviewer typing a name."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from collabatlas.resolve.registry import Institution, Registry


@dataclass(frozen=True)
class RegistryIndex:
    """Institution names of a registry, ready for fuzzy search."""

    institutions: list[Institution]
    names: list[str]

    @classmethod
    def build(cls, registry: Registry) -> RegistryIndex:
        """Index every institution of ``registry`` by its name."""
        return cls(registry.institutions, [i.name for i in registry.institutions])

    def search(self, query: str, limit: int = 10) -> list[Institution]:
        """The institutions whose names best match ``query`` (empty for a blank query)."""
        text = " ".join(query.split())
        if len(text) < 2:
            return []
        hits = process.extract(
            text,
            self.names,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=limit * 3,
            score_cutoff=70,
        )
        seen: set[tuple[str, str]] = set()
        found = []
        for _, _, index in hits:
            inst = self.institutions[index]
            if (inst.name, inst.country) not in seen:
                seen.add((inst.name, inst.country))
                found.append(inst)
        return found[:limit]

    def exact(self, name: str) -> Institution | None:
        """The institution with exactly this name (first one), if any."""
        folded = " ".join(name.split()).casefold()
        return next((i for i in self.institutions if i.name.casefold() == folded), None)
