package dev.capstan.api.access.audit;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;

/**
 * The response, watched for its audit event: the first bytes sent mark a long-running request's
 * {@code ResponseStarted}; the body is copied (bounded) when the event wants it or the answer is
 * a failure, whose {@code Status} gives the event's response status. Only the output stream is
 * watched (the API's handlers write JSON through it); text written through {@code getWriter()}
 * passes untouched.
 */
final class AuditedResponse extends HttpServletResponseWrapper {

  private final BoundedCopy copy = new BoundedCopy();
  private final boolean copyBody;
  private final Runnable started;
  private boolean hasStarted;
  private ServletOutputStream stream;

  /**
   * @param copyBody whether to copy successful answers' bodies too
   * @param started run once, when the first bytes are sent
   */
  AuditedResponse(HttpServletResponse response, boolean copyBody, Runnable started) {
    super(response);
    this.copyBody = copyBody;
    this.started = started;
  }

  BoundedCopy body() {
    return copy;
  }

  private synchronized void sending() {
    if (!hasStarted) {
      hasStarted = true;
      started.run();
    }
  }

  private boolean copying() {
    return copyBody || getStatus() >= 400;
  }

  @Override
  public void flushBuffer() throws IOException {
    sending();
    super.flushBuffer();
  }

  @Override
  public synchronized ServletOutputStream getOutputStream() throws IOException {
    if (stream == null) {
      ServletOutputStream out = super.getOutputStream();
      stream = new ServletOutputStream() {
        @Override
        public void write(int b) throws IOException {
          sending();
          if (copying()) {
            copy.add(b);
          }
          out.write(b);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
          sending();
          if (copying()) {
            copy.add(buffer, offset, length);
          }
          out.write(buffer, offset, length);
        }

        @Override
        public void flush() throws IOException {
          sending();
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.close();
        }

        @Override
        public boolean isReady() {
          return out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
          out.setWriteListener(listener);
        }
      };
    }
    return stream;
  }
}
