"""Review: human corrections that win over the resolver, their file mirror, the queue, audits, the web app."""

from collabatlas.review.audit import audit_result, judge, start_audit
from collabatlas.review.corrections import correct_affiliation, override_paper
from collabatlas.review.corrections_file import default_corrections_path, write_corrections
from collabatlas.review.importer import ImportReport, import_corrections
from collabatlas.review.queue import QueueItem, review_queue
from collabatlas.review.summary import review_summary

__all__ = [
    "ImportReport",
    "QueueItem",
    "audit_result",
    "correct_affiliation",
    "default_corrections_path",
    "import_corrections",
    "judge",
    "override_paper",
    "review_queue",
    "review_summary",
    "start_audit",
    "write_corrections",
]
