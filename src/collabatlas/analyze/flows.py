"""Technology flow: which models, from which country, the papers of each author country build on.

Reads the mentions ``collabatlas.technology.detect_pending`` stored (run it first). For a paper and
a model, *mentioning* means the model is named in its title or abstract, *using* that at least one
of those mentions was classified as building on it. Author countries follow the counting rules:

- ``papers_mentioning``/``papers_using`` by author country X are the sum of the credit each paper
  gives X (``credit_sql``): under whole counting, papers with any author in X; under fractional,
  that paper's fraction for X; under first-author, papers whose first author is in X. Papers
  without any resolved country count for ``'unassigned'``. These columns are DOUBLE.
- ``*_all`` columns count whole papers all of whose resolved affiliations are in X.
- The origin of a model is its developer's country (``view='developer'``) or the country of the
  lab that built it (``view='lab'``: ResNet → CN, Microsoft Research Asia); both, like author
  countries, are folded by ``--china-scope``.

Every share carries a 95% Wilson interval over its denominator.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from collabatlas.analyze.conventions import conventions
from collabatlas.analyze.counted import counted_pipeline
from collabatlas.analyze.pipeline import SqlPipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.analyze.stats import wilson_interval
from collabatlas.errors import UsageError
from collabatlas.store import Store

VIEWS: dict[str, str] = {"developer": "developer_country", "lab": "lab_country"}

_BY_COUNTRY_COUNTS = (
    "papers_with_author_country",
    "papers_mentioning",
    "papers_using",
    "papers_all_authors_in_country",
    "papers_mentioning_all",
    "papers_using_all",
)


def has_flows(store: Store) -> bool:
    """Whether the store holds any detected model mention (cheap; False on older stores)."""
    (exists,) = store.rows("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'technology_mentions'")[0]
    return bool(exists) and bool(store.rows("SELECT EXISTS (SELECT 1 FROM technology_mentions)")[0][0])


def origin_column(view: str) -> str:
    """The catalog column a view reads the origin country from."""
    if view not in VIEWS:
        raise UsageError(f"unknown origin view {view!r}", hint="use developer or lab")
    return VIEWS[view]


def flow_pipeline(store: Store, rules: CountingRules, view: str = "developer") -> SqlPipeline:
    """The counted papers plus the steps every flow query reads.

    Steps after :func:`counted_pipeline`: ``paper_set`` (paper_id, venue, year: counted papers;
    snapshot aggregates hold no text and are not among them), ``venue_years`` (venue, year,
    papers), ``models`` (model_id, name, kind, llm, origin_country, lab_country, origin),
    ``paper_models`` (paper_id, venue, year, model_id, used), ``paper_authors`` (paper_id,
    country, credit, all_in), ``author_totals``.
    """
    origin = origin_column(view)
    return (
        counted_pipeline(store, rules)
        .then("paper_set", "SELECT paper_id, venue, year FROM counted WHERE paper_id IS NOT NULL")
        .then("venue_years", "SELECT venue, year, count(*) AS papers FROM paper_set GROUP BY ALL")
        .then(
            "models",
            f"""SELECT model_id, name, kind, llm,
                   {rules.scoped_sql("developer_country")} AS origin_country,
                   {rules.scoped_sql("lab_country")} AS lab_country,
                   {rules.scoped_sql(origin)} AS origin
            FROM technology_models""",
        )
        .then(
            "paper_models",
            """SELECT c.paper_id, c.venue, c.year, m.model_id, bool_or(m.role = 'uses') AS used
            FROM paper_set c
            JOIN technology_mentions m ON m.paper_id = c.paper_id
                 AND (m.field IN ('title', 'abstract') OR $full_text)
            JOIN technology_models t ON t.model_id = m.model_id
            GROUP BY ALL""",
            full_text=rules.text == "full",
        )
        .then(
            "paper_authors",
            """SELECT k.paper_id, k.country, k.credit,
                   len(c.countries) = 1 AND c.countries[1] = k.country AS all_in
            FROM credits k JOIN counted c ON c.paper_id = k.paper_id
            WHERE k.paper_id IS NOT NULL
            UNION ALL
            SELECT c.paper_id, c.countries[1], 0.0, TRUE
            FROM counted c
            WHERE c.paper_id IS NOT NULL AND len(c.countries) = 1 AND NOT EXISTS (
                SELECT 1 FROM credits k WHERE k.paper_id = c.paper_id AND k.country = c.countries[1])""",
        )
        .then(
            "author_totals",
            """SELECT c.venue, c.year, a.country,
                   round(sum(a.credit), 9) AS papers_with_author_country,
                   count(*) FILTER (WHERE a.all_in) AS papers_all_authors_in_country
            FROM paper_set c JOIN paper_authors a ON a.paper_id = c.paper_id
            GROUP BY ALL""",
        )
    )


def model_adoption(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """One row per venue-year and model named in at least one counted paper.

    Columns: venue, year, model, model_name, kind, llm, origin_country, lab_country, papers
    (counted papers of the venue-year), papers_mentioning, papers_using, share_mentioning,
    mentioning_ci_low, mentioning_ci_high, share_using, using_ci_low, using_ci_high.
    """
    rules = rules or CountingRules()
    rows = flow_pipeline(store, rules).rows(
        store,
        """SELECT pm.venue, pm.year, pm.model_id, md.name, md.kind, md.llm, md.origin_country,
               md.lab_country, vy.papers, count(*) AS mentioning,
               count(*) FILTER (WHERE pm.used) AS using
        FROM paper_models pm
        JOIN models md ON md.model_id = pm.model_id
        JOIN venue_years vy ON vy.venue = pm.venue AND vy.year = pm.year
        GROUP BY ALL ORDER BY pm.venue, pm.year, mentioning DESC, pm.model_id""",
    )
    names = ("venue", "year", "model", "model_name", "kind", "llm", "origin_country", "lab_country")
    out: dict[str, list[Any]] = {name: [] for name in names}
    out.update({"papers": [], "papers_mentioning": [], "papers_using": []})
    shares: list[dict[str, float]] = []
    for row in rows:
        for name, value in zip(names, row[:8], strict=True):
            out[name].append(value)
        papers, mentioning, using = row[8:]
        out["papers"].append(papers)
        out["papers_mentioning"].append(mentioning)
        out["papers_using"].append(using)
        shares.append({**_share("mentioning", mentioning, papers), **_share("using", using, papers)})
    return _with_shares(out, shares, ("mentioning", "using"))


def adoption_by_country(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """One row per venue-year, model and author country with at least one paper naming the model.

    Columns: venue, year, model, origin_country, lab_country, author_country,
    papers_with_author_country (the denominator: credit of that country over all counted papers
    of the venue-year), papers_mentioning, papers_using (credit-weighted), share_mentioning,
    share_using with their Wilson intervals, papers_all_authors_in_country,
    papers_mentioning_all, papers_using_all (whole papers, every author in the country).
    """
    rules = rules or CountingRules()
    table = _by_author_country(store, rules, "developer", "md.model_id")
    origins = {
        model: (origin, lab)
        for model, origin, lab in store.rows(
            f"SELECT model_id, {rules.scoped_sql('developer_country')}, "
            f"{rules.scoped_sql('lab_country')} FROM technology_models"
        )
    }
    keys = table.column("item").to_pylist()
    table = table.rename_columns(["model" if c == "item" else c for c in table.column_names])
    table = table.add_column(3, "origin_country", pa.array([origins[k][0] for k in keys], pa.string()))
    return table.add_column(4, "lab_country", pa.array([origins[k][1] for k in keys], pa.string()))


def flow_matrix(store: Store, rules: CountingRules | None = None, view: str = "developer") -> pa.Table:
    """Origin country → author country, per venue-year: papers naming any model of that origin.

    A full grid: every origin country of the catalog × every author country present in the
    venue-year (zeros included). Columns: venue, year, view, origin_country, author_country,
    then the counts and shares of :func:`adoption_by_country` (a paper naming two US-origin
    models counts once).
    """
    rules = rules or CountingRules()
    table = _by_author_country(store, rules, view, "md.origin", complete=True)
    table = table.rename_columns(["origin_country" if c == "item" else c for c in table.column_names])
    return table.add_column(2, "view", pa.array([view] * table.num_rows, pa.string()))


def headline(store: Store, rules: CountingRules | None = None, view: str = "developer") -> pa.Table:
    """The cross-border rows of the reference analysis, for the rules' pair (A, B), per venue-year.

    "A-origin models in papers with B authors", "B-origin models in papers with A authors", then
    each A-origin model in papers with B authors and each B-origin model in papers with A authors
    (most-mentioned first). Columns: venue, year, label, model (null on origin rows),
    origin_country, author_country, papers_with_author_country, papers_mentioning,
    share_mentioning, mentioning_ci_low, mentioning_ci_high, papers_using, share_using,
    using_ci_low, using_ci_high.
    """
    rules = rules or CountingRules()
    a, b = rules.pair
    cross = {(a, b), (b, a)}
    origin_key = "lab_country" if view == "lab" else "origin_country"
    names = {m: n for m, n in store.rows("SELECT model_id, name FROM technology_models")}
    rows: list[dict[str, Any]] = []
    for row in flow_matrix(store, rules, view).to_pylist():
        if (row["origin_country"], row["author_country"]) in cross:
            label = f"{row['origin_country']}-origin models in papers with {row['author_country']} authors"
            rows.append(_headline_row(row, label, None, row["origin_country"]))
    for row in adoption_by_country(store, rules).to_pylist():
        origin = row[origin_key]
        if (origin, row["author_country"]) in cross:
            label = f"{names[row['model']]} ({origin}) in papers with {row['author_country']} authors"
            rows.append(_headline_row(row, label, row["model"], origin))
    rows.sort(
        key=lambda r: (
            r["venue"],
            r["year"],
            r["model"] is not None,
            r["origin_country"] != a,
            -r["papers_mentioning"],
            r["label"],
        )
    )
    return pa.Table.from_pylist(rows, schema=_HEADLINE_SCHEMA)


def flow_conventions(store: Store, rules: CountingRules, view: str = "developer") -> dict[str, Any]:
    """:func:`conventions` plus the catalog version, the origin view and what each figure means."""
    versions = [r[0] for r in store.rows("SELECT DISTINCT catalog_version FROM technology_models")]
    return {
        **conventions(store, rules),
        "catalog_version": versions[0] if versions else None,
        "origin_view": view,
        "origin_meaning": (
            "the model's developer's country"
            if view == "developer"
            else "the country of the lab that built the model (ResNet: Microsoft Research Asia, CN)"
        ),
        "mentioning": "the model is named in the paper's title or abstract",
        "using": "at least one mention reads as building on it (fine-tunes, based on, backbone, ...)",
        "by_author_country": (
            "credit of the country under the counting mode (whole: papers with any author there); "
            "*_all: papers all of whose resolved affiliations are there"
        ),
        "llm_papers": "papers using at least one catalog model marked as a large language model",
    }


def _by_author_country(
    store: Store, rules: CountingRules, view: str, item: str, *, complete: bool = False
) -> pa.Table:
    """Counts per venue-year, item and author country; ``complete`` adds the zero cells of every
    (item of the catalog, author country of the venue-year) pair."""
    if complete:
        grid = f"""FROM author_totals t CROSS JOIN (SELECT DISTINCT {item} AS item FROM models md) k
        LEFT JOIN agg g ON g.venue = t.venue AND g.year = t.year AND g.country = t.country
                       AND g.item = k.item"""
    else:
        grid = """FROM agg g
        JOIN author_totals t ON t.venue = g.venue AND t.year = g.year AND t.country = g.country"""
    pipeline = (
        flow_pipeline(store, rules, view)
        .then(
            "items",
            f"""SELECT pm.paper_id, pm.venue, pm.year, {item} AS item, bool_or(pm.used) AS used
            FROM paper_models pm JOIN models md ON md.model_id = pm.model_id
            GROUP BY ALL""",
        )
        .then(
            "agg",
            """SELECT i.venue, i.year, i.item, a.country,
                   round(sum(a.credit), 9) AS mentioning,
                   round(coalesce(sum(a.credit) FILTER (WHERE i.used), 0.0), 9) AS using,
                   count(*) FILTER (WHERE a.all_in) AS mentioning_all,
                   count(*) FILTER (WHERE a.all_in AND i.used) AS using_all
            FROM items i JOIN paper_authors a ON a.paper_id = i.paper_id
            GROUP BY ALL""",
        )
    )
    rows = pipeline.rows(
        store,
        f"""SELECT t.venue, t.year, {"k" if complete else "g"}.item, t.country,
               t.papers_with_author_country, coalesce(g.mentioning, 0.0) AS mentioning,
               coalesce(g.using, 0.0), t.papers_all_authors_in_country,
               coalesce(g.mentioning_all, 0), coalesce(g.using_all, 0)
        {grid}
        ORDER BY 1, 2, 3, mentioning DESC, t.country""",
    )
    columns: dict[str, list[Any]] = {n: [] for n in ("venue", "year", "item", "author_country")}
    columns.update({name: [] for name in _BY_COUNTRY_COUNTS})
    shares: list[dict[str, float]] = []
    for row in rows:
        for name, value in zip(columns, row, strict=True):
            columns[name].append(value)
        total, mentioning, using = row[4:7]
        shares.append({**_share("mentioning", mentioning, total), **_share("using", using, total)})
    types = {name: pa.float64() if i < 3 else pa.int64() for i, name in enumerate(_BY_COUNTRY_COUNTS)}
    arrays = {name: pa.array(values, types.get(name)) for name, values in columns.items()}
    return _with_shares(arrays, shares, ("mentioning", "using"))


def _share(name: str, successes: float, trials: float) -> dict[str, float]:
    low, high = wilson_interval(successes, trials)
    return {
        f"share_{name}": successes / trials if trials else 0.0,
        f"{name}_ci_low": low,
        f"{name}_ci_high": high,
    }


def _with_shares(columns: dict[str, Any], shares: list[dict[str, float]], names: tuple[str, ...]) -> pa.Table:
    for name in names:
        for key in (f"share_{name}", f"{name}_ci_low", f"{name}_ci_high"):
            columns[key] = pa.array([s[key] for s in shares], pa.float64())
    return pa.table(columns)


def _headline_row(row: dict[str, Any], label: str, model: str | None, origin: str) -> dict[str, Any]:
    return {
        "venue": row["venue"],
        "year": row["year"],
        "label": label,
        "model": model,
        "origin_country": origin,
        **{key: row[key] for key in _HEADLINE_SCHEMA.names[5:]},
    }


_HEADLINE_SCHEMA = pa.schema(
    [
        ("venue", pa.string()),
        ("year", pa.int64()),
        ("label", pa.string()),
        ("model", pa.string()),
        ("origin_country", pa.string()),
        ("author_country", pa.string()),
        ("papers_with_author_country", pa.float64()),
        ("papers_mentioning", pa.float64()),
        ("share_mentioning", pa.float64()),
        ("mentioning_ci_low", pa.float64()),
        ("mentioning_ci_high", pa.float64()),
        ("papers_using", pa.float64()),
        ("share_using", pa.float64()),
        ("using_ci_low", pa.float64()),
        ("using_ci_high", pa.float64()),
    ]
)
