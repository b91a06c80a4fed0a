-- Registries a user added (ROR dump, university-domains JSON), their institutions, and the
-- provenance kept with every resolution: the parsed parts, the registry of the institution and
-- the co-author domains the resolver was given.
CREATE TABLE IF NOT EXISTS registry_sources (
    source_id    VARCHAR PRIMARY KEY,    -- '<kind>:<version>', as in Institution.source
    kind         VARCHAR NOT NULL,       -- 'ror' or 'university-domains'
    location     VARCHAR NOT NULL,       -- the path or URL it was read from
    version      VARCHAR NOT NULL,       -- the ROR release ('v1.50-2024-07-29') or a content hash
    sha256       VARCHAR NOT NULL,
    institutions INTEGER NOT NULL,
    added_at     TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS registry_institutions (
    source_id VARCHAR NOT NULL,
    id        VARCHAR NOT NULL,
    name      VARCHAR NOT NULL,
    country   VARCHAR NOT NULL,
    kind      VARCHAR NOT NULL,
    city      VARCHAR NOT NULL,
    aliases   VARCHAR[] NOT NULL,
    acronyms  VARCHAR[] NOT NULL,
    domains   VARCHAR[] NOT NULL,
    PRIMARY KEY (source_id, id)
);

ALTER TABLE resolutions ADD COLUMN IF NOT EXISTS parts VARCHAR;    -- JSON [{part, role}]
ALTER TABLE resolutions ADD COLUMN IF NOT EXISTS source VARCHAR;   -- registry of the institution
ALTER TABLE resolutions ADD COLUMN IF NOT EXISTS context VARCHAR;  -- JSON [co-author domain]
