"""The review queue: affiliations not yet reviewed, the ones that matter most first.

Tiers: 0 unresolved; 1 low confidence; 2 decides a counted paper's A–B flag (the only affiliation
giving that paper its A or its B); 3 the rest. Within a tier, by authorships covered.
"""

from __future__ import annotations

from dataclasses import dataclass

from collabatlas.analyze.counted import selected_pipeline
from collabatlas.analyze.pipeline import SqlPipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store

LOW_CONFIDENCE = 0.8
TIERS = ("unresolved", "low confidence", "decides an A–B flag", "other")


@dataclass(frozen=True)
class QueueItem:
    """One affiliation waiting for review, with why it is where it is."""

    aff_key: str
    raw: str
    domain: str
    institution: str | None
    country: str | None
    confidence: float
    method: str
    authorships: int
    papers: int
    decides: int  # counted A–B papers whose flag rests on this affiliation alone
    tier: int

    @property
    def tier_name(self) -> str:
        """The tier in words."""
        return TIERS[self.tier]


def _queue_pipeline(rules: CountingRules) -> SqlPipeline:
    """The selected papers, then ``q``: every unreviewed affiliation on them with its tier and rank."""
    scoped = rules.scoped_sql("r.country")
    a, b = rules.pair
    return (
        selected_pipeline(rules)
        .then(
            "links",
            """SELECT l.aff_key, l.paper_id FROM authorship_affiliations l
            SEMI JOIN selected s ON s.paper_id = l.paper_id""",
        )
        .then(
            "weight",
            """SELECT aff_key, count(*) AS authorships, count(DISTINCT paper_id) AS papers
            FROM links GROUP BY aff_key""",
        )
        .then(
            "pc",
            f"""SELECT DISTINCT l.paper_id, l.aff_key, {scoped} AS country
            FROM links l JOIN effective_resolutions r ON r.aff_key = l.aff_key
            ANTI JOIN paper_overrides o ON o.paper_id = l.paper_id
            WHERE r.country IS NOT NULL""",
        )
        .then(
            "providers",
            "SELECT paper_id, country, count(*) AS n FROM pc WHERE country IN ($a, $b) GROUP BY ALL",
            a=a,
            b=b,
        )
        .then("ab", "SELECT paper_id FROM providers GROUP BY paper_id HAVING count(*) = 2")
        .then(
            "deciding",
            """SELECT pc.aff_key, count(DISTINCT pc.paper_id) AS decides
            FROM pc JOIN providers pr ON pr.paper_id = pc.paper_id AND pr.country = pc.country
            JOIN ab ON ab.paper_id = pc.paper_id
            WHERE pr.n = 1 GROUP BY pc.aff_key""",
        )
        .then(
            "unranked",
            f"""SELECT a.aff_key, a.raw, a.domain, r.institution, r.country, r.confidence, r.method,
                   w.authorships, w.papers, coalesce(d.decides, 0) AS decides,
                   CASE WHEN r.country IS NULL AND r.method <> 'not-an-institution' THEN 0
                        WHEN r.confidence < {LOW_CONFIDENCE} THEN 1
                        WHEN d.decides > 0 THEN 2 ELSE 3 END AS tier
            FROM weight w
            JOIN affiliations a ON a.aff_key = w.aff_key
            JOIN resolutions r ON r.aff_key = w.aff_key
            LEFT JOIN deciding d ON d.aff_key = w.aff_key
            ANTI JOIN corrections c ON c.aff_key = w.aff_key""",
        )
        .then(
            "q",
            """SELECT *, row_number() OVER (ORDER BY tier, authorships DESC, raw, domain) AS rank
            FROM unranked""",
        )
    )


def queue_page(
    store: Store, rules: CountingRules | None = None, *, limit: int = 50, offset: int = 0
) -> tuple[list[QueueItem], dict[str, int]]:
    """One page of the queue in order of impact, and how many items wait in each tier (one query)."""
    pipeline = _queue_pipeline(rules or CountingRules()).then(
        "counts",
        "SELECT map(list(tier), list(n)) AS m FROM (SELECT tier, count(*) AS n FROM q GROUP BY tier)",
    )
    rows = pipeline.rows(
        store,
        """SELECT counts.m, page.* EXCLUDE (rank) FROM counts
        LEFT JOIN (SELECT * FROM q ORDER BY rank LIMIT $limit OFFSET $offset) page ON TRUE
        ORDER BY page.rank""",
        limit=int(limit),
        offset=int(offset),
    )
    per_tier = rows[0][0] if rows and rows[0][0] else {}
    counts = {name: int(per_tier.get(i, 0)) for i, name in enumerate(TIERS)}
    counts["reviewed"] = int(store.rows("SELECT count(*) FROM corrections")[0][0])
    return [QueueItem(*row[1:]) for row in rows if row[1] is not None], counts


def review_queue(
    store: Store, rules: CountingRules | None = None, *, limit: int = 50, offset: int = 0
) -> list[QueueItem]:
    """One page of the queue, in order of impact."""
    return queue_page(store, rules, limit=limit, offset=offset)[0]


def queue_counts(store: Store, rules: CountingRules | None = None) -> dict[str, int]:
    """How many items wait in each tier, and how many affiliations are reviewed."""
    return queue_page(store, rules, limit=0)[1]


def next_in_queue(store: Store, rules: CountingRules | None, after: str | None = None) -> str | None:
    """The key of the first queued item, or of the one following ``after`` in queue order."""
    found = _queue_pipeline(rules or CountingRules()).rows(
        store,
        """SELECT aff_key FROM q
        WHERE rank > coalesce((SELECT rank FROM q WHERE aff_key = $after), 0)
        ORDER BY rank LIMIT 1""",
        after=after or "",
    )
    return found[0][0] if found else None
