package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.logging.Logger;

/**
 * Kubernetes' DefaultTolerationSeconds admission step, applied to pods on create: a pod that
 * does not already tolerate them gets tolerations of the {@code node.kubernetes.io/not-ready}
 * and {@code node.kubernetes.io/unreachable} NoExecute taints for a limited time, so the node
 * lifecycle controller deletes it that long after its node is lost and its controller makes it
 * again elsewhere. Kubernetes waits 300 s; here {@code capstan.node.default-toleration-seconds}
 * (10 s by default), so that with the 40 s monitor grace period a lost node's pods run elsewhere
 * within a minute.
 */
public final class DefaultTolerationSeconds {

  public static final String PROPERTY = "capstan.node.default-toleration-seconds";
  static final long DEFAULT_SECONDS = 10;
  static final String NOT_READY = "node.kubernetes.io/not-ready";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  private static final Logger LOG = Logger.getLogger(DefaultTolerationSeconds.class.getName());

  private DefaultTolerationSeconds() {}

  /** The object with the default tolerations added, if it is a pod that lacks them. */
  public static JsonObject apply(String group, String kind, JsonObject object) {
    if (!group.isEmpty() || !kind.equals("Pod")) {
      return object;
    }
    return apply(object, seconds());
  }

  static JsonObject apply(JsonObject pod, long seconds) {
    JsonObject spec = object(pod, "spec");
    List<JsonObject> tolerations = objects(spec, "tolerations");
    JsonArrayBuilder result = Json.createArrayBuilder();
    tolerations.forEach(result::add);
    boolean added = false;
    for (String key : List.of(NOT_READY, UNREACHABLE)) {
      if (!toleratesNoExecute(tolerations, key)) {
        result.add(Json.createObjectBuilder().add("key", key).add("operator", "Exists")
            .add("effect", "NoExecute").add("tolerationSeconds", seconds));
        added = true;
      }
    }
    if (!added) {
      return pod;
    }
    return Json.createObjectBuilder(pod)
        .add("spec", Json.createObjectBuilder(spec).add("tolerations", result)).build();
  }

  /** As Kubernetes checks it: any toleration of that key (or of every key) for NoExecute. */
  private static boolean toleratesNoExecute(List<JsonObject> tolerations, String key) {
    return tolerations.stream().anyMatch(toleration -> {
      String tolerated = toleration.getString("key", "");
      String effect = toleration.getString("effect", "");
      return (tolerated.equals(key) || tolerated.isEmpty())
          && (effect.equals("NoExecute") || effect.isEmpty());
    });
  }

  static long seconds() {
    String value = System.getProperty(PROPERTY, "").trim();
    if (value.isEmpty()) {
      return DEFAULT_SECONDS;
    }
    try {
      return Math.max(0, Long.parseLong(value));
    } catch (NumberFormatException e) {
      LOG.warning(() -> PROPERTY + "=" + value + " is not a number of seconds; using "
          + DEFAULT_SECONDS);
      return DEFAULT_SECONDS;
    }
  }
}
