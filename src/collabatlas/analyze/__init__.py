"""Analyze: collaboration shares, country pairs and their intervals, under explicit counting rules."""

from collabatlas.analyze.collaboration import collaboration, top_pairs
from collabatlas.analyze.conventions import conventions, conventions_footer
from collabatlas.analyze.counted import counted_once, counted_papers, counted_pipeline, paper_credits
from collabatlas.analyze.evidence import papers_behind
from collabatlas.analyze.official import compare_official_totals, official_totals
from collabatlas.analyze.pairs import pair_matrix
from collabatlas.analyze.rules import UNASSIGNED, CountingRules
from collabatlas.analyze.stats import wilson_interval
from collabatlas.analyze.totals import country_totals

__all__ = [
    "UNASSIGNED",
    "CountingRules",
    "collaboration",
    "compare_official_totals",
    "conventions",
    "conventions_footer",
    "counted_once",
    "counted_papers",
    "counted_pipeline",
    "country_totals",
    "official_totals",
    "pair_matrix",
    "paper_credits",
    "papers_behind",
    "top_pairs",
    "wilson_interval",
]
