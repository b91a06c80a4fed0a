"""Report: exports and publishable outputs built from analysis results."""

from collabatlas.report.authorships import AUTHORSHIP_COLUMNS, authorships, export_authorships

__all__ = ["AUTHORSHIP_COLUMNS", "authorships", "export_authorships"]
