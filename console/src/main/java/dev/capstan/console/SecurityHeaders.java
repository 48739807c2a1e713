package dev.capstan.console;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The console's pages run only their own scripts and styles, are never framed, send no referrer,
 * and may talk only to this origin (the API they are served beside). The entry page is never
 * cached, so a new build is picked up at once; bundles carry a content hash in their names and
 * are cached for good.
 */
@WebFilter("/*")
public class SecurityHeaders extends HttpFilter {

  private static final long serialVersionUID = 1L;

  /** No inline script or style, no eval, nothing from elsewhere. */
  static final String CONTENT_SECURITY_POLICY = String.join("; ",
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'");

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cache-Control", cacheControl(request.getServletPath()));
    chain.doFilter(request, response);
  }

  static String cacheControl(String path) {
    return path.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache";
  }
}
