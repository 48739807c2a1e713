package dev.capstan.api.status;

import jakarta.json.JsonObject;

/**
 * A request that fails the way Kubernetes fails it: with a {@code Status} object. Throw it from a
 * resource; {@link ApiExceptionMapper} turns it into the response.
 */
public class ApiException extends RuntimeException {

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
