-- Technology flow, derived families: a derived family the catalog counts as a use of its base
-- ("Sentence-BERT" counts as BERT too) stores two mentions at one place in the text, the derived
-- family's and the base's, so a mention's key gains model_id. The table is rebuilt with every
-- column it has (including any added by other migrations); re-running it is harmless.
CREATE TABLE IF NOT EXISTS technology_mentions_0009 AS SELECT * FROM technology_mentions;
DROP TABLE technology_mentions;
CREATE TABLE technology_mentions AS SELECT * FROM technology_mentions_0009;
DROP TABLE technology_mentions_0009;
ALTER TABLE technology_mentions ALTER COLUMN paper_id SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN field SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN start_offset SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN end_offset SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN model_id SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN matched SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN sentence SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN role SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN rule SET NOT NULL;
ALTER TABLE technology_mentions ALTER COLUMN catalog_version SET NOT NULL;
ALTER TABLE technology_mentions ADD PRIMARY KEY (paper_id, field, start_offset, model_id);

-- The catalog in force says which family a model derives from and whether it counts as the base.
ALTER TABLE technology_models ADD COLUMN IF NOT EXISTS derived_from VARCHAR;
ALTER TABLE technology_models ADD COLUMN IF NOT EXISTS counts_as_base BOOLEAN;
