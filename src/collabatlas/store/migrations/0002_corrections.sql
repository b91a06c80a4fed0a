-- Human review: corrections of affiliations, paper-level overrides, their history, and audits.

-- The current human answer for an affiliation (one row per aff_key; the later write wins).
-- action: accept (the automatic answer is right), candidate (another candidate picked),
-- manual (institution and country typed), not-institution (country NULL on purpose).
CREATE TABLE IF NOT EXISTS corrections (
    aff_key              VARCHAR PRIMARY KEY,
    raw                  VARCHAR NOT NULL,
    domain               VARCHAR NOT NULL,
    action               VARCHAR NOT NULL,
    institution          VARCHAR,
    institution_id       VARCHAR,
    country              VARCHAR,
    reviewer             VARCHAR NOT NULL,
    corrected_at         TIMESTAMP NOT NULL,
    previous_institution VARCHAR,
    previous_country     VARCHAR,
    previous_method      VARCHAR
);

-- A human's list of the countries on a paper, when the paper-level answer is judged wrong.
CREATE TABLE IF NOT EXISTS paper_overrides (
    paper_id           VARCHAR PRIMARY KEY,
    countries          VARCHAR[] NOT NULL,
    note               VARCHAR NOT NULL,
    reviewer           VARCHAR NOT NULL,
    corrected_at       TIMESTAMP NOT NULL,
    previous_countries VARCHAR[]
);

-- Every write to corrections or paper_overrides, in order; nothing here is ever updated.
CREATE SEQUENCE IF NOT EXISTS correction_history_seq;
CREATE TABLE IF NOT EXISTS correction_history (
    seq            BIGINT PRIMARY KEY DEFAULT nextval('correction_history_seq'),
    kind           VARCHAR NOT NULL,     -- 'affiliation' or 'paper'
    target         VARCHAR NOT NULL,     -- aff_key or paper_id
    action         VARCHAR NOT NULL,
    institution    VARCHAR,
    country        VARCHAR,              -- for papers: the countries, '|'-joined
    previous       VARCHAR,              -- the value it replaced, as 'institution|country' or countries
    reviewer       VARCHAR NOT NULL,
    corrected_at   TIMESTAMP NOT NULL
);

-- Audits: a seeded sample of automatic resolutions, each judged right or wrong.
CREATE TABLE IF NOT EXISTS audits (
    audit_id   INTEGER PRIMARY KEY,
    seed       INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    reviewer   VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS audit_items (
    audit_id    INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    aff_key     VARCHAR NOT NULL,
    institution VARCHAR,                 -- the automatic answer when sampled
    country     VARCHAR,
    method      VARCHAR NOT NULL,
    correct     BOOLEAN,                 -- NULL until judged
    reviewer    VARCHAR,
    judged_at   TIMESTAMP,
    PRIMARY KEY (audit_id, position)
);

-- What analysis reads: a human correction wins over every automatic method.
CREATE OR REPLACE VIEW effective_resolutions AS
SELECT r.aff_key, r.institution, r.institution_id, r.country, r.confidence, r.method, r.reason
FROM resolutions r ANTI JOIN corrections c ON c.aff_key = r.aff_key
UNION ALL
SELECT c.aff_key, c.institution, c.institution_id, c.country, 1.0 AS confidence, 'human' AS method,
       'reviewed by ' || c.reviewer || ' (' || c.action || ')' AS reason
FROM corrections c;

-- The countries present on each paper: a paper override replaces what its affiliations say.
CREATE OR REPLACE VIEW effective_paper_countries AS
SELECT DISTINCT l.paper_id, r.country
FROM authorship_affiliations l
JOIN effective_resolutions r ON r.aff_key = l.aff_key
ANTI JOIN paper_overrides o ON o.paper_id = l.paper_id
WHERE r.country IS NOT NULL
UNION ALL
SELECT o.paper_id, unnest(o.countries) AS country
FROM paper_overrides o;
