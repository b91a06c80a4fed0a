-- Papers, their authorships and affiliations, the distinct affiliation strings, and their resolutions.
CREATE TABLE IF NOT EXISTS sources (
    location     VARCHAR NOT NULL,
    sha256       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    venue        VARCHAR NOT NULL,
    year         INTEGER NOT NULL,
    records_read INTEGER NOT NULL,
    papers       INTEGER NOT NULL,
    ingested_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (location, sha256)
);

CREATE TABLE IF NOT EXISTS papers (
    paper_id   VARCHAR PRIMARY KEY,
    venue      VARCHAR NOT NULL,
    year       INTEGER NOT NULL,
    title      VARCHAR NOT NULL,
    abstract   VARCHAR NOT NULL,
    status     VARCHAR NOT NULL,
    track      VARCHAR NOT NULL,
    accepted   BOOLEAN NOT NULL,
    url        VARCHAR NOT NULL,
    doi        VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    source_id  VARCHAR NOT NULL,
    location   VARCHAR NOT NULL,
    alignment  VARCHAR NOT NULL          -- 'per-author' or 'unknown'
);

CREATE TABLE IF NOT EXISTS authorships (
    paper_id        VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,    -- 0-based index in the paper's author list
    author_name     VARCHAR NOT NULL,
    PRIMARY KEY (paper_id, author_position)
);

-- Each distinct (affiliation string, e-mail domain) once.
CREATE TABLE IF NOT EXISTS affiliations (
    aff_key VARCHAR PRIMARY KEY,         -- md5 of raw + US + domain
    raw     VARCHAR NOT NULL,
    domain  VARCHAR NOT NULL
);

-- Which affiliation each authorship carries; author_position -1 = the paper's, author unknown.
CREATE TABLE IF NOT EXISTS authorship_affiliations (
    paper_id        VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,
    aff_order       INTEGER NOT NULL,
    aff_key         VARCHAR NOT NULL,
    PRIMARY KEY (paper_id, author_position, aff_order)
);

-- The automatic resolver's answer for each affiliation.
CREATE TABLE IF NOT EXISTS resolutions (
    aff_key          VARCHAR PRIMARY KEY,
    institution      VARCHAR,
    institution_id   VARCHAR,
    country          VARCHAR,            -- ISO 3166-1 alpha-2; NULL = unresolved
    confidence       DOUBLE NOT NULL,
    method           VARCHAR NOT NULL,
    reason           VARCHAR NOT NULL,
    candidates       VARCHAR NOT NULL,   -- JSON array of {institution, country, score, source}
    resolver_version VARCHAR NOT NULL,
    resolved_at      TIMESTAMP NOT NULL
);

-- What analysis reads: the resolver's answer (later migrations put human corrections on top).
CREATE OR REPLACE VIEW effective_resolutions AS
SELECT aff_key, institution, institution_id, country, confidence, method, reason
FROM resolutions;
