package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The ServiceAccount admission rule for pods: a pod that names no service account runs as the
 * namespace's {@code default} one ({@code spec.serviceAccountName}, and the deprecated
 * {@code spec.serviceAccount} alike); one that names another must name an existing account.
 *
 * <p>Unlike Kubernetes, a missing {@code default} account does not refuse the pod: the service
 * account controller creates it for every namespace (and again if it is deleted), and refusing
 * pods in the moment between a namespace's creation and that would only make the first pods
 * of a new namespace fail by chance (Kubernetes itself retries that lookup for up to a second
 * or two). Tokens are not mounted: there are no service account tokens yet.
 */
public final class ServiceAccountAdmission {

  public static final String DEFAULT = "default";
  /** Kubernetes' reason for refusing a mirror pod that names an account. */
  public static final String MIRROR_WITH_ACCOUNT = "a mirror pod may not reference service accounts";
  private static final String MIRROR = "kubernetes.io/config.mirror";

  private ServiceAccountAdmission() {}

  /** The service account the pod runs as once admitted. */
  public static String accountOf(JsonObject pod) {
    JsonObject spec = object(pod, "spec");
    String name = spec.getString("serviceAccountName", "");
    if (name.isEmpty()) {
      name = spec.getString("serviceAccount", "");
    }
    return name.isEmpty() ? DEFAULT : name;
  }

  /**
   * A mirror pod (a node's static pod, annotated {@code kubernetes.io/config.mirror}) gets no
   * account: the node runs it from its manifest, which must not name one.
   */
  public static boolean isMirror(JsonObject pod) {
    return object(object(pod, "metadata"), "annotations").containsKey(MIRROR);
  }

  /** The pod with both service account fields set. */
  public static JsonObject withAccount(JsonObject pod) {
    String account = accountOf(pod);
    return Json.createObjectBuilder(pod).add("spec", Json.createObjectBuilder(object(pod, "spec"))
        .add("serviceAccountName", account).add("serviceAccount", account)).build();
  }

  /** Whether admission must find the account before admitting the pod. */
  public static boolean mustExist(String account) {
    return !account.equals(DEFAULT);
  }

  /** Kubernetes' reason for refusing a pod whose account does not exist. */
  public static String notFound(String namespace, String account) {
    return "error looking up service account " + namespace + "/" + account
        + ": serviceaccount \"" + account + "\" not found";
  }
}
