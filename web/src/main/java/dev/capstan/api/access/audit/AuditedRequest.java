package dev.capstan.api.access.audit;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;

/** The request with its body copied, as the handler reads it, for the audit event. */
final class AuditedRequest extends HttpServletRequestWrapper {

  private final BoundedCopy copy = new BoundedCopy();
  private ServletInputStream stream;

  AuditedRequest(HttpServletRequest request) {
    super(request);
  }

  BoundedCopy body() {
    return copy;
  }

  @Override
  public synchronized ServletInputStream getInputStream() throws IOException {
    if (stream == null) {
      stream = new Copying(super.getInputStream(), copy);
    }
    return stream;
  }

  private static final class Copying extends ServletInputStream {
    private final ServletInputStream in;
    private final BoundedCopy copy;

    Copying(ServletInputStream in, BoundedCopy copy) {
      this.in = in;
      this.copy = copy;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        copy.add(b);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      copy.add(buffer, offset, n);
      return n;
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
