package dev.capstan.api.openapi;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Rewrites kubectl's Accept header on {@code /openapi/v2}
 * ({@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}, which is not a media type
 * JAX-RS can parse: it would answer 400 before any of its filters runs) to
 * {@code application/x-protobuf}, so the request reaches authentication and
 * {@link OpenApiV2Filter} like any other.
 */
public class OpenApiV2AcceptHeader extends HttpFilter {

  static final String PROTOBUF = "application/x-protobuf";

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws IOException, ServletException {
    String accept = request.getHeader("Accept");
    if (accept == null || !accept.contains("protobuf")) {
      chain.doFilter(request, response);
      return;
    }
    chain.doFilter(new HttpServletRequestWrapper(request) {
      @Override
      public String getHeader(String name) {
        return name.equalsIgnoreCase("Accept") ? PROTOBUF : super.getHeader(name);
      }

      @Override
      public Enumeration<String> getHeaders(String name) {
        return name.equalsIgnoreCase("Accept") ? Collections.enumeration(
            java.util.List.of(PROTOBUF)) : super.getHeaders(name);
      }
    }, response);
  }
}
