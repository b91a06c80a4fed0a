"""Technology flow: catalog of AI model families, mention detection, and detection over the store."""

from collabatlas.technology.apply import DetectionReport, detect_pending
from collabatlas.technology.catalog import Catalog, CatalogModel, load_catalog
from collabatlas.technology.detect import Mention, detect_batch, detect_mentions

__all__ = [
    "Catalog",
    "CatalogModel",
    "DetectionReport",
    "Mention",
    "detect_batch",
    "detect_mentions",
    "detect_pending",
    "load_catalog",
]
