-- Researcher mobility: each author's public profile history (OpenReview), and which person each
-- authorship is. Only what a profile makes public and the analysis needs is kept: the profile id,
-- its other usernames, and per entry the position, institution and years (no names, no e-mails).

CREATE TABLE IF NOT EXISTS people (
    person    VARCHAR PRIMARY KEY,       -- the OpenReview profile id (~First_Last1)
    location  VARCHAR NOT NULL,          -- the source its history was last read from
    entries   INTEGER NOT NULL,
    loaded_at TIMESTAMP NOT NULL
);

-- Other usernames of the same profile (a paper may name an author by any of them).
CREATE TABLE IF NOT EXISTS person_aliases (
    alias  VARCHAR PRIMARY KEY,
    person VARCHAR NOT NULL
);

-- One row per history entry, in the profile's order.
CREATE TABLE IF NOT EXISTS person_history (
    person      VARCHAR NOT NULL,
    entry       INTEGER NOT NULL,        -- 0 = the first entry the profile lists
    position    VARCHAR NOT NULL,        -- as the profile gives it ('PhD student')
    stage       VARCHAR NOT NULL,        -- undergraduate, masters, doctorate, postdoc, faculty, industry, other
    stage_table VARCHAR NOT NULL,        -- the version of sources/data/position_stages.csv that said so
    start_year  INTEGER,                 -- NULL when the profile gives none
    end_year    INTEGER,
    aff_key     VARCHAR NOT NULL,        -- the institution as an affiliation (resolved like any other)
    country     VARCHAR NOT NULL,        -- the ISO code the profile itself gives, or ''
    PRIMARY KEY (person, entry)
);

-- Which person each source record's author is (the OpenReview id the source names).
CREATE TABLE IF NOT EXISTS source_people (
    source          VARCHAR NOT NULL,
    source_key      VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,
    person          VARCHAR NOT NULL,
    PRIMARY KEY (source, source_key, author_position)
);

-- The person behind each merged authorship, from the sources whose author list is the merged one's
-- length; an alias becomes its profile's id.
CREATE OR REPLACE VIEW authorship_people AS
WITH merged AS (SELECT paper_id, count(*) AS authors FROM authorships GROUP BY paper_id)
SELECT s.paper_id, sp.author_position, min(coalesce(al.person, sp.person)) AS person
FROM source_people sp
JOIN paper_sources s USING (source, source_key)
JOIN merged m ON m.paper_id = s.paper_id AND m.authors = s.authors
LEFT JOIN person_aliases al ON al.alias = sp.person
GROUP BY s.paper_id, sp.author_position;
