package dev.capstan.api.status;

import dev.capstan.store.RefusedRequest;
import jakarta.json.JsonObject;

/**
 * A request that fails the way Kubernetes fails it: with a {@code Status} object. Throw it from a
 * resource; {@link ApiExceptionMapper} turns it into the response. A {@link RefusedRequest}, so
 * that one thrown inside a store transaction (an update's validation) rolls it back without
 * WildFly logging it as a failed EJB invocation.
 */
public class ApiException extends RefusedRequest {

  private final transient JsonObject status;

  public ApiException(JsonObject status) {
    super(status.getString("message", ""));
    this.status = status;
  }

  public JsonObject status() {
    return status;
  }

  public int code() {
    return status.getInt("code");
  }
}
