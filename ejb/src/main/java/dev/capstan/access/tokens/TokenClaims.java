package dev.capstan.access.tokens;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a ServiceAccount token says (kube-apiserver's {@code serviceaccount.privateClaims} with
 * the registered claims).
 *
 * @param issuer {@code iss}
 * @param audiences {@code aud}
 * @param issuedAt {@code iat}, also {@code nbf}
 * @param expires {@code exp}
 * @param id {@code jti}, the credential id
 * @param namespace the account's namespace
 * @param serviceAccount the account's name and uid
 * @param pod the pod the token is bound to, if any
 * @param secret the secret the token is bound to, if any
 * @param node the node the token is bound to, or the bound pod's node
 */
public record TokenClaims(String issuer, List<String> audiences, Instant issuedAt,
    Instant expires, String id, String namespace, Ref serviceAccount, Optional<Ref> pod,
    Optional<Ref> secret, Optional<Ref> node) {

  public static final String SUBJECT_PREFIX = "system:serviceaccount:";

  public TokenClaims {
    audiences = List.copyOf(audiences);
  }

  /** An object the token names: its name and uid. */
  public record Ref(String name, String uid) {}

  /** {@code system:serviceaccount:<namespace>:<name>}, the token's {@code sub} and user name. */
  public String subject() {
    return SUBJECT_PREFIX + namespace + ":" + serviceAccount.name();
  }
}
