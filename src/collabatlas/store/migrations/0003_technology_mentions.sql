-- Technology flow: the model catalog in force, each paper's detection bookkeeping, and the mentions.

-- The catalog the stored mentions were detected with (replaced on every detection run).
CREATE TABLE IF NOT EXISTS technology_models (
    model_id           VARCHAR PRIMARY KEY,
    name               VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,     -- architecture, model family, method
    llm                BOOLEAN NOT NULL,     -- a large language model family
    developers         VARCHAR NOT NULL,     -- '; '-joined organisations
    developer_country  VARCHAR NOT NULL,     -- ISO 3166-1 alpha-2 of the developer
    lab_country        VARCHAR NOT NULL,     -- of the lab that built it, when it differs
    first_release_year INTEGER NOT NULL,
    catalog_version    VARCHAR NOT NULL
);

-- One row per paper scanned: a paper is re-scanned when the catalog version or its text changes.
CREATE TABLE IF NOT EXISTS technology_scans (
    paper_id        VARCHAR PRIMARY KEY,
    catalog_version VARCHAR NOT NULL,
    text_md5        VARCHAR NOT NULL,        -- md5 of title, newline, abstract
    mentions        INTEGER NOT NULL,
    scanned_at      TIMESTAMP NOT NULL
);

-- Every detected mention with its evidence: the sentence, the role and the rule that decided it.
CREATE TABLE IF NOT EXISTS technology_mentions (
    paper_id        VARCHAR NOT NULL,
    field           VARCHAR NOT NULL,        -- 'title' or 'abstract'
    start_offset    INTEGER NOT NULL,        -- character offsets of the match inside the field
    end_offset      INTEGER NOT NULL,
    model_id        VARCHAR NOT NULL,
    matched         VARCHAR NOT NULL,        -- the text as written ('Qwen2.5-32B-Instruct')
    sentence        VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,        -- 'uses' (builds on) or 'mentions' (compares, cites)
    rule            VARCHAR NOT NULL,        -- the role rule that fired (see technology/detect.py)
    catalog_version VARCHAR NOT NULL,
    PRIMARY KEY (paper_id, field, start_offset)
);
