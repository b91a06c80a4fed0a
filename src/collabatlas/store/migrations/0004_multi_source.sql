-- Several sources per paper. Each source's record of a paper, with its authors and affiliations
-- (the evidence), points at the one merged paper it is part of; `papers`, `authorships` and
-- `authorship_affiliations` hold the merged answer that analysis reads (see store/load.py for
-- the preference order). A source's own resolution (OpenAlex's institutions and countries) is
-- kept apart, to be compared with collabatlas's.

CREATE TABLE IF NOT EXISTS paper_sources (
    source        VARCHAR NOT NULL,
    source_key    VARCHAR NOT NULL,      -- the record's id from its reader (e.g. 'openreview:abc')
    paper_id      VARCHAR NOT NULL,      -- the merged paper
    venue         VARCHAR NOT NULL,
    year          INTEGER NOT NULL,
    title         VARCHAR NOT NULL,
    abstract      VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,
    track         VARCHAR NOT NULL,
    accepted      BOOLEAN NOT NULL,
    url           VARCHAR NOT NULL,
    doi           VARCHAR NOT NULL,      -- lower-case, without https://doi.org/
    source_id     VARCHAR NOT NULL,
    location      VARCHAR NOT NULL,
    alignment     VARCHAR NOT NULL,
    openreview_id VARCHAR NOT NULL,
    title_key     VARCHAR NOT NULL,      -- ASCII lower-case words of the title
    authors       INTEGER NOT NULL,      -- length of this source's author list
    PRIMARY KEY (source, source_key)
);

CREATE TABLE IF NOT EXISTS source_authorships (
    source          VARCHAR NOT NULL,
    source_key      VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,
    author_name     VARCHAR NOT NULL,
    PRIMARY KEY (source, source_key, author_position)
);

-- Every source's affiliations, conflicting ones included; author_position -1 = the paper's.
CREATE TABLE IF NOT EXISTS source_affiliations (
    source          VARCHAR NOT NULL,
    source_key      VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,
    aff_order       INTEGER NOT NULL,
    aff_key         VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,    -- the country code the source itself gives, or ''
    PRIMARY KEY (source, source_key, author_position, aff_order)
);

-- A source's own resolution of an authorship (OpenAlex: institutions and country codes).
CREATE TABLE IF NOT EXISTS source_resolutions (
    source          VARCHAR NOT NULL,
    source_key      VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,
    res_order       INTEGER NOT NULL,
    institution_id  VARCHAR NOT NULL,
    institution     VARCHAR NOT NULL,
    country         VARCHAR NOT NULL,    -- ISO 3166-1 alpha-2, or '' when the source gives none
    PRIMARY KEY (source, source_key, author_position, res_order)
);

-- Papers ingested before this migration become their own single-source evidence.
INSERT INTO paper_sources
SELECT p.source, p.paper_id, p.paper_id, p.venue, p.year, p.title, p.abstract, p.status, p.track,
       p.accepted, p.url, p.doi, p.source_id, p.location, p.alignment,
       coalesce(regexp_extract(p.url, 'openreview\.net/(?:forum|pdf)\?id=([^&#]+)', 1), ''),
       trim(regexp_replace(lower(strip_accents(p.title)), '[^0-9a-z]+', ' ', 'g')),
       (SELECT count(*) FROM authorships a WHERE a.paper_id = p.paper_id)
FROM papers p
WHERE p.paper_id NOT IN (SELECT source_key FROM paper_sources);

INSERT INTO source_authorships
SELECT p.source, a.paper_id, a.author_position, a.author_name
FROM authorships a JOIN papers p USING (paper_id)
WHERE a.paper_id NOT IN (SELECT source_key FROM source_authorships);

INSERT INTO source_affiliations
SELECT p.source, l.paper_id, l.author_position, l.aff_order, l.aff_key, ''
FROM authorship_affiliations l JOIN papers p USING (paper_id)
WHERE l.paper_id NOT IN (SELECT source_key FROM source_affiliations);

-- Every source's affiliation of every authorship, with collabatlas's resolution and whether the
-- merged paper uses it.
CREATE OR REPLACE VIEW affiliation_evidence AS
SELECT s.paper_id, f.author_position, s.source, f.aff_order, a.raw, a.domain,
       f.country AS source_country, r.country, r.institution, r.method,
       l.aff_key IS NOT NULL AS used
FROM source_affiliations f
JOIN paper_sources s USING (source, source_key)
JOIN affiliations a ON a.aff_key = f.aff_key
LEFT JOIN effective_resolutions r ON r.aff_key = f.aff_key
LEFT JOIN authorship_affiliations l
       ON l.paper_id = s.paper_id AND l.author_position = f.author_position AND l.aff_key = f.aff_key;
