package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The ServiceAccount admission rule for pods: a pod that names no service account runs as the
 * namespace's {@code default} one ({@code spec.serviceAccountName}, and the deprecated
 * {@code spec.serviceAccount} alike); one that names another must name an existing account.
 *
 * <p>Unlike Kubernetes, a missing {@code default} account does not refuse the pod: the service
 * account controller creates it for every namespace (and again if it is deleted), and refusing
 * pods in the moment between a namespace's creation and that would only make the first pods
 * of a new namespace fail by chance (Kubernetes itself retries that lookup for up to a second
 * or two).
 *
 * <p>Then, as Kubernetes' plugin does, every container and init container that does not already
 * mount something at {@value #TOKEN_MOUNT_PATH} gets a read-only mount of a projected volume
 * {@code kube-api-access-<5 random>}: a pod-bound ServiceAccount token ({@code token}, 3607 s,
 * refreshed by the node agent), the cluster CA from ConfigMap {@code kube-root-ca.crt}
 * ({@code ca.crt}) and the pod's {@code namespace}; unless {@code automountServiceAccountToken}
 * is false on the pod, or on its account and not true on the pod.
 */
public final class ServiceAccountAdmission {

  public static final String DEFAULT = "default";
  /** Kubernetes' reason for refusing a mirror pod that names an account. */
  public static final String MIRROR_WITH_ACCOUNT = "a mirror pod may not reference service accounts";
  private static final String MIRROR = "kubernetes.io/config.mirror";
  public static final String TOKEN_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  public static final String TOKEN_VOLUME_PREFIX = "kube-api-access-";
  public static final String ROOT_CA_CONFIG_MAP = "kube-root-ca.crt";
  /** What the kubelet's pod-bound token lives for; Kubernetes' {@code 60*60 + 7}. */
  public static final long TOKEN_EXPIRATION_SECONDS = 3607;
  /** Kubernetes' {@code rand.String} alphabet: no vowels, no look-alike characters. */
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

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

  /**
   * Whether the pod gets the token volume: the pod's {@code automountServiceAccountToken} if
   * set, else its account's, else yes.
   */
  public static boolean automounts(JsonObject pod, Optional<JsonObject> account) {
    JsonValue onPod = object(pod, "spec").get("automountServiceAccountToken");
    if (onPod == JsonValue.TRUE || onPod == JsonValue.FALSE) {
      return onPod == JsonValue.TRUE;
    }
    return account.map(sa -> sa.get("automountServiceAccountToken") != JsonValue.FALSE)
        .orElse(true);
  }

  /**
   * The pod with the projected token volume and its mount in every (init) container that has
   * nothing at {@value #TOKEN_MOUNT_PATH} yet, field for field as Kubernetes writes them.
   */
  public static JsonObject withTokenVolume(JsonObject pod, RandomGenerator random) {
    JsonObject spec = object(pod, "spec");
    JsonArray volumes = spec.get("volumes") instanceof JsonArray array ? array
        : JsonValue.EMPTY_JSON_ARRAY;
    Optional<String> existing = volumes.stream().map(JsonValue::asJsonObject)
        .map(volume -> volume.getString("name", ""))
        .filter(name -> name.startsWith(TOKEN_VOLUME_PREFIX)).findFirst();
    String volumeName = existing.orElseGet(() -> TOKEN_VOLUME_PREFIX + suffix(random));
    JsonObject mount = Json.createObjectBuilder().add("name", volumeName).add("readOnly", true)
        .add("mountPath", TOKEN_MOUNT_PATH).build();
    var newSpec = Json.createObjectBuilder(spec);
    boolean needed = false;
    for (String field : new String[] {"initContainers", "containers"}) {
      if (!(spec.get(field) instanceof JsonArray containers)) {
        continue;
      }
      JsonArrayBuilder mounted = Json.createArrayBuilder();
      for (JsonValue value : containers) {
        JsonObject container = value.asJsonObject();
        JsonArray mounts = container.get("volumeMounts") instanceof JsonArray array ? array
            : JsonValue.EMPTY_JSON_ARRAY;
        boolean hasOwn = mounts.stream().map(JsonValue::asJsonObject)
            .anyMatch(m -> TOKEN_MOUNT_PATH.equals(m.getString("mountPath", "")));
        if (hasOwn) {
          mounted.add(container);
        } else {
          needed = true;
          mounted.add(Json.createObjectBuilder(container).add("volumeMounts",
              Json.createArrayBuilder(mounts).add(mount)));
        }
      }
      newSpec.add(field, mounted);
    }
    if (!needed) {
      return pod;
    }
    if (existing.isEmpty()) {
      newSpec.add("volumes", Json.createArrayBuilder(volumes).add(tokenVolume(volumeName)));
    }
    return Json.createObjectBuilder(pod).add("spec", newSpec).build();
  }

  /** Kubernetes' {@code kube-api-access-*} projected volume. */
  static JsonObject tokenVolume(String name) {
    return Json.createObjectBuilder().add("name", name).add("projected", Json.createObjectBuilder()
        .add("sources", Json.createArrayBuilder()
            .add(Json.createObjectBuilder().add("serviceAccountToken", Json.createObjectBuilder()
                .add("expirationSeconds", TOKEN_EXPIRATION_SECONDS).add("path", "token")))
            .add(Json.createObjectBuilder().add("configMap", Json.createObjectBuilder()
                .add("name", ROOT_CA_CONFIG_MAP)
                .add("items", Json.createArrayBuilder().add(Json.createObjectBuilder()
                    .add("key", "ca.crt").add("path", "ca.crt")))))
            .add(Json.createObjectBuilder().add("downwardAPI", Json.createObjectBuilder()
                .add("items", Json.createArrayBuilder().add(Json.createObjectBuilder()
                    .add("path", "namespace").add("fieldRef", Json.createObjectBuilder()
                        .add("apiVersion", "v1").add("fieldPath", "metadata.namespace")))))))
        .add("defaultMode", 420)).build();
  }

  private static String suffix(RandomGenerator random) {
    StringBuilder suffix = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      suffix.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return suffix.toString();
  }
}
