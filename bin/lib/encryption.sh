# Secrets encrypted at rest: kube-apiserver's EncryptionConfiguration file, written under the
# installation's secrets with a fresh aesgcm key on first start and handed to WildFly as
# -Dcapstan.encryption.config. Every server reading the file re-reads it within a second of a
# change, so a key rotation edits the file in steps and waits between them.

ENCRYPTION_CONFIG=${CAPSTAN_ENCRYPTION_CONFIG:-$SECRETS_DIR/encryption-config.yaml}
# How long servers may take to notice a changed file (they look once a second).
ENCRYPTION_RELOAD_WAIT=${CAPSTAN_ENCRYPTION_RELOAD_WAIT:-3}

new_encryption_key() {
  printf 'key-%s-%s %s\n' "$(date -u +%Y%m%dT%H%M%SZ)" "$(head -c 3 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
    "$(head -c 32 /dev/urandom | base64 -w0)"
}

# Writes the file with these aesgcm keys ("name secret" arguments; the first encrypts, all
# decrypt) and identity last, which reads Secrets stored before encryption was on. The file is
# replaced by a rename, so a server never reads half of it.
write_encryption_config() {
  local tmp key
  tmp=$(dirname "$ENCRYPTION_CONFIG")/.encryption-config.$$
  (
    umask 077
    {
      cat <<HEADER
# Secrets at rest (kube-apiserver's --encryption-provider-config format), written by
# bin/capstan. Rotate the key with: bin/capstan secrets rotate-key
apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources:
      - secrets
    providers:
      - aesgcm:
          keys:
HEADER
      for key in "$@"; do
        printf '            - name: %s\n              secret: %s\n' "${key%% *}" "${key#* }"
      done
      printf '      - identity: {}\n'
    } > "$tmp"
  )
  mv -f "$tmp" "$ENCRYPTION_CONFIG"
}

ensure_encryption_config() {
  [[ -s $ENCRYPTION_CONFIG ]] && return 0
  write_encryption_config "$(new_encryption_key)"
  say "Secrets are encrypted at rest with a new key (configuration: $ENCRYPTION_CONFIG)"
}

# The aesgcm keys of the file as "name secret" lines, in order; only for the layout written above.
encryption_keys() {
  if grep -Eq '^\s*-\s*(aescbc|secretbox|kms)\s*:' "$ENCRYPTION_CONFIG" \
    || [[ $(grep -Ec '^\s*-\s*aesgcm\s*:' "$ENCRYPTION_CONFIG") != 1 ]] \
    || [[ $(grep -Ec '^\s*-\s*resources\s*:' "$ENCRYPTION_CONFIG") != 1 ]]; then
    return 1
  fi
  awk '
    /^[[:space:]]*-[[:space:]]*aesgcm[[:space:]]*:/ { gcm = 1; next }
    /^[[:space:]]*-[[:space:]]*identity[[:space:]]*:/ { gcm = 0 }
    gcm && /^[[:space:]]*-[[:space:]]*name[[:space:]]*:/ { sub(/^[^:]*:[[:space:]]*/, ""); name = $0 }
    gcm && /^[[:space:]]*secret[[:space:]]*:/ { sub(/^[^:]*:[[:space:]]*/, ""); print name " " $0 }
  ' "$ENCRYPTION_CONFIG"
}

# kubectl as the installation's administrator (CAPSTAN_KUBECONFIG: another cluster's admin).
admin_kubectl() {
  command -v kubectl > /dev/null 2>&1 || die "kubectl is not installed; rotate-key re-encrypts the Secrets through the API with it."
  kubectl --kubeconfig "${CAPSTAN_KUBECONFIG:-$KUBECONFIG_FILE}" "$@"
}

# Re-encrypts every Secret as on Kubernetes (kubectl get secrets -A -o json | kubectl replace -f -):
# the server writes an unchanged object again when it was read with an older key, and with it
# the object's history in the change log.
reencrypt_secrets() {
  local secrets count attempt
  for attempt in 1 2 3; do
    secrets=$(admin_kubectl get secrets --all-namespaces -o json) || return 1
    count=$(grep -c '"kind": "Secret"' <<< "$secrets" || true)
    if ((count == 0)); then
      say "no Secrets to re-encrypt"
      return 0
    fi
    if admin_kubectl replace -f - <<< "$secrets" > /dev/null; then
      say "re-encrypted $count Secret(s)"
      return 0
    fi
    warn "some Secrets changed while being re-encrypted (attempt $attempt of 3); again"
  done
  return 1
}

# Kubernetes' rotation procedure, for every server reading the file: add the new key as a
# reader, wait; make it the writer, wait; rewrite every Secret; drop the old keys.
rotate_encryption_key() {
  [[ -s $ENCRYPTION_CONFIG ]] || die "there is no encryption configuration at $ENCRYPTION_CONFIG; 'bin/capstan up' writes one."
  local old=() new line
  while IFS= read -r line; do old+=("$line"); done < <(encryption_keys || true)
  ((${#old[@]} > 0)) || die "$ENCRYPTION_CONFIG is not laid out as bin/capstan writes it (one rule for secrets, aesgcm keys, identity); rotate its keys by hand as Kubernetes documents."
  admin_kubectl get --raw /readyz > /dev/null 2>&1 \
    || die "the control plane does not answer; start it ('bin/capstan up') before rotating the key, which re-encrypts the Secrets through it."
  new=$(new_encryption_key)
  say "adding key ${new%% *} for reading; waiting ${ENCRYPTION_RELOAD_WAIT} s for the servers to read it"
  write_encryption_config "${old[@]}" "$new"
  sleep "$ENCRYPTION_RELOAD_WAIT"
  say "making ${new%% *} the key Secrets are written with"
  write_encryption_config "$new" "${old[@]}"
  sleep "$ENCRYPTION_RELOAD_WAIT"
  reencrypt_secrets || die "not every Secret could be re-encrypted; both keys stay in $ENCRYPTION_CONFIG. Run 'bin/capstan secrets rotate-key' again."
  write_encryption_config "$new"
  local names=() key
  for key in "${old[@]}"; do names+=("${key%% *}"); done
  say "dropped the old key(s) ${names[*]}; Secrets are encrypted with ${new%% *}"
}
