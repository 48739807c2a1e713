-- The cluster IPs and node ports handed out to services, one row per value in use: the primary key
-- makes two servers racing for one value fail on one side, as etcd's compare-and-swap on
-- Kubernetes' allocation bitmaps does. A row is written with (or just before) the service that
-- uses it; the repair loop releases rows no service uses any more.
CREATE TABLE service_allocation (
  range_name   text        NOT NULL,
  value        text        NOT NULL,
  namespace    text        NOT NULL,
  service      text        NOT NULL,
  allocated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (range_name, value)
);
