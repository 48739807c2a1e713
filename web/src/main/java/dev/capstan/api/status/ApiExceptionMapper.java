package dev.capstan.api.status;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Answers a failed API request with its {@code Status} object. */
@Provider
public class ApiExceptionMapper implements ExceptionMapper<ApiException> {

  @Override
  public Response toResponse(ApiException exception) {
    return Response.status(exception.code())
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(exception.status())
        .build();
  }
}
