package dev.capstan.agent.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.capstan.contract.tls.PemTls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Asks the API for the node's credential: {@code POST /api/v1/nodes/<name>/token} with a
 * TokenRequest, where the kubelet creates a CertificateSigningRequest and waits for its
 * certificate. A plain JDK client of its own, not the agent's API client, whose requests carry
 * the very credential being replaced.
 */
public final class ApiCredentialIssuer implements CredentialIssuer {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = "{\"apiVersion\":\"authentication.k8s.io/v1\","
      + "\"kind\":\"TokenRequest\",\"spec\":{}}";

  private final URI uri;
  private final HttpClient client;

  /**
   * @param caFile the CA of the API's certificate; empty for the JVM's CAs
   * @param insecure trust any certificate (tests against a throw-away CA)
   */
  public ApiCredentialIssuer(String apiServer, String node, Optional<Path> caFile,
      boolean insecure) throws IOException {
    this.uri = URI.create(apiServer.replaceAll("/+$", "") + "/api/v1/nodes/"
        + URLEncoder.encode(node, StandardCharsets.UTF_8) + "/token");
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
    if (insecure) {
      builder.sslContext(trustingAnyone());
    } else if (caFile.isPresent()) {
      builder.sslContext(PemTls.context(Optional.empty(), Optional.empty(), caFile.get()));
    }
    this.client = builder.build();
  }

  @Override
  public NodeCredential request(String bearer) throws Refused, IOException {
    HttpResponse<String> response;
    try {
      response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + bearer)
          .header("Content-Type", "application/json")
          .header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    int code = response.statusCode();
    if (code == 401 || code == 403) {
      throw new Refused(code + " " + message(response.body()));
    }
    if (code != 201 && code != 200) {
      throw new IOException("the API answered " + code + " " + message(response.body()));
    }
    String token = JSON.readTree(response.body()).path("status").path("token").asText("");
    return NodeCredential.of(token).orElseThrow(() -> new IOException(
        "the API's answer holds no credential with an expiry"));
  }

  private static String message(String body) {
    try {
      JsonNode status = JSON.readTree(body);
      return status.path("message").asText(body);
    } catch (IOException e) {
      return body.length() > 200 ? body.substring(0, 200) : body;
    }
  }

  private static SSLContext trustingAnyone() throws IOException {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      }}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }
}
