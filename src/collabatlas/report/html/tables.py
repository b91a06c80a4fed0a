"""The tables behind the report that no analysis function provides: institution pairs, coverage.

Each is one query over the same counting rules as the figures, so every number on the page can
be traced back to a list of papers.
"""

from __future__ import annotations

import pyarrow as pa

from collabatlas.analyze.counted import counted_pipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store


def institution_pairs(store: Store, rules: CountingRules, limit: int = 30) -> pa.Table:
    """The (institution in A, institution in B) pairs behind A–B papers, by papers, most first.

    A pair counts a paper once however many authors it has there; affiliations resolved to a
    country but no institution are left out.
    """
    scoped = rules.scoped_sql("r.country")
    a, b = rules.pair
    pipeline = (
        counted_pipeline(store, rules)
        .then(
            "ab",
            """SELECT paper_id FROM counted WHERE paper_id IS NOT NULL
            AND list_contains(countries, $a) AND list_contains(countries, $b)""",
            a=a,
            b=b,
        )
        .then(
            "inst",
            f"""SELECT DISTINCT r.paper_id, r.institution, {scoped} AS country
            FROM link_resolutions r SEMI JOIN ab ON ab.paper_id = r.paper_id
            WHERE r.institution IS NOT NULL""",
        )
    )
    return pipeline.query(
        store,
        f"""SELECT x.institution AS institution_a, x.country AS country_a,
               y.institution AS institution_b, y.country AS country_b,
               count(DISTINCT x.paper_id) AS papers
        FROM inst x JOIN inst y ON x.paper_id = y.paper_id
        WHERE x.country = $a AND y.country = $b
        GROUP BY ALL
        ORDER BY papers DESC, institution_a, institution_b
        LIMIT {int(limit)}""",
    )


def coverage(store: Store, rules: CountingRules) -> dict[str, int]:
    """How much of the counted data carries a resolved country: papers, authorships, affiliations."""
    pipeline = counted_pipeline(store, rules).then(
        "links",
        """SELECT r.paper_id, r.author_position, r.aff_key, r.country
        FROM link_resolutions r SEMI JOIN counted c ON c.paper_id = r.paper_id""",
    )
    row = pipeline.rows(
        store,
        """SELECT (SELECT coalesce(sum(weight), 0) FROM counted),
               (SELECT coalesce(sum(weight), 0) FROM counted WHERE len(countries) > 0),
               (SELECT count(*) FROM authorships a SEMI JOIN counted c ON c.paper_id = a.paper_id),
               (SELECT count(DISTINCT (paper_id, author_position)) FROM links
                WHERE country IS NOT NULL AND author_position >= 0),
               (SELECT count(DISTINCT aff_key) FROM links),
               (SELECT count(DISTINCT aff_key) FROM links WHERE country IS NOT NULL)""",
    )[0]
    keys = (
        "papers",
        "papers_with_data",
        "authorships",
        "authorships_with_country",
        "affiliations",
        "affiliations_with_country",
    )
    return dict(zip(keys, (int(v) for v in row), strict=True))


def resolution_methods(store: Store, rules: CountingRules) -> pa.Table:
    """How the affiliations on counted papers were placed: method, affiliation strings, share (a
    string placed differently beside different co-authors counts under each of its methods)."""
    pipeline = counted_pipeline(store, rules).then(
        "used",
        """SELECT DISTINCT r.aff_key, r.method FROM link_resolutions r
        SEMI JOIN counted c ON c.paper_id = r.paper_id""",
    )
    return pipeline.query(
        store,
        """SELECT method, count(*) AS affiliations, count(*) / sum(count(*)) OVER () AS share
        FROM used GROUP BY method ORDER BY affiliations DESC, method""",
    )
