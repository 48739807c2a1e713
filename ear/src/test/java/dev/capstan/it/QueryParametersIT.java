package dev.capstan.it;

import static dev.capstan.it.Http.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 13's query parameter, resourceVersion and HTTP rows: every bad value is answered as
 * kube-apiserver answers it (code, reason and message), before anything happens; nothing a
 * client writes reaches a node agent raw.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class QueryParametersIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static String namespace;

  @BeforeAll
  static void objects() {
    namespace = SERVER.newNamespace();
    assertThat(Http.post(path("/pods"), "application/yaml", Fixtures.read("node-js-pod.yaml"))
        .statusCode()).isEqualTo(201);
    SERVER.create(namespace, "configmaps", configMap("kept"));
  }

  // --- pods/log ------------------------------------------------------------------------------

  @Test
  void logNumbersThatAreNoNumbersAreTheConversionErrorNotAnAgentFailure() {
    assertStatus(Http.get(path("/pods/node-js-pod/log?tailLines=abc")), 400, "BadRequest",
        "strconv.ParseInt: parsing \"abc\": invalid syntax");
    assertStatus(Http.get(path("/pods/node-js-pod/log?sinceSeconds=abc")), 400, "BadRequest",
        "strconv.ParseInt: parsing \"abc\": invalid syntax");
    assertStatus(Http.get(path("/pods/node-js-pod/log?limitBytes=99999999999999999999")), 400,
        "BadRequest", "strconv.ParseInt: parsing \"99999999999999999999\": value out of range");
    assertStatus(Http.get(path("/pods/node-js-pod/log?sinceTime=abc")), 400, "BadRequest",
        "parsing time \"abc\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"abc\" as \"2006\"");
    assertStatus(Http.get(path("/pods/node-js-pod/log?sinceTime=2026-13-01T00:00:00Z")), 400,
        "BadRequest", "parsing time \"2026-13-01T00:00:00Z\": month out of range");
  }

  @Test
  void logOptionsOutOfRangeAreInvalidPodLogOptions() {
    assertStatus(Http.get(path("/pods/node-js-pod/log?tailLines=-1")), 422, "Invalid",
        "PodLogOptions \"node-js-pod\" is invalid: tailLines: Invalid value: -1: must be greater"
            + " than or equal to 0");
    assertStatus(Http.get(path("/pods/node-js-pod/log?sinceSeconds=0")), 422, "Invalid",
        "PodLogOptions \"node-js-pod\" is invalid: sinceSeconds: Invalid value: 0: must be"
            + " greater than 0");
    assertStatus(Http.get(path("/pods/node-js-pod/log?limitBytes=0")), 422, "Invalid",
        "PodLogOptions \"node-js-pod\" is invalid: limitBytes: Invalid value: 0: must be greater"
            + " than 0");
    assertStatus(Http.get(path("/pods/node-js-pod/log?sinceSeconds=5"
            + "&sinceTime=2026-01-01T00:00:00Z")), 422, "Invalid",
        "PodLogOptions \"node-js-pod\" is invalid: : Forbidden: at most one of `sinceTime` or"
            + " `sinceSeconds` may be specified");
    assertStatus(Http.get(path("/pods/node-js-pod/log?container=nope")), 400, "BadRequest",
        "container nope is not valid for pod node-js-pod");
  }

  // --- list and watch ------------------------------------------------------------------------

  @Test
  void listAndWatchNumbersMustConvert() {
    assertStatus(Http.get(path("/configmaps?limit=abc")), 400, "BadRequest",
        "strconv.ParseInt: parsing \"abc\": invalid syntax");
    assertStatus(Http.get(path("/configmaps?watch=1&timeoutSeconds=1.5")), 400, "BadRequest",
        "strconv.ParseInt: parsing \"1.5\": invalid syntax");
  }

  @Test
  void aResourceVersionThatIsNoRevisionIsABadRequestOnListAndWatch() {
    for (String watch : List.of("", "watch=1&")) {
      assertStatus(Http.get(path("/configmaps?" + watch + "resourceVersion=abc")), 400,
          "BadRequest", "invalid resource version: resourceVersion: Invalid value: \"abc\":"
              + " strconv.ParseUint: parsing \"abc\": invalid syntax");
      assertStatus(Http.get(path("/configmaps?" + watch
              + "resourceVersion=99999999999999999999")), 400, "BadRequest",
          "invalid resource version: resourceVersion: Invalid value: \"99999999999999999999\":"
              + " strconv.ParseUint: parsing \"99999999999999999999\": value out of range");
    }
  }

  @Test
  void listOptionsAreValidatedAsKubernetesValidatesThem() {
    assertStatus(Http.get(path("/configmaps?resourceVersionMatch=Exact")), 422, "Invalid",
        "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
            + " resourceVersionMatch is forbidden unless resourceVersion is provided");
    assertStatus(Http.get(path("/configmaps?resourceVersion=1&resourceVersionMatch=Bogus")), 422,
        "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Unsupported"
            + " value: \"Bogus\": supported values: \"Exact\", \"NotOlderThan\", \"\"");
    assertStatus(Http.get(path("/configmaps?watch=1&resourceVersionMatch=NotOlderThan")), 422,
        "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden:"
            + " resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
    assertStatus(Http.get(path("/configmaps?continue=not*a*token")), 400, "BadRequest",
        "invalid continue token: continue key is not valid: illegal base64 data at input byte 3");
  }

  @Test
  void watchFalseInAnyCaseIsAList() {
    HttpResponse<String> list = Http.get(path("/configmaps?watch=False"));
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(Http.json(list).getString("kind")).isEqualTo("ConfigMapList");
  }

  // --- writes --------------------------------------------------------------------------------

  @Test
  void writeOptionsAreValidatedAndNothingIsWritten() {
    assertStatus(Http.postJson(path("/configmaps?dryRun=Bogus"), configMap("never")), 422,
        "Invalid", "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value:"
            + " []string{\"Bogus\"}: supported values: \"All\"");
    assertStatus(Http.postJson(path("/configmaps?fieldValidation=Bogus"), configMap("never")),
        422, "Invalid", "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported"
            + " value: \"Bogus\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    assertThat(Http.get(path("/configmaps/never")).statusCode()).isEqualTo(404);
    assertStatus(Http.put(path("/configmaps/kept?fieldValidation=Bogus"), configMap("kept")),
        422, "Invalid", "UpdateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported"
            + " value: \"Bogus\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"");
    assertStatus(Http.patch(path("/configmaps/kept?fieldManager=" + "m".repeat(129)),
            "application/merge-patch+json", "{\"data\":{\"b\":\"2\"}}"), 422, "Invalid",
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than"
            + " 128 bytes");
    assertStatus(Http.patch(path("/configmaps/kept?force=true"), "application/merge-patch+json",
            "{\"data\":{\"b\":\"2\"}}"), 422, "Invalid",
        "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for"
            + " non-apply patch");
    assertThat(Http.json(Http.get(path("/configmaps/kept"))).getJsonObject("data")
        .containsKey("b")).isFalse();
  }

  @Test
  void aResourceVersionInTheBodyThatIsNoRevisionIsABadRequest() {
    SERVER.create(namespace, "configmaps", configMap("versioned"));
    assertStatus(Http.put(path("/configmaps/versioned"), configMap("versioned", "abc")), 400,
        "BadRequest", "metadata.resourceVersion: Invalid value: \"abc\": strconv.ParseUint:"
            + " parsing \"abc\": invalid syntax");
    assertStatus(Http.put(path("/configmaps/versioned"),
            configMap("versioned", "99999999999999999999")), 400, "BadRequest",
        "metadata.resourceVersion: Invalid value: \"99999999999999999999\": strconv.ParseUint:"
            + " parsing \"99999999999999999999\": value out of range");
    assertStatus(Http.patch(path("/configmaps/versioned"), "application/merge-patch+json",
            "{\"metadata\":{\"resourceVersion\":\"abc\"},\"data\":{\"b\":\"2\"}}"), 400,
        "BadRequest", "metadata.resourceVersion: Invalid value: \"abc\": strconv.ParseUint:"
            + " parsing \"abc\": invalid syntax");
    assertThat(Http.json(Http.get(path("/configmaps/versioned"))).getJsonObject("data")
        .containsKey("b")).isFalse();
  }

  // --- delete --------------------------------------------------------------------------------

  @Test
  void deleteOptionsInTheQueryAreValidatedAndNothingIsDeleted() {
    assertStatus(Http.delete(path("/configmaps/kept?propagationPolicy=Bogus")), 422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value:"
            + " \"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
    assertStatus(Http.delete(path("/configmaps/kept?gracePeriodSeconds=abc")), 400,
        "BadRequest", "strconv.ParseInt: parsing \"abc\": invalid syntax");
    assertStatus(Http.delete(path("/configmaps/kept?dryRun=Bogus")), 422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value:"
            + " []string{\"Bogus\"}: supported values: \"All\"");
    assertStatus(Http.delete(path("/configmaps/kept?orphanDependents=true"
            + "&propagationPolicy=Orphan")), 422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Invalid value: \"Orphan\":"
            + " orphanDependents and deletionPropagation cannot be both set");
    assertStatus(Http.delete(path("/configmaps?propagationPolicy=Bogus")), 422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value:"
            + " \"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
    assertThat(Http.get(path("/configmaps/kept")).statusCode()).isEqualTo(200);
  }

  @Test
  void deleteOptionsInTheBodyAreDecodedWithTheirTypesAndValidated() {
    assertStatus(deleteWithBody("kept", "{\"propagationPolicy\":\"Bogus\"}"), 422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value:"
            + " \"Bogus\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"");
    assertStatus(deleteWithBody("kept", "{\"gracePeriodSeconds\":\"30\"}"), 400, "BadRequest",
        "json: cannot unmarshal string into Go struct field DeleteOptions.gracePeriodSeconds of"
            + " type int64");
    assertStatus(deleteWithBody("kept", "{\"orphanDependents\":\"yes\"}"), 400, "BadRequest",
        "json: cannot unmarshal string into Go struct field DeleteOptions.orphanDependents of"
            + " type bool");
    assertStatus(deleteWithBody("kept", "{\"dryRun\":[\"Bogus\"]}"), 422, "Invalid",
        "DeleteOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value:"
            + " []string{\"Bogus\"}: supported values: \"All\"");
    assertThat(Http.get(path("/configmaps/kept")).statusCode()).isEqualTo(200);
  }

  @Test
  void deleteOptionsMembersOfTheWrongTypeAreGosDecodingErrorsNotServerErrors() {
    assertStatus(deleteWithBody("kept", "{\"preconditions\":1E10}"), 400, "BadRequest",
        "json: cannot unmarshal number into Go struct field DeleteOptions.preconditions of type"
            + " v1.Preconditions");
    assertStatus(deleteWithBody("kept", "{\"preconditions\":{\"uid\":5}}"), 400, "BadRequest",
        "json: cannot unmarshal number into Go struct field Preconditions.preconditions.uid of"
            + " type types.UID");
    assertStatus(deleteWithBody("kept", "{\"kind\":5,\"apiVersion\":\"v1\"}"), 400, "BadRequest",
        "json: cannot unmarshal number into Go struct field DeleteOptions.kind of type string");
    assertStatus(deleteWithBody("kept", "{\"propagationPolicy\":{}}"), 400, "BadRequest",
        "json: cannot unmarshal object into Go struct field DeleteOptions.propagationPolicy of"
            + " type v1.DeletionPropagation");
    assertThat(Http.get(path("/configmaps/kept")).statusCode()).isEqualTo(200);
  }

  @Test
  void aNegativeGracePeriodIsAcceptedAsKubernetesAcceptsIt() {
    SERVER.create(namespace, "configmaps", configMap("negative-grace"));
    HttpResponse<String> deleted = Http.delete(path("/configmaps/negative-grace"
        + "?gracePeriodSeconds=-5"));
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
    assertThat(Http.get(path("/configmaps/negative-grace")).statusCode()).isEqualTo(404);
  }

  // --- HTTP ----------------------------------------------------------------------------------

  @Test
  void aBodyOverUndertowsOwnLimitGetsTheApisStatus() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    byte[] body = new byte[50 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) 'a');
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(path("/configmaps"))
        .header("Authorization", "Bearer " + Http.token())
        .header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertStatus(response, 413, "RequestEntityTooLarge",
        "Request entity too large: limit is 3145728");
  }

  @Test
  void anUndecodablePathIsABadRequestAsGoAnswersIt() throws IOException, InterruptedException {
    // Go's net/http answers a plain 400 too (and resets an HTTP/2 stream, as Undertow does)
    Process curl = new ProcessBuilder("curl", "-s", "--path-as-is", "-o", "/dev/null", "-w",
        "%{http_code}", "http://127.0.0.1:" + (8080 + SERVER.portOffset())
            + "/api/v1/namespaces/%zz")
        .redirectErrorStream(true).start();
    assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .isEqualTo("400");
  }

  /**
   * Large request headers are served as kube-apiserver serves them (Go's limit for all request
   * headers is 1 MB, {@code http.DefaultMaxHeaderBytes}): 200 KB on the plain port; on the TLS
   * port up to Capstan's 112 KiB over HTTP/1.1 and HTTP/2 (Undertow's own HTTP/2 limit, 20,000
   * bytes, ended the connection with a GOAWAY; past about 128 KB its TLS HTTP/1.1 parser left
   * the request unanswered for 60 s). A larger header on the TLS port is refused at once.
   */
  @Test
  void largeHeadersAreServedAndTooLargeOnesRefusedAtOnce() throws IOException, InterruptedException {
    String path = "/api/v1/namespaces/" + namespace + "/configmaps";
    // curl (nghttp2) sends at most 64 KB of headers over HTTP/2
    assertThat(curl(header(48), "--http2", SERVER.secureApi() + path)).isEqualTo("200 2");
    assertThat(curl(header(100), "--http1.1", SERVER.secureApi() + path)).isEqualTo("200 1.1");
    assertThat(curl(header(200), "--http1.1", SERVER.api(path).toString())).isEqualTo("200 1.1");
    long start = System.nanoTime();
    assertThat(curl(header(200), "--http1.1", SERVER.secureApi() + path)).isEqualTo("400 1.1");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  /** A header file (one argument may not hold 200 KB) with one header of the given size. */
  private static Path header(int kilobytes) throws IOException {
    Path header = Files.createTempFile("big-header", ".txt");
    header.toFile().deleteOnExit();
    Files.writeString(header, "X-Big: " + "a".repeat(kilobytes * 1024) + "\n");
    return header;
  }

  private static String curl(Path header, String version, String uri)
      throws IOException, InterruptedException {
    Process curl = new ProcessBuilder("curl", "-s", "-k", version, "--max-time", "30",
        "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
        "-H", "Authorization: Bearer " + Http.token(), "-H", "@" + header, uri)
        .redirectErrorStream(true).start();
    assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  // -------------------------------------------------------------------------------------------

  private static HttpResponse<String> deleteWithBody(String name, String json) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(path("/configmaps/" + name))
          .header("Authorization", "Bearer " + Http.token())
          .header("Content-Type", "application/json")
          .method("DELETE", HttpRequest.BodyPublishers.ofString(json)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static URI path(String path) {
    return SERVER.api("/api/v1/namespaces/" + namespace + path);
  }

  private static String configMap(String name) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\"},\"data\":{\"a\":\"1\"}}";
  }

  private static String configMap(String name, String resourceVersion) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
        + "\",\"resourceVersion\":\"" + resourceVersion + "\"},\"data\":{\"a\":\"1\"}}";
  }
}
