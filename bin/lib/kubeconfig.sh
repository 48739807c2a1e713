# The kubeconfig that points kubectl at this cluster.

KUBECONFIG_FILE=$CAPSTAN_HOME/kubeconfig

write_kubeconfig() {
  (umask 077 && cat > "$KUBECONFIG_FILE" <<YAML
apiVersion: v1
kind: Config
clusters:
- name: capstan
  cluster:
    server: $(api_url)
users:
- name: capstan-admin
  user: {}
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
