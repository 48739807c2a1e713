package dev.capstan.api.access;

import dev.capstan.api.status.Statuses;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses request bodies over Kubernetes' limit (3 MiB) with 413 and a Status: at once when the
 * Content-Length says so, while reading when a chunked body grows past it. Nothing is stored.
 */
@Provider
@PreMatching
public class RequestBodyLimit implements ContainerRequestFilter {

  static final long LIMIT = 3 * 1024 * 1024;
  private static final String MESSAGE = "Request entity too large: limit is " + LIMIT;

  @Override
  public void filter(ContainerRequestContext request) {
    if (request.getLength() > LIMIT) {
      request.abortWith(tooLarge());
      return;
    }
    if (request.hasEntity()) {
      request.setEntityStream(new Limited(request.getEntityStream()));
    }
  }

  private static Response tooLarge() {
    return Response.status(413).type(MediaType.APPLICATION_JSON_TYPE)
        .entity(Statuses.forHttpCode(413, MESSAGE)).build();
  }

  /** Counts what is read and stops at the limit. */
  private static final class Limited extends FilterInputStream {
    private long read;

    Limited(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > LIMIT) {
        throw new WebApplicationException(MESSAGE, tooLarge());
      }
    }
  }
}
