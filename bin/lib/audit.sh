# Audit logging (kube-apiserver's --audit-policy-file and --audit-log-*): a default policy in
# Kubernetes' audit.k8s.io/v1 format is written under the installation's config on first start
# (edit it freely; it is never overwritten), and the server logs to $LOG_DIR/audit.log, rotated
# at CAPSTAN_AUDIT_LOG_MAXSIZE MB keeping CAPSTAN_AUDIT_LOG_MAXBACKUP old files.

AUDIT_POLICY=${CAPSTAN_AUDIT_POLICY:-$CAPSTAN_HOME/config/audit-policy.yaml}
AUDIT_LOG=${CAPSTAN_AUDIT_LOG:-$LOG_DIR/audit.log}
AUDIT_LOG_MAXSIZE=${CAPSTAN_AUDIT_LOG_MAXSIZE:-100}
AUDIT_LOG_MAXBACKUP=${CAPSTAN_AUDIT_LOG_MAXBACKUP:-5}

ensure_audit_policy() {
  [[ -s $AUDIT_POLICY ]] && return 0
  mkdir -p "$(dirname "$AUDIT_POLICY")"
  say "audit policy written to $AUDIT_POLICY (log: $AUDIT_LOG)"
  cat > "$AUDIT_POLICY" <<'POLICY'
# Which requests the API server audits, and how much of each (Kubernetes' audit policy format;
# the first matching rule wins, no match means no event). Written by bin/capstan, never
# overwritten; restart the server after editing it.
apiVersion: audit.k8s.io/v1
kind: Policy
omitStages:
  - RequestReceived
rules:
  # the noise of the system's own components watching and reading
  - level: None
    userGroups: ["system:nodes"]
    verbs: ["get", "list", "watch"]
  - level: None
    users: ["system:kube-proxy", "system:kube-scheduler", "system:kube-controller-manager"]
    verbs: ["get", "list", "watch"]
  - level: None
    nonResourceURLs: ["/healthz*", "/livez*", "/readyz*", "/version", "/metrics"]
  - level: None
    resources:
      - group: ""
        resources: ["events"]
  # secrets and tokens: who and when, never the contents
  - level: Metadata
    resources:
      - group: ""
        resources: ["secrets", "configmaps", "serviceaccounts/token"]
      - group: authentication.k8s.io
        resources: ["tokenreviews"]
  # reads: who read what
  - level: Metadata
    verbs: ["get", "list", "watch"]
  # writes: with what was asked and answered
  - level: RequestResponse
    verbs: ["create", "update", "patch", "delete", "deletecollection"]
  - level: Metadata
POLICY
}
