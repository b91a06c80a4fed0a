"""Counting rules: which countries form the pair, how Greater China is counted, which papers count."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pycountry

from collabatlas.errors import UsageError
from collabatlas.resolve.geo import COUNTRY_ALIASES
from collabatlas.resolve.text import fold

# What each --china-scope folds into 'CN'.
CHINA_SCOPES: dict[str, tuple[str, ...]] = {
    "prc": ("HK", "MO"),
    "mainland": (),
    "greater": ("HK", "MO", "TW"),
}
COUNTING_MODES: dict[str, str] = {
    "whole": "whole: a paper counts once for each country present among its authors",
    "fractional": (
        "fractional: each author with a resolved country carries 1/n of the paper (n = such "
        "authors), split equally over that author's resolved affiliations; country totals sum "
        "to the papers with data"
    ),
    "first-author": "first-author: a paper counts once for each country of its first author",
}
TRACKS: dict[str, str] = {
    "all": "every track of the venue-year",
    "main": "the main track only (papers whose source names no track count as main)",
}
COMPANIES: dict[str, str] = {
    "site": "a company affiliation counts in the country of the site it names (as resolved)",
    "headquarters": "a company affiliation counts in the company's home country (its headquarters "
    "in the registry)",
}
UNASSIGNED = "unassigned"
SCOPE_DESCRIPTIONS = {
    "prc": "China = CN + Hong Kong + Macau (Taiwan separate)",
    "mainland": "China = mainland CN only (Hong Kong, Macau, Taiwan separate)",
    "greater": "China = CN + Hong Kong + Macau + Taiwan",
}


def country_code(value: str) -> str:
    """An ISO alpha-2 code from a code or a name ('us', 'China', 'United Kingdom')."""
    text = value.strip()
    if len(text) == 2 and pycountry.countries.get(alpha_2=text.upper()):
        return text.upper()
    alias = COUNTRY_ALIASES.get(fold(text))
    if alias:
        return alias
    try:
        return str(pycountry.countries.lookup(text).alpha_2)
    except LookupError as exc:
        raise UsageError(f"unknown country {value!r}", hint="use ISO codes such as US,CN") from exc


@dataclass(frozen=True)
class CountingRules:
    """The conventions every figure is computed under (and printed with)."""

    pair: tuple[str, str] = ("US", "CN")
    china_scope: str = "prc"
    accepted_only: bool = True
    counting: str = "whole"
    min_count: int = 10
    venues: tuple[str, ...] = field(default=())
    years: tuple[int, ...] = field(default=())
    tracks: str = "all"
    companies: str = "site"
    source: str | None = None  # only this source's records and affiliations (None: the merged papers)
    text: str = "abstract"  # technology flow reads mentions in: abstract (title + abstract) | full

    def __post_init__(self) -> None:
        if self.tracks not in TRACKS:
            raise UsageError(f"unknown --tracks {self.tracks!r}", hint="use all or main")
        if self.companies not in COMPANIES:
            raise UsageError(f"unknown --companies {self.companies!r}", hint="use site or headquarters")
        if self.text not in ("abstract", "full"):
            raise UsageError(f"unknown --text {self.text!r}", hint="use abstract or full")
        if self.counting not in COUNTING_MODES:
            raise UsageError(
                f"unknown --counting {self.counting!r}", hint="use whole, fractional or first-author"
            )
        if self.china_scope not in CHINA_SCOPES:
            raise UsageError(
                f"unknown --china-scope {self.china_scope!r}", hint="use prc, mainland or greater"
            )
        for code in self.pair:
            if code in CHINA_SCOPES[self.china_scope]:
                raise UsageError(
                    f"{code} is counted as CN under --china-scope {self.china_scope}",
                    hint="use --china-scope mainland to count it on its own",
                )
        if len(set(self.pair)) != 2:
            raise UsageError(f"the pair needs two different countries, got {','.join(self.pair)}")

    @classmethod
    def parse(cls, pair: str = "US,CN", china_scope: str = "prc", **kwargs: Any) -> CountingRules:
        """Rules from CLI-style strings ('US,CN')."""
        codes = [country_code(c) for c in pair.split(",") if c.strip()]
        if len(codes) != 2:
            raise UsageError(f"--pair takes two countries, got {pair!r}", hint="e.g. --pair US,CN")
        return cls(pair=(codes[0], codes[1]), china_scope=china_scope.lower(), **kwargs)

    def scoped_sql(self, column: str) -> str:
        """SQL mapping a country column under the China scope."""
        folded = CHINA_SCOPES[self.china_scope]
        if not folded:
            return column
        codes = ", ".join(f"'{c}'" for c in folded)
        return f"CASE WHEN {column} IN ({codes}) THEN 'CN' ELSE {column} END"

    def describe(self) -> dict[str, Any]:
        """The conventions as a JSON-ready object."""
        data = asdict(self)
        data["pair"] = list(self.pair)
        data["china_scope_meaning"] = SCOPE_DESCRIPTIONS[self.china_scope]
        data["status_filter"] = (
            "accepted papers only (Reject/Withdraw excluded)" if self.accepted_only else "all papers"
        )
        data["counting_meaning"] = COUNTING_MODES[self.counting]
        data["tracks_meaning"] = TRACKS[self.tracks]
        data["companies_meaning"] = COMPANIES[self.companies]
        data["source_meaning"] = (
            "the merged papers (every source, the preferred affiliations, human overrides applied)"
            if self.source is None
            else f"only the {self.source} records and their affiliations (paper overrides not applied)"
        )
        data["unassigned"] = f"papers or credit without any resolved country are shown as '{UNASSIGNED}'"
        return data
