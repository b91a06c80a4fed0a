-- Resolutions that cannot go stale: an affiliation whose answer could depend on its co-authors is
-- also resolved once per co-author context it appears in (the same string beside other
-- co-authors is its own case); each authorship's answer is read through link_resolutions.
ALTER TABLE resolutions ADD COLUMN IF NOT EXISTS context_can_matter BOOLEAN;  -- resolved alone; could co-authors change it?

CREATE TABLE IF NOT EXISTS context_resolutions (
    aff_key          VARCHAR NOT NULL,
    context_key      VARCHAR NOT NULL,   -- md5 of the context below
    context          VARCHAR NOT NULL,   -- JSON [co-author domain that belongs to a known institution]
    institution      VARCHAR,
    institution_id   VARCHAR,
    country          VARCHAR,
    confidence       DOUBLE NOT NULL,
    method           VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    candidates       VARCHAR NOT NULL,
    resolver_version VARCHAR NOT NULL,
    resolved_at      TIMESTAMP NOT NULL,
    parts            VARCHAR,
    source           VARCHAR,
    PRIMARY KEY (aff_key, context_key)
);

-- Which context each paper gives an affiliation whose answer can depend on it.
CREATE TABLE IF NOT EXISTS link_contexts (
    paper_id    VARCHAR NOT NULL,
    aff_key     VARCHAR NOT NULL,
    context_key VARCHAR NOT NULL,
    PRIMARY KEY (paper_id, aff_key)
);

-- Each authorship's affiliation with the answer that counts: a human correction, else the
-- answer for the paper's co-author context, else the affiliation's own answer.
CREATE OR REPLACE VIEW link_resolutions AS
SELECT l.paper_id, l.author_position, l.aff_order, l.aff_key,
       if(c.in_context, c.institution, e.institution) AS institution,
       if(c.in_context, c.institution_id, e.institution_id) AS institution_id,
       if(c.in_context, c.country, e.country) AS country,
       if(c.in_context, c.confidence, e.confidence) AS confidence,
       if(c.in_context, c.method, e.method) AS method,
       if(c.in_context, c.reason, e.reason) AS reason,
       CASE WHEN e.method = 'human' THEN 'human' WHEN c.in_context THEN c.resolver_version ELSE r.resolver_version END
           AS resolver_version
FROM authorship_affiliations l
JOIN effective_resolutions e ON e.aff_key = l.aff_key
LEFT JOIN resolutions r ON r.aff_key = l.aff_key
LEFT JOIN (
    SELECT x.paper_id, x.aff_key, k.institution, k.institution_id, k.country, k.confidence, k.method,
           k.reason, k.resolver_version, true AS in_context
    FROM link_contexts x JOIN context_resolutions k USING (aff_key, context_key)
) c ON c.paper_id = l.paper_id AND c.aff_key = l.aff_key AND e.method <> 'human';

-- The countries present on each paper: a paper override replaces what its affiliations say.
CREATE OR REPLACE VIEW effective_paper_countries AS
SELECT DISTINCT r.paper_id, r.country
FROM link_resolutions r
ANTI JOIN paper_overrides o ON o.paper_id = r.paper_id
WHERE r.country IS NOT NULL
UNION ALL
SELECT o.paper_id, unnest(o.countries) AS country
FROM paper_overrides o;

-- Every source's affiliation of every authorship, with collabatlas's answer for it and whether the
-- merged paper uses it (was affiliation_evidence: "evidence" now means only the papers behind a number).
DROP VIEW IF EXISTS affiliation_evidence;
CREATE OR REPLACE VIEW source_affiliation_answers AS
SELECT s.paper_id, f.author_position, s.source, f.aff_order, a.raw, a.domain,
       f.country AS source_country, r.country, r.institution, r.method,
       l.aff_key IS NOT NULL AS used
FROM source_affiliations f
JOIN paper_sources s USING (source, source_key)
JOIN affiliations a ON a.aff_key = f.aff_key
LEFT JOIN effective_resolutions r ON r.aff_key = f.aff_key
LEFT JOIN authorship_affiliations l
       ON l.paper_id = s.paper_id AND l.author_position = f.author_position AND l.aff_key = f.aff_key;
