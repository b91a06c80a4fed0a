-- Published figures held against the store (collabatlas reconcile): the latest result for each
-- venue-year, pair and published count, as the JSON `reconcile --json` writes.
CREATE TABLE IF NOT EXISTS reconciliations (
    venue           VARCHAR NOT NULL,
    year            INTEGER NOT NULL,
    pair            VARCHAR NOT NULL,    -- 'US,CN'
    published_count INTEGER NOT NULL,
    published_of    INTEGER NOT NULL,
    result          VARCHAR NOT NULL,    -- JSON: published, rows, needed_coverage, sentence, conventions
    reconciled_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (venue, year, pair, published_count, published_of)
);
