/**
 * Encryption at rest, at the storage boundary, as kube-apiserver's {@code value.Transformer}s.
 *
 * <pre>
 *   ObjectStore / ChangeLog ──toStorage──▶ EncryptionAtRest ─▶ BodyTransformer (by group/kind)
 *     (JSON in, JSON out)   ◀─fromStorage─      │ file re-read          │
 *                                               ▼ on change             ▼
 *                                    EncryptionConfiguration ─▶ PrefixTransformers (ordered)
 *                                                                 ├ aesgcm key "key2"  writes
 *                                                                 ├ aesgcm key "key1"  reads (stale)
 *                                                                 └ identity           reads plain (stale)
 * </pre>
 *
 * <p>Nothing above the store sees ciphertext, and nothing below it sees plaintext of an
 * encrypted kind: the {@code body} columns of {@code api_object} and {@code api_change} hold
 * {@code "k8s:enc:aesgcm:v1:<key>:<base64>"}. A stale read (not the first provider) makes the
 * object's next update a write even when nothing changed, which is how a rotation re-encrypts.
 */
package dev.capstan.store.encryption;
