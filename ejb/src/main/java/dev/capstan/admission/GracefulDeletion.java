package dev.capstan.admission;

import static dev.capstan.json.JsonFields.object;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;

/**
 * How long a deleted object may take to stop, as Kubernetes decides it: only pods that a node
 * runs get a grace period (the request's {@code gracePeriodSeconds}, else their
 * {@code terminationGracePeriodSeconds}, else 30 s), during which their node agent stops their
 * containers; pods no node runs yet, and pods that already finished, go at once. Everything else
 * is deleted at once.
 */
public final class GracefulDeletion {

  static final long DEFAULT_POD_GRACE_SECONDS = 30;

  private GracefulDeletion() {}

  /** The grace period of a delete that asks for none, as the store applies it. */
  public static ToLongFunction<JsonObject> of(String group, String kind) {
    return current -> gracePeriodSeconds(group, kind, current, OptionalLong.empty());
  }

  public static long gracePeriodSeconds(String group, String kind, JsonObject current,
      OptionalLong requested) {
    if (!group.isEmpty() || !kind.equals("Pod")) {
      return 0;
    }
    JsonObject spec = object(current, "spec");
    String phase = object(current, "status").getString("phase", "");
    if (spec.getString("nodeName", "").isEmpty() || phase.equals("Succeeded")
        || phase.equals("Failed")) {
      return 0;
    }
    if (requested.isPresent()) {
      return Math.max(0, requested.getAsLong());
    }
    return spec.get("terminationGracePeriodSeconds") instanceof JsonNumber seconds
        ? Math.max(0, seconds.longValue()) : DEFAULT_POD_GRACE_SECONDS;
  }
}
