"""Typed loader for the packaged catalog of AI model families.

Each model is matched by its literal ``aliases`` and regex ``patterns``, framed
by word boundaries and an optional version tail (``Llama-2-7B``, ``DINOv2``,
``Qwen2.5-32B-Instruct``). Ambiguous ``acronyms`` (``SAM``, ``GLM``, ``OPT``)
are compiled separately and resolved per text by the detector.

A family may name the family it ``derived_from`` (Sentence-BERT from BERT, Swin Transformer from
ViT). It is always its own family with its own origin; with ``counts_as_base`` the detector also
records each of its mentions as a use of the base. The rule: ``counts_as_base`` is true when the
derived model is the base's released weights trained further (fine-tuned, instruction-tuned,
adapted: Vicuna and Alpaca from LLaMA, Sentence-BERT from BERT, Stable Video Diffusion from
Stable Diffusion 2.1), so a paper that uses it runs the base's network; false when it is a new
network that borrows the base's design or name (Swin Transformer, EVA-CLIP, DiT, CodeT5).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

KINDS = frozenset(
    {
        "language model",
        "vision model",
        "multimodal model",
        "audio model",
        "science model",
        "robotics model",
        "architecture",
        "training method",
    }
)
_ISO2 = re.compile(r"^[A-Z]{2}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

_LEFT = r"(?<![A-Za-z0-9])"
_RIGHT = r"(?![A-Za-z0-9])"
# Optional version tail: "2", "v2", "3.1", "4o", a glued size ("BERTbase", "BERTLARGE", and
# "BERTbased" where a hyphen was lost), then hyphenated parts ("-7B-Instruct").
_TAIL = (
    r"(?:[- ]?v?\d+(?:\.\d+)*[a-z]?)?(?:_?(?:base|based|large|small|tiny|BASE|LARGE|Base|Large))?"
    r"(?:-[A-Za-z0-9.]*[A-Za-z0-9])*"
)


@dataclass(frozen=True)
class CatalogModel:
    """One reviewed catalog entry."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    patterns: tuple[str, ...]
    case_sensitive: bool
    developers: tuple[str, ...]
    developer_country: str
    lab_country: str
    first_release_year: int
    notes: str
    acronyms: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    acronym_default: bool = False
    exclude: tuple[str, ...] = ()
    llm: bool = False
    derived_from: str | None = None
    counts_as_base: bool = False
    epoch_models: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompiledModel:
    """A model with its matchers compiled once."""

    model: CatalogModel
    matcher: re.Pattern[str] | None
    context: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Catalog:
    """The loaded catalog plus compiled matchers."""

    version: str
    models: tuple[CatalogModel, ...]
    compiled: tuple[CompiledModel, ...]
    acronyms: dict[str, re.Pattern[str]]
    combined: re.Pattern[str]
    bases: dict[str, str]  # derived family id -> base id, where the derived name counts as the base

    def get(self, model_id: str) -> CatalogModel:
        """Return the model with ``model_id`` (KeyError if unknown)."""
        for model in self.models:
            if model.id == model_id:
                return model
        raise KeyError(model_id)


def default_catalog_path() -> Path:
    """Path of the packaged ``catalog.json``."""
    return Path(str(resources.files("collabatlas.technology").joinpath("data/catalog.json")))


def load_catalog(path: Path | None = None) -> Catalog:
    """Load, validate and compile the catalog (the packaged one by default)."""
    if path is None:
        text = resources.files("collabatlas.technology").joinpath("data/catalog.json").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return build_catalog(json.loads(text))


def build_catalog(raw: Any) -> Catalog:
    """Validate a decoded catalog document and compile its matchers."""
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), str):
        raise ValueError("catalog must be an object with a string 'version'")
    entries = raw.get("models")
    if not isinstance(entries, list) or not entries:
        raise ValueError("catalog 'models' must be a non-empty list")
    models = tuple(_parse_model(entry, index) for index, entry in enumerate(entries))
    seen: set[str] = set()
    for model in models:
        if model.id in seen:
            raise ValueError(f"catalog entry {model.id!r}: duplicate id")
        seen.add(model.id)
    for model in models:
        if model.derived_from is not None and model.derived_from not in seen:
            base = model.derived_from
            raise ValueError(f"catalog entry {model.id!r}: derived_from {base!r} is not in the catalog")
        if model.counts_as_base and model.derived_from is None:
            raise ValueError(f"catalog entry {model.id!r}: counts_as_base needs derived_from")
    compiled = tuple(_compile(model) for model in models)
    bases = {m.id: m.derived_from for m in models if m.counts_as_base and m.derived_from}
    return Catalog(raw["version"], models, compiled, _compile_acronyms(models), _combine(models), bases)


