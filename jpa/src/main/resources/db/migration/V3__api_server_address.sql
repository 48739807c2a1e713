-- Where each control-plane server serves the API, so the `kubernetes` service's endpoints list the
-- servers that are alive (as kube-apiserver's endpoint reconciler does with its leases).
ALTER TABLE control_plane_instance ADD COLUMN api_address text;
ALTER TABLE control_plane_instance ADD COLUMN api_port integer;
