/**
 * ServiceAccount tokens as Kubernetes issues them: RS256-signed JWTs whose claims name the
 * account, and the pod, secret or node they are bound to.
 *
 * <pre>
 *   signing key file (PEM, 1..n keys)      ── SigningKeys: first signs, all verify, reread on change
 *        │
 *   TokenRequest ── ServiceAccountTokens.issue(TokenClaims) ──► compact JWS
 *   bearer token ── ServiceAccountTokens.verify(jws, audiences) ──► TokenClaims
 *                     (signature, alg, iss, exp/nbf with leeway, aud)
 *                  ── the API's authenticator then checks the account and the bound object
 *                     still exist with the token's uids
 * </pre>
 *
 * Nothing here keeps state per server: every control plane reads the same key file, so a token
 * issued by one verifies on all.
 */
package dev.capstan.access.tokens;
