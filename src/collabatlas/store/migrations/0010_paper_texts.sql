-- Papers read from PDFs and GROBID TEI: each source record's full text by section and page, how
-- its authors were linked to their printed affiliations (the evidence a reviewer checks), the
-- store's choice of which source's affiliations count, and the page of each technology mention.

CREATE TABLE IF NOT EXISTS source_texts (
    source       VARCHAR NOT NULL,
    source_key   VARCHAR NOT NULL,
    piece        INTEGER NOT NULL,     -- order in the paper
    section      VARCHAR NOT NULL,     -- front, abstract, introduction, related work, method, ...
    heading      VARCHAR NOT NULL,     -- the heading as printed
    page         INTEGER NOT NULL,     -- 1-based; 0 when the source has no pages (TEI)
    start_offset INTEGER NOT NULL,     -- offset of the piece in the whole text
    text         VARCHAR NOT NULL,
    PRIMARY KEY (source, source_key, piece)
);

-- One row per author–affiliation pair a PDF or TEI source linked, with the rule and the evidence.
CREATE TABLE IF NOT EXISTS source_affiliation_links (
    source          VARCHAR NOT NULL,
    source_key      VARCHAR NOT NULL,
    author_position INTEGER NOT NULL,
    aff_order       INTEGER NOT NULL,
    method          VARCHAR NOT NULL,  -- marker, unmarked, block, single, tei
    marker          VARCHAR NOT NULL,  -- the marker printed after the name and before the affiliation
    line            VARCHAR NOT NULL,  -- the printed line(s) the affiliation is on
    PRIMARY KEY (source, source_key, author_position, aff_order)
);

-- How a document source linked its authors, or why it could not (then: paper level, flagged).
CREATE TABLE IF NOT EXISTS source_alignment (
    source     VARCHAR NOT NULL,
    source_key VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    PRIMARY KEY (source, source_key)
);

-- Store-wide choices: 'affiliations_from' = best | pdf | list | openreview.
CREATE TABLE IF NOT EXISTS store_settings (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

ALTER TABLE technology_mentions ADD COLUMN IF NOT EXISTS page INTEGER;  -- NULL for title/abstract

-- Full-text scans, apart from the title/abstract scans: re-run when the catalog or the text changes.
CREATE TABLE IF NOT EXISTS technology_text_scans (
    paper_id        VARCHAR PRIMARY KEY,
    catalog_version VARCHAR NOT NULL,
    text_md5        VARCHAR NOT NULL,
    mentions        INTEGER NOT NULL,
    scanned_at      TIMESTAMP NOT NULL
);
