"""Report: exports and publishable outputs built from analysis results."""

from collabatlas.report.authorships import AUTHORSHIP_COLUMNS, authorships, export_authorships
from collabatlas.report.outputs import sidecar_path, write_csv, write_json
from collabatlas.report.pairs import export_pairs

__all__ = [
    "AUTHORSHIP_COLUMNS",
    "authorships",
    "export_authorships",
    "export_pairs",
    "sidecar_path",
    "write_csv",
    "write_json",
]
