# TLS for the API: a private CA of this installation (kept under $CAPSTAN_HOME/tls), a server
# certificate it signs for the addresses kubectl uses, installed as WildFly's keystore. kubectl
# trusts the CA through the kubeconfig; it sends bearer tokens only over HTTPS.
# The same CA issues what the API server and the node agents show each other (as kubeadm does):
# the API server's client certificate for agents (kube-apiserver's --kubelet-client-certificate)
# and each agent's serving certificate for its node name and address. Keys are 0600.

TLS_DIR=$CAPSTAN_HOME/tls
HTTPS_PORT=$((8443 + CAPSTAN_PORT_OFFSET))
TLS_KEYSTORE_NAME=capstan-tls.p12
# the kubernetes service's cluster IP: the first address of the service range
# (CAPSTAN_SERVICE_CIDR, Kubernetes' 10.96.0.0/12 by default)
kubernetes_service_ip() {
  local network=${1%/*} a b c d
  IFS=. read -r a b c d <<< "$network"
  local n=$(( (a << 24 | b << 16 | c << 8 | d) + 1 ))
  echo "$(( n >> 24 & 255 )).$(( n >> 16 & 255 )).$(( n >> 8 & 255 )).$(( n & 255 ))"
}
KUBERNETES_SERVICE_IP=$(kubernetes_service_ip "${CAPSTAN_SERVICE_CIDR:-10.96.0.0/12}")
SERVICE_ACCOUNT_KEY_FILE=$SECRETS_DIR/service-account.key

ensure_tls() {
  command -v openssl >/dev/null 2>&1 \
    || die "openssl is not installed, so no TLS certificate can be made; install it (Debian: apt-get install openssl)."
  mkdir -p "$TLS_DIR"
  chmod 700 "$TLS_DIR"
  if [[ ! -s $TLS_DIR/ca.crt || ! -s $TLS_DIR/ca.key ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=capstan-ca" \
      -keyout "$TLS_DIR/ca.key" -out "$TLS_DIR/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      > "$LOG_DIR/tls.log" 2>&1 || die "could not create the CA (see $LOG_DIR/tls.log)."
  fi
  # Pods reach the API as https://kubernetes.default.svc (and its longer and shorter names) at
  # the kubernetes service's cluster IP, the first of the service range (10.96.0.0/12 by
  # default, CAPSTAN_SERVICE_CIDR), and verify it with the kube-root-ca.crt in their token volume.
  local sans="IP:127.0.0.1,DNS:localhost,DNS:$(hostname -s),IP:$KUBERNETES_SERVICE_IP"
  sans+=",DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  sans+=",DNS:kubernetes.default.svc.cluster.local"
  [[ -n ${CAPSTAN_BIND_ADDRESS:-} && $CAPSTAN_BIND_ADDRESS != 0.0.0.0 ]] && sans+=",IP:$CAPSTAN_BIND_ADDRESS"
  if [[ ! -s $TLS_DIR/server.crt || $(cat "$TLS_DIR/server.sans" 2>/dev/null) != "$sans" ]]; then
    openssl req -new -newkey rsa:2048 -nodes -subj "/CN=capstan-apiserver" \
      -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.csr" >> "$LOG_DIR/tls.log" 2>&1 \
      && openssl x509 -req -sha256 -days 825 -in "$TLS_DIR/server.csr" \
        -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial -out "$TLS_DIR/server.crt" \
        -extfile <(printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature,keyEncipherment\n' "$sans") \
        >> "$LOG_DIR/tls.log" 2>&1 \
      || die "could not create the server certificate (see $LOG_DIR/tls.log)."
    echo "$sans" > "$TLS_DIR/server.sans"
  fi
  export CAPSTAN_TLS_KEYSTORE_PASSWORD
  CAPSTAN_TLS_KEYSTORE_PASSWORD=$(secret tls-keystore-password)
  openssl pkcs12 -export -name capstan-apiserver -in "$TLS_DIR/server.crt" \
    -inkey "$TLS_DIR/server.key" -certfile "$TLS_DIR/ca.crt" \
    -out "$WILDFLY_BASE/configuration/$TLS_KEYSTORE_NAME" -passout env:CAPSTAN_TLS_KEYSTORE_PASSWORD \
    >> "$LOG_DIR/tls.log" 2>&1 || die "could not write the TLS keystore (see $LOG_DIR/tls.log)."
  ensure_ca_trust_store
}

# The CA as a PKCS12 trust store, for Artemis clients of the broker's TLS port (outside
# subscribers: trustStorePath=$TLS_DIR/ca-trust.p12&trustStorePassword=capstan-ca). Its password
# guards nothing secret: the CA's certificate is public. Node agents make their own from ca.crt.
CA_TRUST_STORE_PASSWORD=capstan-ca
ensure_ca_trust_store() {
  [[ -s $TLS_DIR/ca-trust.p12 && $TLS_DIR/ca-trust.p12 -nt $TLS_DIR/ca.crt ]] && return 0
  rm -f "$TLS_DIR/ca-trust.p12"
  keytool -importcert -noprompt -alias capstan-ca -file "$TLS_DIR/ca.crt" -storetype PKCS12 \
    -keystore "$TLS_DIR/ca-trust.p12" -storepass "$CA_TRUST_STORE_PASSWORD" >> "$LOG_DIR/tls.log" 2>&1 \
    || die "could not write the CA's trust store (see $LOG_DIR/tls.log)."
}

# issue_certificate NAME SUBJECT EXTENSIONS: $TLS_DIR/NAME.crt and NAME.key (PKCS#8, 0600), signed
# by the installation's CA; EXTENSIONS is an openssl extension file's text.
issue_certificate() {
  local name=$1 subject=$2 extensions=$3
  (umask 077 && openssl req -new -newkey rsa:2048 -nodes -subj "$subject" \
    -keyout "$TLS_DIR/$name.key" -out "$TLS_DIR/$name.csr") >> "$LOG_DIR/tls.log" 2>&1 \
    && openssl x509 -req -sha256 -days 825 -in "$TLS_DIR/$name.csr" \
      -CA "$TLS_DIR/ca.crt" -CAkey "$TLS_DIR/ca.key" -CAcreateserial -out "$TLS_DIR/$name.crt" \
      -extfile <(printf '%s\n' "$extensions") >> "$LOG_DIR/tls.log" 2>&1 \
    || die "could not issue the certificate $name (see $LOG_DIR/tls.log)."
  chmod 600 "$TLS_DIR/$name.key"
  rm -f "$TLS_DIR/$name.csr"
}

# The API server's identity towards node agents: the only client certificate they accept.
ensure_kubelet_client_certificate() {
  [[ -s $TLS_DIR/kubelet-client.crt && -s $TLS_DIR/kubelet-client.key ]] && return 0
  issue_certificate kubelet-client "/O=system:masters/CN=capstan-apiserver-kubelet-client" \
    $'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment'
}

# ensure_node_serving_certificate NODE ADDRESS: the agent's serving certificate, for its node
# name and its address, issued again when either changed.
ensure_node_serving_certificate() {
  local node=$1 address=$2 name=node-$1
  local sans="DNS:$node,IP:$address"
  if [[ ! -s $TLS_DIR/$name.crt || ! -s $TLS_DIR/$name.key \
      || $(cat "$TLS_DIR/$name.sans" 2>/dev/null) != "$sans" ]]; then
    issue_certificate "$name" "/O=system:nodes/CN=system:node:$node" \
      "subjectAltName=$sans"$'\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment'
    echo "$sans" > "$TLS_DIR/$name.sans"
  fi
}

# The keys that sign ServiceAccount tokens (kube-apiserver's --service-account-signing-key-file):
# a PEM file of RSA keys, 0600, made once. The first key signs; every key in it verifies, so a
# rotation puts a new key first and drops the old one once its tokens have expired (README).
ensure_service_account_key() {
  [[ -s $SERVICE_ACCOUNT_KEY_FILE ]] && return 0
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$SERVICE_ACCOUNT_KEY_FILE.new" >> "$LOG_DIR/tls.log" 2>&1) \
    || die "could not create the service account signing key (see $LOG_DIR/tls.log)."
  mv "$SERVICE_ACCOUNT_KEY_FILE.new" "$SERVICE_ACCOUNT_KEY_FILE"
}
