package dev.capstan.api.status;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The outermost filter: whatever escapes the filters and servlets behind it (an exception in a
 * filter, an {@link Error} RESTEasy does not map) is a defect, answered with the 500 Status of
 * {@link Defects} instead of Undertow's empty 500. A client that went away is not a defect.
 */
public class DefectFilter extends HttpFilter {

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    try {
      chain.doFilter(request, response);
    } catch (IOException e) {
      // the connection broke (the client left): nothing to answer, nothing to report
      throw e;
    } catch (Throwable defect) {
      if (defect instanceof VirtualMachineError fatal && !(fatal instanceof StackOverflowError)) {
        throw fatal;
      }
      String status = Defects.report(unwrapped(defect), DefectMapper.describe(request))
          .toString();
      if (response.isCommitted()) {
        return;
      }
      response.reset();
      response.setStatus(500);
      response.setContentType("application/json");
      response.getOutputStream().write(status.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The exception itself, not the servlet container's or RESTEasy's wrapper of it. */
  private static Throwable unwrapped(Throwable defect) {
    Throwable t = defect;
    while ((t instanceof ServletException
        || t.getClass().getName().equals("org.jboss.resteasy.spi.UnhandledException"))
        && t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
