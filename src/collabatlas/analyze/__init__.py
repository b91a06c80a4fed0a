"""Analyze: collaboration shares, country pairs and their intervals, under explicit counting rules."""

from collabatlas.analyze.collaboration import collaboration, top_pairs
from collabatlas.analyze.rules import CountingRules
from collabatlas.analyze.stats import wilson_interval

__all__ = ["CountingRules", "collaboration", "top_pairs", "wilson_interval"]
