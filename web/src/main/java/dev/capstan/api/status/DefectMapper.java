package dev.capstan.api.status;

import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.CorruptObjectsException;
import dev.capstan.store.encryption.StorageTransformException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Logger;

/**
 * Anything that escapes a resource and is not a Status ({@link ApiExceptionMapper}) or an HTTP
 * error JAX-RS raised ({@link HttpErrorMapper}) is a defect, {@link Error}s and checked
 * exceptions included: {@link Defects} logs it and answers the 500. The exceptions: an
 * unavailable database, which is an outage (503), not a defect; an object that cannot be
 * decrypted, a 500 naming its storage path and why, as kube-apiserver answers; a list that met
 * such objects, kube-apiserver's 500 {@code StoreReadError} naming each.
 */
@Provider
public class DefectMapper implements ExceptionMapper<Throwable> {

  private static final Logger LOG = Logger.getLogger(DefectMapper.class.getName());

  @Context
  private HttpServletRequest request;

  @Override
  public Response toResponse(Throwable exception) {
    if (exception instanceof ApiException api) {
      // RESTEasy hands over an ApiException here when it came wrapped (e.g. from a CDI proxy)
      return Response.status(api.code()).type(MediaType.APPLICATION_JSON_TYPE)
          .entity(api.status()).build();
    }
    if (isConnectionBroken(exception)) {
      // the client went away while the answer was read or written: nothing is wrong here
      LOG.fine(() -> "Connection broken: " + exception);
      return Response.status(500).type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Statuses.internalError("the connection broke: " + exception.getMessage()))
          .build();
    }
    if (isDatabaseUnavailable(exception)) {
      ApiException unavailable = Statuses.serviceUnavailable(
          "the cluster state store (database) is unavailable; retry later");
      LOG.warning(() -> "Database unavailable: " + exception);
      return Response.status(503)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(unavailable.status())
          .build();
    }
    CorruptObjectsException corrupt = cause(exception, CorruptObjectsException.class);
    if (corrupt != null) {
      // a list met objects it cannot read: it names them, for an unsafe deletion
      LOG.warning(() -> "List of unreadable objects: " + corrupt.getMessage());
      String resource = ResourceTypes.all().stream()
          .filter(type -> type.group().equals(corrupt.apiGroup())
              && type.kind().equals(corrupt.kind()))
          .map(ResourceType::plural).findFirst().orElse(corrupt.kind().toLowerCase());
      return Response.status(500).type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Statuses.storeReadError(corrupt.apiGroup(), resource, corrupt)).build();
    }
    StorageTransformException unreadable = cause(exception, StorageTransformException.class);
    if (unreadable != null) {
      // as kube-apiserver: the object cannot be decrypted (its key was dropped, its row altered)
      LOG.severe(() -> "Unreadable object: " + unreadable.getMessage());
      return Response.status(500)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Statuses.internalError("Internal error occurred: " + unreadable.getMessage()))
          .build();
    }
    return Response.status(500)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Defects.report(exception, describe(request)))
        .build();
  }

  static String describe(HttpServletRequest request) {
    if (request == null) {
      return "a request";
    }
    return request.getMethod() + " " + request.getRequestURI();
  }

  /** An I/O failure of the request's own connection, as RESTEasy passes it (maybe wrapped). */
  private static boolean isConnectionBroken(Throwable failure) {
    Throwable t = failure;
    while (t.getClass().getName().startsWith("org.jboss.resteasy.") && t.getCause() != null
        && t.getCause() != t) {
      t = t.getCause();
    }
    return t instanceof java.io.IOException;
  }

  /** The first exception of this type in a failure's chain, or null. */
  private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  /**
   * A connection that could not be had (the pool's ResourceException) or was lost (SQL state
   * class 08) is an outage, not a defect: the client gets 503 and may retry.
   */
  static boolean isDatabaseUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof jakarta.resource.ResourceException
          || t instanceof java.net.ConnectException
          || t instanceof java.sql.SQLTransientConnectionException
          || t instanceof java.sql.SQLException sql && sql.getSQLState() != null
              && sql.getSQLState().startsWith("08")) {
        return true;
      }
    }
    return false;
  }
}
