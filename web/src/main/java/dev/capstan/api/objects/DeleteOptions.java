package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The body of a DELETE, Kubernetes' {@code meta/v1 DeleteOptions}: preconditions and dry run are
 * honoured now; {@code propagationPolicy} and {@code gracePeriodSeconds} are read and validated
 * for the garbage collector and the node agent (later issues).
 */
record DeleteOptions(Preconditions preconditions, boolean dryRun, Optional<String> propagationPolicy,
    OptionalLong gracePeriodSeconds) {

  static DeleteOptions decode(Optional<MediaType> contentType, byte[] body) {
    if (body == null || body.length == 0 || Bodies.text(body).isBlank()) {
      return new DeleteOptions(Preconditions.NONE, false, Optional.empty(), OptionalLong.empty());
    }
    return of(Bodies.decode(contentType, body));
  }

  /** Options from a decoded {@code DeleteOptions} object (a DELETE's body, an Eviction's part). */
  static DeleteOptions of(JsonObject options) {
    Optional<String> uid = Optional.empty();
    Optional<Long> resourceVersion = Optional.empty();
    if (options.get("preconditions") instanceof JsonObject preconditions) {
      uid = string(preconditions, "uid");
      try {
        resourceVersion = string(preconditions, "resourceVersion").map(Long::parseLong);
      } catch (NumberFormatException e) {
        throw Statuses.badRequest("preconditions.resourceVersion is not a resource version");
      }
    }
    Optional<String> policy = string(options, "propagationPolicy");
    policy.ifPresent(value -> {
      if (!value.equals("Orphan") && !value.equals("Background") && !value.equals("Foreground")) {
        throw Statuses.badRequest("propagationPolicy: Unsupported value: \"" + value
            + "\": supported values: \"Orphan\", \"Background\", \"Foreground\"");
      }
    });
    boolean dryRun = options.get("dryRun") instanceof JsonArray values
        && values.stream().anyMatch(v -> v instanceof JsonString s && s.getString().equals("All"));
    OptionalLong grace = OptionalLong.empty();
    if (options.get("gracePeriodSeconds") instanceof JsonNumber seconds) {
      grace = OptionalLong.of(seconds.longValue());
    } else if (options.containsKey("gracePeriodSeconds")
        && options.get("gracePeriodSeconds") != JsonValue.NULL) {
      throw Statuses.badRequest("gracePeriodSeconds must be a number of seconds");
    }
    return new DeleteOptions(new Preconditions(uid, resourceVersion), dryRun, policy, grace);
  }

  /** The query's {@code gracePeriodSeconds} (kubectl sends it there too) over the body's. */
  DeleteOptions withQuery(RequestOptions request) {
    Optional<String> policy = request.param("propagationPolicy");
    if (policy.isPresent() && propagationPolicy.isEmpty()) {
      return new DeleteOptions(preconditions, dryRun, policy, gracePeriodSeconds)
          .withQuery(request);
    }
    Optional<String> grace = request.param("gracePeriodSeconds");
    if (grace.isEmpty()) {
      return this;
    }
    try {
      return new DeleteOptions(preconditions, dryRun, propagationPolicy,
          OptionalLong.of(Long.parseLong(grace.get())));
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("invalid value for gracePeriodSeconds: " + grace.get());
    }
  }

  private static Optional<String> string(JsonObject object, String field) {
    return object.get(field) instanceof JsonString value ? Optional.of(value.getString())
        : Optional.empty();
  }
}
