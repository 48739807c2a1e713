package dev.capstan.api.objects;

import dev.capstan.api.options.MetaOptions;
import dev.capstan.api.options.QueryValues;
import dev.capstan.api.status.Statuses;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The body of a DELETE, Kubernetes' {@code meta/v1 DeleteOptions}: preconditions and dry run are
 * honoured; {@code propagationPolicy} (or the older {@code orphanDependents}) tells the garbage
 * collector, {@code gracePeriodSeconds} the node agent. Each field is decoded with its Go type
 * (a string where a number belongs is Kubernetes' {@code json: cannot unmarshal} 400) and the
 * whole validated as kube-apiserver validates it ({@link MetaOptions#validateDelete}).
 * {@code ignoreStoreReadErrorWithClusterBreakingPotential} asks for the unsafe deletion of a
 * corrupt object ({@link UnsafeDeletion}).
 */
record DeleteOptions(Preconditions preconditions, boolean dryRun, Optional<String> propagationPolicy,
    OptionalLong gracePeriodSeconds, Optional<Boolean> orphanDependents, List<String> dryRunValues,
    boolean preconditionsSet, boolean ignoreStoreReadError) {

  static DeleteOptions decode(Optional<MediaType> contentType, byte[] body) {
    if (body == null || body.length == 0 || Bodies.text(body).isBlank()) {
      return new DeleteOptions(Preconditions.NONE, false, Optional.empty(), OptionalLong.empty(),
          Optional.empty(), List.of(), false, false);
    }
    return of(Bodies.decode(contentType, body), "");
  }

  /**
   * Options from a decoded {@code DeleteOptions} object (a DELETE's body, an Eviction's part).
   * A member of the wrong JSON type is Go's {@code json: cannot unmarshal} 400, which names the
   * innermost struct and the field's path from the top of the body:
   * {@code Go struct field Preconditions.preconditions.uid of type types.UID}.
   *
   * @param at where the options are in the body: {@code ""}, or {@code "deleteOptions."} in an
   *     Eviction
   */
  static DeleteOptions of(JsonObject options, String at) {
    string(options, "DeleteOptions", at + "kind", "kind", "string");
    string(options, "DeleteOptions", at + "apiVersion", "apiVersion", "string");
    Optional<String> uid = Optional.empty();
    Optional<Long> resourceVersion = Optional.empty();
    Optional<String> unmatchable = Optional.empty();
    JsonValue preconditionsValue = options.getOrDefault("preconditions", JsonValue.NULL);
    if (preconditionsValue instanceof JsonObject preconditions) {
      String inside = at + "preconditions.";
      uid = string(preconditions, "Preconditions", inside + "uid", "uid", "types.UID");
      Optional<String> text = string(preconditions, "Preconditions", inside + "resourceVersion",
          "resourceVersion", "string");
      // Kubernetes compares it as a string with the object's, so what is not a revision as
      // Capstan writes one ("abc", "007", a number past a long) is a mismatch: 409, not a 400
      Optional<Long> revision = text.flatMap(DeleteOptions::revision);
      if (text.isPresent() && revision.isEmpty()) {
        unmatchable = text;
      }
      resourceVersion = revision;
    } else if (preconditionsValue != JsonValue.NULL) {
      throw unmarshal(preconditionsValue, "DeleteOptions", at + "preconditions",
          "v1.Preconditions");
    }
    Optional<String> policy = string(options, "DeleteOptions", at + "propagationPolicy",
        "propagationPolicy", "v1.DeletionPropagation");
    Optional<Boolean> orphan = Optional.empty();
    JsonValue orphanValue = options.getOrDefault("orphanDependents", JsonValue.NULL);
    if (orphanValue == JsonValue.TRUE || orphanValue == JsonValue.FALSE) {
      orphan = Optional.of(orphanValue == JsonValue.TRUE);
    } else if (orphanValue != JsonValue.NULL) {
      throw unmarshal(orphanValue, "DeleteOptions", at + "orphanDependents", "bool");
    }
    List<String> dryRun = new ArrayList<>();
    JsonValue dryRunValue = options.getOrDefault("dryRun", JsonValue.NULL);
    if (dryRunValue instanceof JsonArray values) {
      for (JsonValue value : values) {
        if (!(value instanceof JsonString text)) {
          throw unmarshal(value, "DeleteOptions", at + "dryRun", "string");
        }
        dryRun.add(text.getString());
      }
    } else if (dryRunValue != JsonValue.NULL) {
      throw unmarshal(dryRunValue, "DeleteOptions", at + "dryRun", "[]string");
    }
    OptionalLong grace = OptionalLong.empty();
    JsonValue graceValue = options.getOrDefault("gracePeriodSeconds", JsonValue.NULL);
    if (graceValue instanceof JsonNumber seconds) {
      try {
        grace = OptionalLong.of(seconds.bigDecimalValue().longValueExact());
      } catch (ArithmeticException e) {
        throw Statuses.badRequest("json: cannot unmarshal number " + seconds
            + " into Go struct field DeleteOptions." + at + "gracePeriodSeconds of type int64");
      }
    } else if (graceValue != JsonValue.NULL) {
      throw unmarshal(graceValue, "DeleteOptions", at + "gracePeriodSeconds", "int64");
    }
    boolean ignoreStoreReadError = false;
    JsonValue ignoreValue = options.getOrDefault(MetaOptions.IGNORE_STORE_READ_ERROR,
        JsonValue.NULL);
    if (ignoreValue == JsonValue.TRUE || ignoreValue == JsonValue.FALSE) {
      ignoreStoreReadError = ignoreValue == JsonValue.TRUE;
    } else if (ignoreValue != JsonValue.NULL) {
      throw unmarshal(ignoreValue, "DeleteOptions", at + MetaOptions.IGNORE_STORE_READ_ERROR, "bool");
    }
    boolean preconditionsSet = preconditionsValue != JsonValue.NULL;
    MetaOptions.validateDelete(policy, orphan, dryRun, grace.isPresent(), preconditionsSet,
        ignoreStoreReadError);
    return new DeleteOptions(new Preconditions(uid, resourceVersion, unmatchable),
        !dryRun.isEmpty(), policy, grace, orphan, dryRun, preconditionsSet, ignoreStoreReadError);
  }

  /**
   * The query's options over the body's (kubectl sends {@code gracePeriodSeconds} in both); the
   * query was validated with the verb ({@link MetaOptions#checkDelete}).
   */
  DeleteOptions withQuery(RequestOptions request) {
    Optional<String> policy = propagationPolicy.or(() -> request.param("propagationPolicy"));
    Optional<Boolean> orphan = orphanDependents.or(() ->
        QueryValues.optionalBool(request.query(), "orphanDependents"));
    OptionalLong grace = QueryValues.int64(request.query(), "gracePeriodSeconds");
    if (grace.isEmpty()) {
      grace = gracePeriodSeconds;
    }
    List<String> dryRunAll = dryRunValues.isEmpty() ? MetaOptions.dryRun(request.query())
        : dryRunValues;
    boolean ignore = ignoreStoreReadError || QueryValues.optionalBool(request.query(),
        MetaOptions.IGNORE_STORE_READ_ERROR).orElse(false);
    MetaOptions.validateDelete(policy, orphan, dryRunAll, grace.isPresent(), preconditionsSet,
        ignore);
    return new DeleteOptions(preconditions, !dryRunAll.isEmpty(), policy, grace, orphan,
        dryRunAll, preconditionsSet, ignore);
  }

  /**
   * The policy the garbage collector follows: the one asked for, or the older
   * {@code orphanDependents} (true: orphan, false: delete them in the background).
   */
  Optional<String> effectivePropagationPolicy() {
    return propagationPolicy.or(() -> orphanDependents.map(orphan -> orphan ? "Orphan"
        : "Background"));
  }

  /**
   * The grace period asked for; a negative one counts as one second, as kube-apiserver treats it
   * ({@code BeforeDelete}).
   */
  OptionalLong effectiveGracePeriodSeconds() {
    return gracePeriodSeconds.isPresent() && gracePeriodSeconds.getAsLong() < 0
        ? OptionalLong.of(1) : gracePeriodSeconds;
  }

  private static Optional<String> string(JsonObject object, String struct, String path,
      String field, String goType) {
    JsonValue value = object.getOrDefault(field, JsonValue.NULL);
    if (value instanceof JsonString text) {
      return Optional.of(text.getString());
    }
    if (value != JsonValue.NULL) {
      throw unmarshal(value, struct, path, goType);
    }
    return Optional.empty();
  }

  /** Go's {@code encoding/json} type error, as kube-apiserver answers a mistyped body. */
  private static RuntimeException unmarshal(JsonValue value, String struct, String path,
      String goType) {
    String jsonType = switch (value.getValueType()) {
      case STRING -> "string";
      case NUMBER -> "number";
      case TRUE, FALSE -> "bool";
      case ARRAY -> "array";
      case OBJECT -> "object";
      case NULL -> "null";
    };
    return Statuses.badRequest("json: cannot unmarshal " + jsonType + " into Go struct field "
        + struct + "." + path + " of type " + goType);
  }

  /** A resource version as Capstan writes them (a revision's decimal digits), or none. */
  private static Optional<Long> revision(String text) {
    try {
      long revision = Long.parseLong(text);
      return Long.toString(revision).equals(text) ? Optional.of(revision) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
