-- Every resolution carries the ROR id of its institution ('https://ror.org/…'; NULL where none is
-- known), so answers join with OpenAlex, ROR and other tools. `export authorships` reads it.
ALTER TABLE resolutions ADD COLUMN IF NOT EXISTS ror_id VARCHAR;
ALTER TABLE context_resolutions ADD COLUMN IF NOT EXISTS ror_id VARCHAR;
