package dev.capstan.api.status;

import dev.capstan.jsonp.Json;
import dev.capstan.store.CorruptObjectsException;
import dev.capstan.validation.FieldError;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds the {@code Status} objects of the Kubernetes API (meta/v1), with the codes, reasons and
 * messages kubectl and client libraries recognise.
 */
public final class Statuses {

  private Statuses() {}

  /** 404: {@code namespaces "x" not found}. */
  public static ApiException notFound(String resource, String name) {
    return new ApiException(failure(404, "NotFound",
        resource + " \"" + name + "\" not found", details(name, resource)));
  }

  /**
   * 404 for a resource of a named group: {@code nodemetrics.metrics.k8s.io "x" not found}, with
   * the group and resource in its details, as Kubernetes' {@code NewNotFound}.
   */
  public static ApiException notFound(String group, String resource, String name) {
    return new ApiException(failure(404, "NotFound",
        resource + "." + group + " \"" + name + "\" not found",
        Json.createObjectBuilder().add("name", name).add("group", group).add("kind", resource)));
  }

  /**
   * 405 for an action a resource does not serve at all (Kubernetes' {@code
   * NewMethodNotSupported}): {@code watch is not supported on resources of kind
   * "pods.metrics.k8s.io"}.
   */
  public static ApiException methodNotSupported(String group, String resource, String action) {
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    return new ApiException(failure(405, "MethodNotAllowed",
        action + " is not supported on resources of kind \"" + qualified + "\"",
        Json.createObjectBuilder().add("group", group).add("kind", resource)));
  }

  /** 409: {@code namespaces "x" already exists}. */
  public static ApiException alreadyExists(String resource, String name) {
    return new ApiException(failure(409, "AlreadyExists",
        resource + " \"" + name + "\" already exists", details(name, resource)));
  }

  /** 404 for a URL that names nothing the API serves. */
  public static ApiException notFoundPath() {
    return new ApiException(failure(404, "NotFound",
        "the server could not find the requested resource", null));
  }

  /** 409: a write whose resourceVersion or uid precondition no longer holds. */
  public static ApiException conflict(String resource, String name, String reason) {
    return new ApiException(failure(409, "Conflict",
        "Operation cannot be fulfilled on " + resource + " \"" + name + "\": " + reason,
        details(name, resource)));
  }

  /** 405: e.g. POST to an object, or a write to a read-only kind. */
  public static ApiException methodNotAllowed(String method) {
    return new ApiException(failure(405, "MethodNotAllowed",
        "the server does not allow this method on the requested resource", null));
  }

  /** 403, e.g. creating in a namespace that is being deleted. */
  public static ApiException forbidden(String message) {
    return new ApiException(failure(403, "Forbidden", message, null));
  }

  /** 403 from an admission plugin: {@code pods "x" is forbidden: exceeded quota: ...}. */
  public static ApiException forbidden(String resource, String name, String message) {
    return new ApiException(failure(403, "Forbidden", message, details(name, resource)));
  }

  /** 415 for a PATCH whose Content-Type is not a patch type. */
  public static ApiException unsupportedPatch(java.util.Optional<jakarta.ws.rs.core.MediaType> type) {
    return new ApiException(failure(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include:"
            + " application/json-patch+json, application/merge-patch+json,"
            + " application/strategic-merge-patch+json", null));
  }

  /** 422 for a patch that cannot be applied (a failed JSON Patch test, a malformed directive). */
  public static ApiException invalidPatch(String message) {
    return new ApiException(failure(422, "Invalid",
        "the server rejected our request due to an error in our request: " + message, null));
  }

  /** 410 Expired: a resourceVersion older than the compacted history. */
  public static JsonObject gone(String message) {
    return failure(410, "Expired", message, null);
  }

  /** 400: the request itself cannot be understood (e.g. malformed JSON). */
  public static ApiException badRequest(String message) {
    return new ApiException(failure(400, "BadRequest", message, null));
  }

  /**
   * 413 {@code RequestEntityTooLarge}: a body, or the object it makes, larger than the API takes
   * ({@code Request entity too large: limit is 3145728}, kube-apiserver's words).
   */
  public static ApiException requestEntityTooLarge(String message) {
    return new ApiException(failure(413, "RequestEntityTooLarge",
        "Request entity too large: " + message, null));
  }

  /**
   * 413 for an object larger than the store keeps. kube-apiserver passes etcd's refusal on as it
   * is, a 500 whose message is {@code etcdserver: request is too large}; here the code says what
   * it is (bad input, not a server failure: issue 13 allows no 5xx for it) and the message is
   * etcd's, the words users and scripts know.
   */
  public static ApiException tooLargeToStore() {
    return new ApiException(failure(413, "RequestEntityTooLarge",
        "etcdserver: request is too large", null));
  }

  /** 415: a body in a media type this endpoint does not read. */
  public static ApiException unsupportedMediaType(String mediaType) {
    return new ApiException(failure(415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include:"
            + " application/json, application/yaml, application/vnd.kubernetes.protobuf", null));
  }

  /** 422: {@code Namespace "X" is invalid: metadata.name: Invalid value: ...}, one cause per field. */
  public static ApiException invalid(String kind, String name, List<FieldError> errors) {
    return invalid("", kind, name, errors);
  }

  /**
   * 422 for an object of a kind in a named group, qualified as kube-apiserver qualifies it
   * ({@code GroupKind.String()}): {@code RoleBinding.rbac.authorization.k8s.io "rb" is invalid:
   * ...}, with the group and the bare kind in the details (what kubectl prints from).
   */
  public static ApiException invalid(String group, String kind, String name,
      List<FieldError> errors) {
    JsonObjectBuilder details = Json.createObjectBuilder().add("name", name);
    if (!group.isEmpty()) {
      details.add("group", group);
    }
    details.add("kind", kind).add("causes", causes(errors));
    String qualified = group.isEmpty() ? kind : kind + "." + group;
    return new ApiException(failure(422, "Invalid",
        qualified + " \"" + name + "\" is invalid: " + summary(errors), details));
  }

