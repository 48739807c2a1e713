package dev.capstan.agent.credentials;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.CompletableFuture;

/**
 * Puts the node's current credential on every request of the agent's API client (plain requests,
 * watches and WebSockets alike), and when the API answers 401 asks the credential source for
 * another and retries once with it: a refused credential is replaced, not repeated forever.
 */
public final class CredentialInterceptor implements Interceptor {

  public static final String NAME = "capstan-node-credential";
  private static final String AUTHORIZATION = "Authorization";

  private final CredentialSource credentials;

  public CredentialInterceptor(CredentialSource credentials) {
    this.credentials = credentials;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    builder.setHeader(AUTHORIZATION, "Bearer " + credentials.token());
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response,
      RequestTags tags) {
    if (response.code() != 401) {
      return CompletableFuture.completedFuture(false);
    }
    String header = response.request() == null ? null
        : response.request().header(AUTHORIZATION);
    String used = header != null && header.startsWith("Bearer ") ? header.substring(7) : "";
    // asking for a new credential is a blocking request: not on the HTTP client's own thread
    return CompletableFuture.supplyAsync(() -> {
      if (!credentials.refused(used)) {
        return false;
      }
      builder.setHeader(AUTHORIZATION, "Bearer " + credentials.token());
      return true;
    });
  }
}
