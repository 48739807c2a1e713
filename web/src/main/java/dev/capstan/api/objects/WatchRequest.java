package dev.capstan.api.objects;

import dev.capstan.api.options.MetaOptions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.security.Principal;

/**
 * {@code GET <collection>?watch=1}: suspends the request (RESTEasy starts the servlet's async
 * context and sets no timeout of its own), so the response outlives the request thread;
 * {@link Watchers} then either answers at once through the suspended response (errors go
 * through the usual exception mappers) or takes the servlet response over for the stream.
 */
public class WatchRequest {

  private final Watchers watchers;
  private final Target target;

  WatchRequest(Watchers watchers, Target target) {
    this.watchers = watchers;
    this.target = target;
  }

  @GET
  public void watch(@Suspended AsyncResponse async, @Context UriInfo uri,
      @Context HttpHeaders headers, @Context SecurityContext security,
      @Context HttpServletRequest request, @Context HttpServletResponse response) {
    try {
      MetaOptions.checkList(uri.getQueryParameters(), true);
      Principal user = security.getUserPrincipal();
      watchers.open(target, RequestOptions.of(uri, headers), user == null ? "" : user.getName(),
          request, response).ifPresent(async::resume);
    } catch (RuntimeException e) {
      async.resume(e);
    }
  }
}
