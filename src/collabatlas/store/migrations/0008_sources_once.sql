-- Each source location once: a list ingested again after an edit replaced its earlier version's
-- records, so only the latest version of each location stays listed (footers, conventions).
DELETE FROM sources
WHERE EXISTS (
    SELECT 1 FROM sources newer
    WHERE newer.location = sources.location
      AND (newer.ingested_at > sources.ingested_at
           OR (newer.ingested_at = sources.ingested_at AND newer.sha256 > sources.sha256))
);

-- An empty list (now refused at ingest) was listed as a source of every figure.
DELETE FROM sources WHERE papers = 0;