  /**
   * 422 for a request's options (its query or DeleteOptions body), as kube-apiserver words it:
   * {@code DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: ...}.
   *
   * @param kind {@code CreateOptions}, {@code DeleteOptions}, {@code ListOptions}, ...
   */
  public static ApiException invalidOptions(String kind, List<FieldError> errors) {
    JsonObjectBuilder details = Json.createObjectBuilder().add("group", "meta.k8s.io")
        .add("kind", kind).add("causes", causes(errors));
    return new ApiException(failure(422, "Invalid",
        kind + ".meta.k8s.io \"\" is invalid: " + summary(errors), details));
  }

  private static JsonArrayBuilder causes(List<FieldError> errors) {
    JsonArrayBuilder causes = Json.createArrayBuilder();
    for (FieldError error : errors) {
      causes.add(Json.createObjectBuilder()
          .add("reason", error.reason())
          .add("message", error.message())
          .add("field", error.field()));
    }
    return causes;
  }

  /** One error as itself, several as Go prints an aggregate: {@code [a, b]}. */
  private static String summary(List<FieldError> errors) {
    return errors.size() == 1
        ? errors.get(0).toString()
        : errors.stream().map(FieldError::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * 429: the request may succeed later, e.g. an eviction a disruption budget forbids now; one
   * cause says why.
   */
  public static ApiException tooManyRequests(String message, String causeReason,
      String causeMessage) {
    JsonObjectBuilder details = Json.createObjectBuilder().add("causes", Json.createArrayBuilder()
        .add(Json.createObjectBuilder().add("reason", causeReason).add("message", causeMessage)));
    return new ApiException(failure(429, "TooManyRequests", message, details));
  }

  /**
   * 429 as kube-apiserver's max-in-flight filter answers it: the client may retry after
   * {@code retryAfterSeconds} (also sent as the {@code Retry-After} header).
   */
  public static JsonObject tooManyRequests(String message, int retryAfterSeconds) {
    return failure(429, "TooManyRequests", message,
        Json.createObjectBuilder().add("retryAfterSeconds", retryAfterSeconds));
  }

  /** 503: a dependency of this request (the database) is unavailable; the client may retry. */
  public static ApiException serviceUnavailable(String message) {
    return new ApiException(failure(503, "ServiceUnavailable", message, null));
  }

  /** 500: a defect. The message names no internals; the log has the stack trace. */
  public static JsonObject internalError(String message) {
    return failure(500, "InternalError", message, null);
  }

  /** A Status for any HTTP error JAX-RS raised itself (unknown path, wrong method, ...). */
  public static JsonObject forHttpCode(int code, String message) {
    String reason = switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 406 -> "NotAcceptable";
      case 409 -> "Conflict";
      case 413 -> "RequestEntityTooLarge";
      case 415 -> "UnsupportedMediaType";
      case 503 -> "ServiceUnavailable";
      default -> code >= 500 ? "InternalError" : "BadRequest";
    };
    return failure(code, reason, message, null);
  }

  /**
   * 500 {@code StoreReadError}: a list met objects it cannot read, as kube-apiserver answers it
   * (KEP-3926): {@code failed to read one or more configmaps from the storage}, one cause per
   * object whose {@code field} is its storage key, for an administrator to delete unsafely.
   *
   * @param group the API group, empty for the core group
   * @param resource the plural resource name
   */
  public static JsonObject storeReadError(String group, String resource,
      CorruptObjectsException corrupt) {
    JsonArrayBuilder causes = Json.createArrayBuilder();
    for (CorruptObjectsException.Corrupt object : corrupt.objects()) {
      causes.add(Json.createObjectBuilder().add("reason", "UnexpectedServerResponse")
          .add("message", object.error()).add("field", object.storageKey()));
    }
    if (corrupt.truncated()) {
      causes.add(Json.createObjectBuilder().add("reason", "TooMany")
          .add("message", "too many errors, the list is truncated"));
    }
    JsonObjectBuilder details = Json.createObjectBuilder().add("name", "list");
    if (!group.isEmpty()) {
      details.add("group", group);
    }
    details.add("kind", resource).add("causes", causes);
    String qualified = group.isEmpty() ? resource : resource + "." + group;
    return failure(500, "StoreReadError",
        "failed to read one or more " + qualified + " from the storage", details);
  }

  /** {@code {"kind":"Status","status":"Success","code":N}}: the answer to a binding. */
  public static JsonObject success(int code) {
    return Json.createObjectBuilder().add("kind", "Status").add("apiVersion", "v1")
        .add("metadata", Json.createObjectBuilder()).add("status", "Success").add("code", code)
        .build();
  }

  /** A Status body for answers that are not exceptions (e.g. a refused WebSocket upgrade). */
  public static JsonObject failure(int code, String reason, String message) {
    return failure(code, reason, message, null);
  }

  private static JsonObjectBuilder details(String name, String kind) {
    return Json.createObjectBuilder().add("name", name).add("kind", kind);
  }

  private static JsonObject failure(int code, String reason, String message,
      JsonObjectBuilder details) {
    JsonObjectBuilder status = Json.createObjectBuilder()
        .add("kind", "Status")
        .add("apiVersion", "v1")
        .add("metadata", Json.createObjectBuilder())
        .add("status", "Failure")
        .add("message", message)
        .add("reason", reason);
    if (details != null) {
      status.add("details", details);
    }
    return status.add("code", code).build();
  }
}
