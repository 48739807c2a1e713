package dev.capstan.api.status;

import dev.capstan.store.encryption.StorageTransformException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Anything else that escapes a resource is a defect: log it with an id, answer a 500 Status that
 * quotes the id and nothing internal. The exceptions: an unavailable database, which is an
 * outage (503), not a defect; an object that cannot be decrypted, a 500 naming its storage path
 * and why, as kube-apiserver answers.
 */
@Provider
public class DefectMapper implements ExceptionMapper<RuntimeException> {

  private static final Logger LOG = Logger.getLogger(DefectMapper.class.getName());

  @Override
  public Response toResponse(RuntimeException exception) {
    if (isDatabaseUnavailable(exception)) {
      ApiException unavailable = Statuses.serviceUnavailable(
          "the cluster state store (database) is unavailable; retry later");
      LOG.warning(() -> "Database unavailable: " + exception);
      return Response.status(503)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(unavailable.status())
          .build();
    }
    StorageTransformException unreadable = storageTransform(exception);
    if (unreadable != null) {
      // as kube-apiserver: the object cannot be decrypted (its key was dropped, its row altered)
      LOG.severe(() -> "Unreadable object: " + unreadable.getMessage());
      return Response.status(500)
          .type(MediaType.APPLICATION_JSON_TYPE)
          .entity(Statuses.internalError("Internal error occurred: " + unreadable.getMessage()))
          .build();
    }
    String incident = UUID.randomUUID().toString();
    LOG.log(Level.SEVERE, "Internal error " + incident, exception);
    return Response.status(500)
        .type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Statuses.internalError("Internal error occurred: see the server log for incident "
            + incident))
        .build();
  }

  private static StorageTransformException storageTransform(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StorageTransformException unreadable) {
        return unreadable;
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
