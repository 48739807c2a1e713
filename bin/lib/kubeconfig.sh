# The kubeconfig that points kubectl at this cluster.

KUBECONFIG_FILE=$CAPSTAN_HOME/kubeconfig

write_kubeconfig() {
  (umask 077 && cat > "$KUBECONFIG_FILE" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: capstan
  cluster:
    server: https://127.0.0.1:$HTTPS_PORT
    certificate-authority-data: $(base64 -w0 "$TLS_DIR/ca.crt")
users:
- name: capstan-admin
  user:
    token: $(secret admin-token)
contexts:
- name: capstan
  context:
    cluster: capstan
    user: capstan-admin
    namespace: default
current-context: capstan
YAML
  )
}
