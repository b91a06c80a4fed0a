"""The publishable HTML report: one offline page with figures, tables, evidence and methods."""

from collabatlas.report.html.data import ReportData, report_data
from collabatlas.report.html.page import ReportFiles, build_report, write_report

__all__ = ["ReportData", "ReportFiles", "build_report", "report_data", "write_report"]
