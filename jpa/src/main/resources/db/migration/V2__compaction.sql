-- Compaction trims the change log; this records up to which revision it has, so a watch from an
-- older resourceVersion can be told it is too old (410 Gone) instead of silently missing changes.
ALTER TABLE cluster_revision ADD COLUMN compacted bigint NOT NULL DEFAULT 0;

-- Compaction deletes by age; history reads one object's changes.
CREATE INDEX api_change_recorded_at ON api_change (recorded_at);
CREATE INDEX api_change_by_object ON api_change (api_group, kind, namespace, name, revision);
