package dev.capstan.nodes;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * Kubernetes' toleration matching: a toleration tolerates a taint when its effect is empty or
 * the same, and its key is empty with {@code Exists} (everything), or the same key with
 * {@code Exists} or ({@code Equal}, the default) the same value.
 */
public final class Tolerations {

  private Tolerations() {}

  public static boolean tolerates(JsonObject toleration, JsonObject taint) {
    String effect = toleration.getString("effect", "");
    if (!effect.isEmpty() && !effect.equals(taint.getString("effect", ""))) {
      return false;
    }
    String key = toleration.getString("key", "");
    if (!key.isEmpty() && !key.equals(taint.getString("key", ""))) {
      return false;
    }
    if ("Exists".equals(toleration.getString("operator", "Equal"))) {
      return true;
    }
    return toleration.getString("value", "").equals(taint.getString("value", ""))
        && !key.isEmpty();
  }

  public static boolean anyTolerates(List<JsonObject> tolerations, JsonObject taint) {
    return tolerations.stream().anyMatch(toleration -> tolerates(toleration, taint));
  }
}
