"""Resolve: affiliation strings → institution and country, with confidence and provenance."""

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
    "Institution",
    "Registry",
    "Resolution",
    "Site",
    "load_registry",
    "resolve_batch",
    "resolve_one",
]