def _parse_model(entry: Any, index: int) -> CatalogModel:
    label = entry.get("id", f"#{index}") if isinstance(entry, dict) else f"#{index}"
    try:
        model = CatalogModel(
            id=_str(entry, "id"),
            name=_str(entry, "name"),
            kind=_str(entry, "kind"),
            aliases=_strs(entry, "aliases"),
            patterns=_strs(entry, "patterns"),
            case_sensitive=_bool(entry, "case_sensitive"),
            developers=_strs(entry, "developers"),
            developer_country=_str(entry, "developer_country"),
            lab_country=_str(entry, "lab_country"),
            first_release_year=_int(entry, "first_release_year"),
            notes=_str(entry, "notes"),
            acronyms=_strs(entry, "acronyms", required=False),
            context=_strs(entry, "context", required=False),
            acronym_default=_bool(entry, "acronym_default", required=False),
            exclude=_strs(entry, "exclude", required=False),
            llm=_bool(entry, "llm", required=False),
            derived_from=_optional_str(entry, "derived_from"),
            counts_as_base=_bool(entry, "counts_as_base", required=False),
            epoch_models=_strs(entry, "epoch_models", required=False),
        )
        _check(model)
    except (ValueError, TypeError, AttributeError, re.error) as exc:
        raise ValueError(f"catalog entry {label!r}: {exc}") from exc
    return model


def _check(model: CatalogModel) -> None:
    if not _SLUG.match(model.id):
        raise ValueError("id must be a lower-case slug")
    if model.kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}")
    if not (model.aliases or model.patterns or model.acronyms):
        raise ValueError("needs at least one alias, pattern or acronym")
    for field in ("developer_country", "lab_country"):
        if not _ISO2.match(getattr(model, field)):
            raise ValueError(f"{field} must be an ISO 3166 alpha-2 code")
    if not 1950 <= model.first_release_year <= 2100:
        raise ValueError("first_release_year out of range")
    for pattern in model.patterns + model.context + model.exclude:
        re.compile(pattern)


def _str(entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key!r} must be a non-empty string")
    return value


def _optional_str(entry: dict[str, Any], key: str) -> str | None:
    return None if entry.get(key) is None else _str(entry, key)


def _strs(entry: dict[str, Any], key: str, required: bool = True) -> tuple[str, ...]:
    value = entry.get(key, None if required else [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ValueError(f"{key!r} must be a list of non-empty strings")
    return tuple(value)


def _bool(entry: dict[str, Any], key: str, required: bool = True) -> bool:
    value = entry.get(key, None if required else False)
    if not isinstance(value, bool):
        raise ValueError(f"{key!r} must be a boolean")
    return value


def _int(entry: dict[str, Any], key: str) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{key!r} must be an integer")
    return value


def _core(model: CatalogModel) -> str:
    names = sorted(model.aliases, key=len, reverse=True)
    escaped = [re.escape(alias) + "s?" for alias in names]
    return "|".join(escaped + [f"(?:{p})" for p in model.patterns])


def _combine(models: tuple[CatalogModel, ...]) -> re.Pattern[str]:
    """One scan for all models: group ``m<i>`` is the core name of ``models[i]``.

    The version tail is only looked ahead, so a scan resumes right after the
    core name and still finds ``UNet`` in ``Mamba-UNet``.
    """
    groups = [
        f"(?P<m{i}>(?{'-' if m.case_sensitive else ''}i:{_core(m)}))"
        for i, m in enumerate(models)
        if m.aliases or m.patterns
    ]
    return re.compile(f"{_LEFT}(?:{'|'.join(groups)})(?={_TAIL}{_RIGHT})")


TAIL = re.compile(f"{_TAIL}{_RIGHT}")


def _compile(model: CatalogModel) -> CompiledModel:
    flags = 0 if model.case_sensitive else re.IGNORECASE
    core = _core(model)
    matcher = re.compile(f"{_LEFT}(?P<core>{core}){_TAIL}{_RIGHT}", flags) if core else None
    return CompiledModel(
        model=model,
        matcher=matcher,
        context=tuple(re.compile(p) for p in model.context),
        exclude=tuple(re.compile(p, flags) for p in model.exclude),
    )


def _compile_acronyms(models: tuple[CatalogModel, ...]) -> dict[str, re.Pattern[str]]:
    """Map each shared acronym to its case-exact matcher."""
    acronyms = {acronym for model in models for acronym in model.acronyms}
    return {
        acronym: re.compile(f"{_LEFT}(?P<core>{re.escape(acronym)})(?:-[A-Za-z0-9]+)*{_RIGHT}")
        for acronym in sorted(acronyms)
    }
