package dev.capstan.api.status;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Errors JAX-RS raises before a resource runs (no such path, method not allowed, unreadable
 * body) get a {@code Status} object too, so clients never see an HTML error page.
 */
@Provider
public class HttpErrorMapper implements ExceptionMapper<WebApplicationException> {

  @Override
  public Response toResponse(WebApplicationException exception) {
    int code = exception.getResponse().getStatus();
    String message = code == 404
        ? "the server could not find the requested resource"
        : exception.getMessage() == null ? "HTTP " + code : exception.getMessage();
    return Response.status(code)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Statuses.forHttpCode(code, message))
        .build();
  }
}
