-- Aggregates from OpenAlex snapshots (collabatlas snapshot): works per country set and venue-year.
-- countries: the sorted distinct ISO codes resolved on a work's authorships ([] = none resolved);
-- every counting rule (pair, China scope, venues, years) is a function of these sets.
CREATE TABLE IF NOT EXISTS snapshot_country_sets (
    source_id VARCHAR NOT NULL,      -- OpenAlex source id ('' = no source)
    venue     VARCHAR NOT NULL,      -- the source's display name
    year      INTEGER NOT NULL,
    countries VARCHAR[] NOT NULL,
    works     BIGINT NOT NULL
);

-- One row per load: where the aggregates came from and under which filter.
CREATE TABLE IF NOT EXISTS snapshot_loads (
    location            VARCHAR NOT NULL,
    engine              VARCHAR NOT NULL,
    filter              VARCHAR NOT NULL,   -- JSON: years, sources, topics
    works               BIGINT NOT NULL,
    authorships         BIGINT NOT NULL,
    affiliation_strings BIGINT NOT NULL,
    venue_years         INTEGER NOT NULL,
    resolver_version    VARCHAR NOT NULL,
    loaded_at           TIMESTAMP NOT NULL
);
