-- Capstan's object store: the role etcd plays in Kubernetes.

-- One cluster-wide revision. Every write increments this single row inside its own transaction;
-- the row lock serialises writers, so revisions become visible in commit order. Watch relies on
-- that: a reader that has seen revision N will never later find a committed change below N.
-- (A sequence would hand out numbers in call order, not commit order.)
CREATE TABLE cluster_revision (
    id       smallint PRIMARY KEY CHECK (id = 1),
    revision bigint   NOT NULL
);
INSERT INTO cluster_revision (id, revision) VALUES (1, 0);

-- The current state: one row per live object, its full body as sent back by the API.
CREATE TABLE api_object (
    uid              uuid        PRIMARY KEY,
    api_group        text        NOT NULL,           -- '' for the core group
    kind             text        NOT NULL,
    namespace        text        NOT NULL DEFAULT '', -- '' for cluster-scoped kinds
    name             text        NOT NULL,
    resource_version bigint      NOT NULL,
    generation       bigint      NOT NULL DEFAULT 1,
    labels           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    body             jsonb       NOT NULL,
    created_at       timestamptz NOT NULL,
    CONSTRAINT api_object_identity UNIQUE (api_group, kind, namespace, name)
);
CREATE INDEX api_object_labels ON api_object USING gin (labels);

-- The change log: what happened at each revision. Watch replays it; compaction trims it.
CREATE TABLE api_change (
    revision    bigint      PRIMARY KEY,
    event_type  text        NOT NULL CHECK (event_type IN ('ADDED', 'MODIFIED', 'DELETED')),
    api_group   text        NOT NULL,
    kind        text        NOT NULL,
    namespace   text        NOT NULL,
    name        text        NOT NULL,
    uid         uuid        NOT NULL,
    body        jsonb       NOT NULL,
    recorded_at timestamptz NOT NULL
);
CREATE INDEX api_change_by_kind ON api_change (api_group, kind, revision);

-- Control-plane instances (WildFly servers sharing this database) and their last heartbeat.
CREATE TABLE control_plane_instance (
    instance_id    text        PRIMARY KEY,
    host_name      text        NOT NULL,
    started_at     timestamptz NOT NULL,
    last_heartbeat timestamptz NOT NULL,
    heartbeats     bigint      NOT NULL
);
