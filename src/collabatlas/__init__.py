"""collabatlas: how AI research crosses borders — co-authorship between countries, and the models
each side builds on.

The Python API mirrors the CLI::

    import collabatlas as ca

    with ca.Store("collabatlas.duckdb") as store:
        ca.ingest(store, ["nips2018.json"])
        table = ca.collaboration(store, ca.CountingRules.parse("US,CN"))
        print(table.to_pandas())
"""

from collabatlas.analyze import CountingRules, collaboration, top_pairs, wilson_interval
from collabatlas.errors import CollabAtlasError, FetchError, InputError, StoreError, UsageError
from collabatlas.pipeline import IngestReport, ingest, resolve
from collabatlas.report import authorships, export_authorships
from collabatlas.resolve import Resolution, load_registry, resolve_batch, resolve_one
from collabatlas.store import Store

__version__ = "0.1.0"

__all__ = [
    "CollabAtlasError",
    "CountingRules",
    "FetchError",
    "IngestReport",
    "InputError",
    "Resolution",
    "Store",
    "StoreError",
    "UsageError",
    "authorships",
    "collaboration",
    "export_authorships",
    "ingest",
    "load_registry",
    "resolve",
    "resolve_batch",
    "resolve_one",
    "top_pairs",
    "wilson_interval",
]
