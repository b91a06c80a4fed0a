"""Resolve: affiliation strings → institution and country, with confidence and provenance."""

from collabatlas.resolve.explain import Explanation, explain
from collabatlas.resolve.registry import Institution, Registry, Site, load_registry
from collabatlas.resolve.resolver import (
    RESOLVER_VERSION,
    Candidate,
    Resolution,
    resolve_batch,
    resolve_one,
)

__all__ = [
    "RESOLVER_VERSION",
    "Candidate",
    "Explanation",
    "Institution",
    "Registry",
    "Resolution",
    "Site",
    "explain",
    "load_registry",
    "resolve_batch",
    "resolve_one",
]
