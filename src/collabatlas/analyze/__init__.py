"""Analyze: collaboration shares, country pairs and their intervals, under explicit counting rules."""

from collabatlas.analyze.collaboration import collaboration, top_pairs
from collabatlas.analyze.conventions import conventions
from collabatlas.analyze.credits import credit_sql
from collabatlas.analyze.rules import CountingRules
from collabatlas.analyze.stats import wilson_interval

__all__ = ["CountingRules", "collaboration", "conventions", "credit_sql", "top_pairs", "wilson_interval"]
