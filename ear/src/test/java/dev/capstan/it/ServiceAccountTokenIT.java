package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.access.tokens.ServiceAccountTokens;
import dev.capstan.access.tokens.SigningKeys;
import dev.capstan.access.tokens.TokenClaims;
import dev.capstan.agent.NodeAgent;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ServiceAccount tokens as users and pods meet them: {@code kubectl create token} issues one
 * that the API takes as {@code system:serviceaccount:<ns>:<sa>} (TokenReview says so too); a
 * token bound to a pod dies with the pod; forged, expired and foreign-key tokens get 401; every
 * pod on a real node agent finds its token, CA and namespace under
 * /var/run/secrets/kubernetes.io/serviceaccount, unless it opts out.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ServiceAccountTokenIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final String MOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";
  private static NodeAgent agent;
  private static String agentNode;
  private final Kubectl kubectl = Kubectl.against(SERVER);

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
      Docker.removeContainersOf(agentNode);
    }
  }

  @Test
  void createdTokenAuthenticatesAsTheServiceAccount() {
    String namespace = SERVER.newNamespace();
    assertThat(kubectl.run("create", "serviceaccount", "robot", "-n", namespace).exitCode())
        .isZero();
    robotMayView(namespace);

    Kubectl.Result created = kubectl.run("create", "token", "robot", "-n", namespace);
    assertThat(created.exitCode()).as(created.err()).isZero();
    String token = created.out().strip();

    assertThat(token.split("\\.")).hasSize(3);
    Kubectl.Result asRobot = Kubectl.withToken(SERVER, token)
        .run("get", "pods", "-n", namespace);
    assertThat(asRobot.exitCode()).as(asRobot.err()).isZero();
    JsonObject status = review(token).getJsonObject("status");
    assertThat(status.getBoolean("authenticated")).isTrue();
    JsonObject user = status.getJsonObject("user");
    assertThat(user.getString("username"))
        .isEqualTo("system:serviceaccount:" + namespace + ":robot");
    assertThat(user.getString("uid")).isEqualTo(uidOf("/api/v1/namespaces/" + namespace
        + "/serviceaccounts/robot"));
    assertThat(strings(user, "groups")).containsExactlyInAnyOrder("system:serviceaccounts",
        "system:serviceaccounts:" + namespace, "system:authenticated");
    assertThat(user.getJsonObject("extra").getJsonArray(
        "authentication.kubernetes.io/credential-id").getString(0)).startsWith("JTI=");
    assertThat(strings(status, "audiences"))
        .containsExactly("https://kubernetes.default.svc.cluster.local");
    printRequestCost(namespace, token);
  }

  /** RBAC: the account may read its namespace, as the view role allows (a user would bind it). */
  private void robotMayView(String namespace) {
    Kubectl.Result bound = kubectl.run("create", "rolebinding", "robot-view", "--clusterrole=view",
        "--serviceaccount=" + namespace + ":robot", "-n", namespace);
    assertThat(bound.exitCode()).as(bound.toString()).isZero();
  }

  /** Prints the median and p99 of a GET with the admin's static token and with this one. */
  private static void printRequestCost(String namespace, String token) {
    var url = SERVER.api("/api/v1/namespaces/" + namespace + "/serviceaccounts/robot");
    for (String who : List.of("static token", "service account token")) {
      String bearer = who.startsWith("static") ? Http.token() : token;
      long[] nanos = new long[300];
      for (int i = -100; i < nanos.length; i++) {
        long start = System.nanoTime();
        assertThat(Http.getWithToken(url, bearer).statusCode()).isEqualTo(200);
        if (i >= 0) {
          nanos[i] = System.nanoTime() - start;
        }
      }
      java.util.Arrays.sort(nanos);
      System.out.printf("GET as %s: p50 %.2f ms, p99 %.2f ms%n", who,
          nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6);
    }
  }

  @Test
  void tokenRequestsAnswerWithKubernetesShapesAndRules() {
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);

    Kubectl.Result tooShort = kubectl.run("create", "token", "robot", "-n", namespace,
        "--duration", "5m");
    assertThat(tooShort.exitCode()).isNotZero();
    assertThat(tooShort.err()).contains("spec.expirationSeconds")
        .contains("may not specify a duration less than 10 minutes");
    Kubectl.Result missing = kubectl.run("create", "token", "nobody", "-n", namespace);
    assertThat(missing.err()).contains("serviceaccounts \"nobody\" not found");

    Kubectl.Result forVault = kubectl.run("create", "token", "robot", "-n", namespace,
        "--audience", "vault", "--duration", "2h", "-o", "json");
    assertThat(forVault.exitCode()).as(forVault.err()).isZero();
    JsonObject request = Json.createReader(new java.io.StringReader(forVault.out())).readObject();
    assertThat(request.getString("kind")).isEqualTo("TokenRequest");
    assertThat(request.getJsonObject("spec").getInt("expirationSeconds")).isEqualTo(7200);
    String token = request.getJsonObject("status").getString("token");
    Instant expires = Instant.parse(request.getJsonObject("status")
        .getString("expirationTimestamp"));
    assertThat(Duration.between(Instant.now(), expires)).isBetween(Duration.ofMinutes(118),
        Duration.ofMinutes(121));
    // a token for another audience is not an API credential, but reviews fine for its audience
    assertThat(Http.getWithToken(SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), token)
        .statusCode()).isEqualTo(401);
    JsonObject forItsAudience = review(token, "vault").getJsonObject("status");
    assertThat(forItsAudience.getBoolean("authenticated")).isTrue();
    assertThat(strings(forItsAudience, "audiences")).containsExactly("vault");
    assertThat(review(token).getJsonObject("status").getString("error"))
        .contains("invalid for the target audiences");

    JsonObject discovery = Http.json(Http.get(SERVER.api("/api/v1")));
    assertThat(discovery.getJsonArray("resources").stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("name").equals("serviceaccounts/token")).findFirst()
        .orElseThrow().getString("kind")).isEqualTo("TokenRequest");
    assertThat(kubectl.run("api-resources", "--api-group=authentication.k8s.io").out())
        .contains("tokenreviews");
  }

  @Test
  void aTokenBoundToAPodStopsWorkingWhenThePodIsDeleted() {
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);
    robotMayView(namespace);
    SERVER.create(namespace, "pods", """
        {"metadata":{"name":"holder"},"spec":{"serviceAccountName":"robot",
          "containers":[{"name":"c","image":"capstan/busybox:1"}],
          "tolerations":[{"operator":"Exists"}],"nodeSelector":{"it/nowhere":"true"}}}""");
    Kubectl.Result created = kubectl.run("create", "token", "robot", "-n", namespace,
        "--bound-object-kind", "Pod", "--bound-object-name", "holder");
    assertThat(created.exitCode()).as(created.err()).isZero();
    String token = created.out().strip();
    var pods = SERVER.api("/api/v1/namespaces/" + namespace + "/pods");
    assertThat(Http.getWithToken(pods, token).statusCode()).isEqualTo(200);
    JsonObject extra = review(token).getJsonObject("status").getJsonObject("user")
        .getJsonObject("extra");
    assertThat(extra.getJsonArray("authentication.kubernetes.io/pod-name").getString(0))
        .isEqualTo("holder");
    assertThat(extra.getJsonArray("authentication.kubernetes.io/pod-uid").getString(0))
        .isEqualTo(uidOf("/api/v1/namespaces/" + namespace + "/pods/holder"));

    assertThat(kubectl.run("delete", "pod", "holder", "-n", namespace, "--grace-period=0",
        "--force").exitCode()).isZero();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Http.getWithToken(pods, token).statusCode()).isEqualTo(401));
    JsonObject status = review(token).getJsonObject("status");
    assertThat(status.getBoolean("authenticated", false)).isFalse();
    assertThat(status.getString("error")).isEqualTo("service account token has been invalidated");
    // deleting and recreating the account invalidates its old tokens too
    String accountToken = kubectl.run("create", "token", "robot", "-n", namespace).out().strip();
    kubectl.run("delete", "serviceaccount", "robot", "-n", namespace);
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);
    assertThat(Http.getWithToken(pods, accountToken).statusCode()).isEqualTo(401);
  }

  @Test
  void aTokenBoundToASecretStopsWorkingWhenTheSecretIsDeleted() {
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);
    robotMayView(namespace);
    assertThat(kubectl.run("create", "secret", "generic", "holder", "-n", namespace,
        "--from-literal=k=v").exitCode()).isZero();
    Kubectl.Result created = kubectl.run("create", "token", "robot", "-n", namespace,
        "--bound-object-kind", "Secret", "--bound-object-name", "holder");
    assertThat(created.exitCode()).as(created.err()).isZero();
    String token = created.out().strip();
    var pods = SERVER.api("/api/v1/namespaces/" + namespace + "/pods");
    assertThat(Http.getWithToken(pods, token).statusCode()).isEqualTo(200);
    assertThat(review(token).getJsonObject("status").getBoolean("authenticated")).isTrue();

    assertThat(kubectl.run("delete", "secret", "holder", "-n", namespace).exitCode()).isZero();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(Http.getWithToken(pods, token).statusCode()).isEqualTo(401));
    JsonObject status = review(token).getJsonObject("status");
    assertThat(status.getBoolean("authenticated", false)).isFalse();
    assertThat(status.getString("error")).isEqualTo("service account token has been invalidated");
    // a Secret of the same name made again is another object: the token stays invalid
    kubectl.run("create", "secret", "generic", "holder", "-n", namespace, "--from-literal=k=v");
    assertThat(Http.getWithToken(pods, token).statusCode()).isEqualTo(401);
  }

  @Test
  void forgedExpiredAndForeignKeyTokensAreRefused() throws Exception {
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);
    String uid = uidOf("/api/v1/namespaces/" + namespace + "/serviceaccounts/robot");
    var pods = SERVER.api("/api/v1/namespaces/" + namespace + "/pods");
    String token = kubectl.run("create", "token", "robot", "-n", namespace).out().strip();
    String[] parts = token.split("\\.");

    String claims = decode(parts[1]).replace(":robot\"", ":admin\"");
    String forged = parts[0] + "." + encode(claims) + "." + parts[2];
    String unsigned = encode("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
    Path keyFile = Path.of(System.getProperty("it.dir"), "service-account.key");
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
    String expired = new ServiceAccountTokens(new SigningKeys(keyFile),
        ServiceAccountTokens.DEFAULT_ISSUER, Clock.fixed(twoHoursAgo, ZoneOffset.UTC))
        .issue(claims(namespace, uid, twoHoursAgo, Duration.ofHours(1)));
    Path otherKey = Files.createTempFile("other-key", ".pem");
    Files.writeString(otherKey, newPrivateKeyPem());
    String foreign = new ServiceAccountTokens(new SigningKeys(otherKey),
        ServiceAccountTokens.DEFAULT_ISSUER, Clock.systemUTC())
        .issue(claims(namespace, uid, Instant.now(), Duration.ofHours(1)));

    for (String bad : List.of(forged, unsigned, expired, foreign)) {
      HttpResponse<String> refused = Http.getWithToken(pods, bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(401);
      assertThat(refused.body()).contains("\"reason\":\"Unauthorized\"");
    }
    assertThat(review(expired).getJsonObject("status").getString("error"))
        .isEqualTo("service account token has expired");
    assertThat(review(foreign).getJsonObject("status").getString("error"))
        .isEqualTo("invalid signature");
    String serverLog = Files.readString(Path.of(System.getProperty("it.dir"),
        "capstan/log/server.log"));
    assertThat(serverLog).contains("Refused a service account token: invalid signature")
        .doesNotContain(foreign).doesNotContain(parts[2]);
  }

  @Test
  void theIssuerPublishesItsOpenIdConfigurationAndKeys() {
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);
    String token = kubectl.run("create", "token", "robot", "-n", namespace).out().strip();

    JsonObject configuration = Http.json(Http.get(SERVER.api(
        "/.well-known/openid-configuration")));
    assertThat(configuration.getString("issuer"))
        .isEqualTo("https://kubernetes.default.svc.cluster.local");
    assertThat(configuration.getString("jwks_uri"))
        .isEqualTo("https://kubernetes.default.svc.cluster.local/openid/v1/jwks");
    assertThat(strings(configuration, "id_token_signing_alg_values_supported"))
        .containsExactly("RS256");
    HttpResponse<String> keys = Http.get(SERVER.api("/openid/v1/jwks"));
    assertThat(keys.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("application/jwk-set+json"));
    JsonObject key = Http.json(keys).getJsonArray("keys").getJsonObject(0);
    String kid = Json.createReader(new java.io.StringReader(decode(token.split("\\.")[0])))
        .readObject().getString("kid");
    assertThat(key.getString("kid")).isEqualTo(kid);
    assertThat(key.getString("kty")).isEqualTo("RSA");
    assertThat(key.getString("alg")).isEqualTo("RS256");
    assertThat(key.containsKey("d")).isFalse();
    assertThat(Http.anonymous(SERVER.api("/openid/v1/jwks")).statusCode()).isEqualTo(401);
  }

  @Test
  void everyNamespaceHasTheRootCaConfigMap() {
    String namespace = SERVER.newNamespace();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<String> configMap = Http.get(SERVER.api("/api/v1/namespaces/" + namespace
          + "/configmaps/kube-root-ca.crt"));
      assertThat(configMap.statusCode()).isEqualTo(200);
      assertThat(Http.json(configMap).getJsonObject("data").getString("ca.crt"))
          .isEqualTo(Files.readString(Path.of(System.getProperty("it.dir"), "tls", "ca.crt")));
    });
    kubectl.run("delete", "configmap", "kube-root-ca.crt", "-n", namespace);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Http.get(SERVER.api(
        "/api/v1/namespaces/" + namespace + "/configmaps/kube-root-ca.crt")).statusCode())
        .isEqualTo(200));
  }

  @Test
  void podsGetTheTokenVolumeUnlessTheyOptOut() {
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "quiet", "-n", namespace);
    assertThat(kubectl.run("patch", "serviceaccount", "quiet", "-n", namespace, "-p",
        "{\"automountServiceAccountToken\":false}").exitCode()).isZero();
    String parked = "\"tolerations\":[{\"operator\":\"Exists\"}],"
        + "\"nodeSelector\":{\"it/nowhere\":\"true\"}";
    SERVER.create(namespace, "pods", """
        {"metadata":{"name":"mounted"},"spec":{%s,
          "initContainers":[{"name":"i","image":"capstan/busybox:1"}],
          "containers":[{"name":"c","image":"capstan/busybox:1"}]}}""".formatted(parked));
    SERVER.create(namespace, "pods", """
        {"metadata":{"name":"optout"},"spec":{%s,"automountServiceAccountToken":false,
          "containers":[{"name":"c","image":"capstan/busybox:1"}]}}""".formatted(parked));
    SERVER.create(namespace, "pods", """
        {"metadata":{"name":"quiet"},"spec":{%s,"serviceAccountName":"quiet",
          "containers":[{"name":"c","image":"capstan/busybox:1"}]}}""".formatted(parked));

    JsonObject spec = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
        + "/pods/mounted"))).getJsonObject("spec");
    JsonObject volume = spec.getJsonArray("volumes").getJsonObject(0);
    assertThat(volume.getString("name")).matches("kube-api-access-[a-z0-9]{5}");
    assertThat(volume.getJsonObject("projected").getJsonArray("sources")).hasSize(3);
    for (String containers : List.of("initContainers", "containers")) {
      JsonObject mount = spec.getJsonArray(containers).getJsonObject(0)
          .getJsonArray("volumeMounts").getJsonObject(0);
      assertThat(mount.getString("mountPath")).isEqualTo(MOUNT);
      assertThat(mount.getBoolean("readOnly")).isTrue();
      assertThat(mount.getString("name")).isEqualTo(volume.getString("name"));
    }
    for (String pod : List.of("optout", "quiet")) {
      JsonObject other = Http.json(Http.get(SERVER.api("/api/v1/namespaces/" + namespace
          + "/pods/" + pod))).getJsonObject("spec");
      assertThat(other.containsKey("volumes")).as(pod).isFalse();
      assertThat(other.getJsonArray("containers").getJsonObject(0).containsKey("volumeMounts"))
          .as(pod).isFalse();
    }
    assertThat(kubectl.run("describe", "pod", "mounted", "-n", namespace).out())
        .contains(MOUNT + " from kube-api-access-").containsPattern("Type:\\s+Projected");
  }

  @Test
  void aPodOnARealNodeReadsItsTokenAndCallsTheApiAsItsAccount() throws Exception {
    startAgent();
    String namespace = SERVER.newNamespace();
    kubectl.run("create", "serviceaccount", "robot", "-n", namespace);
    robotMayView(namespace);
    SERVER.create(namespace, "pods", """
        {"metadata":{"name":"caller"},"spec":{"nodeName":"%s","serviceAccountName":"robot",
          "tolerations":[{"operator":"Exists"}],
          "containers":[{"name":"c","image":"%s","imagePullPolicy":"Never",
            "command":["sleep","3600"]}]}}"""
        .formatted(agentNode, Docker.tlsClientImage()));
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
        assertThat(kubectl.run("get", "pod", "caller", "-n", namespace,
            "-o", "jsonpath={.status.phase}").out()).isEqualTo("Running"));

    String token = exec(namespace, "caller", "cat", MOUNT + "/token");
    assertThat(exec(namespace, "caller", "cat", MOUNT + "/namespace")).isEqualTo(namespace);
    assertThat(exec(namespace, "caller", "cat", MOUNT + "/ca.crt"))
        .isEqualTo(Files.readString(Path.of(System.getProperty("it.dir"), "tls", "ca.crt")).strip());
    assertThat(exec(namespace, "caller", "ls", "-a", MOUNT)).contains("..data", "token");
    assertThat(exec(namespace, "caller", "sh", "-c", "echo x > " + MOUNT + "/x 2>&1; echo $?"))
        .isNotEqualTo("0");

    // From inside the pod, as a client library there calls the API: the mounted token, sent to
    // kubernetes.default.svc (the cluster DNS name of the kubernetes service, whose cluster IP
    // the node's service proxy leads to the API server), whose certificate is verified with the
    // mounted ca.crt for that name.
    assertThat(callFromPod(namespace, "/api/v1/namespaces/" + namespace + "/pods"))
        .contains("verify return:1", "HTTP/1.1 200 OK", "\"kind\":\"PodList\"")
        .containsPattern("\"name\":\\s*\"caller\"");
    assertThat(callFromPod(namespace, "/api/v1/namespaces/" + namespace + "/secrets"))
        .as("view does not read Secrets").contains("HTTP/1.1 403 Forbidden",
            "secrets is forbidden: User \\\"system:serviceaccount:" + namespace
                + ":robot\\\" cannot list resource \\\"secrets\\\"");

    Kubectl.Result asPod = Kubectl.withToken(SERVER, token).run("get", "pods", "-n", namespace);
    assertThat(asPod.exitCode()).as(asPod.err()).isZero();
    assertThat(asPod.out()).contains("caller");
    JsonObject user = review(token).getJsonObject("status").getJsonObject("user");
    assertThat(user.getString("username"))
        .isEqualTo("system:serviceaccount:" + namespace + ":robot");
    assertThat(user.getJsonObject("extra").getJsonArray("authentication.kubernetes.io/pod-name")
        .getString(0)).isEqualTo("caller");
    assertThat(user.getJsonObject("extra")
        .getJsonArray("authentication.kubernetes.io/node-name").getString(0))
        .isEqualTo(agentNode);
    JsonObject claims = Json.createReader(new java.io.StringReader(decode(token.split("\\.")[1])))
        .readObject();
    long lifetime = claims.getJsonNumber("exp").longValue()
        - claims.getJsonNumber("iat").longValue();
    assertThat(lifetime).isEqualTo(3607);

    assertThat(kubectl.run("delete", "pod", "caller", "-n", namespace, "--wait=false")
        .exitCode()).isZero();
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(Http.getWithToken(
        SERVER.api("/api/v1/namespaces/" + namespace + "/pods"), token).statusCode())
        .isEqualTo(401));
  }

  /**
   * A GET of the API from inside the pod "caller" with its mounted token, over TLS verified
   * against its mounted ca.crt for the name kubernetes.default.svc: openssl's verification lines
   * and the HTTP response.
   */
  private String callFromPod(String namespace, String path) {
    // as a client library retries: the node's service proxy may not have programmed the
    // kubernetes service yet when the pod first runs (the agent started with this test)
    AtomicReference<String> answer = new AtomicReference<>();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      Kubectl.Result result = kubectl.run(callCommand(namespace, path));
      assertThat(result.exitCode()).as("openssl in the pod: %s %s", result.out(), result.err())
          .isZero();
      answer.set(result.out().strip());
    });
    return answer.get();
  }

  private static String[] callCommand(String namespace, String path) {
    return new String[] {"exec", "caller", "-n", namespace, "--", "sh", "-c",
        "printf 'GET " + path + " HTTP/1.1\\r\\n"
        + "Host: kubernetes.default.svc\\r\\nAuthorization: Bearer %s\\r\\n"
        + "Connection: close\\r\\n\\r\\n' \"$(cat " + MOUNT + "/token)\" | openssl s_client"
        + " -connect kubernetes.default.svc:443 -servername kubernetes.default.svc -CAfile "
        + MOUNT + "/ca.crt -verify_hostname kubernetes.default.svc -verify_return_error -quiet"
        + " -ign_eof 2>&1"};
  }

  private static synchronized void startAgent() throws Exception {
    if (agent != null) {
      return;
    }
    agentNode = "it-sa-" + UUID.randomUUID().toString().substring(0, 6);
    agent = NodeAgent.start(NodeAgentIT.config(agentNode, Docker.host(),
        NodeAgentIT.freeKubeletPort(), Files.createTempDirectory("capstan-sa-agent")));
    NodeAgentIT.keepOtherPodsAway(SERVER, agentNode);
  }

  private String exec(String namespace, String pod, String... command) {
    List<String> args = new java.util.ArrayList<>(List.of("exec", pod, "-n", namespace, "--"));
    args.addAll(List.of(command));
    Kubectl.Result result = kubectl.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as(result.err()).isZero();
    return result.out().strip();
  }

  private static JsonObject review(String token, String... audiences) {
    var spec = Json.createObjectBuilder().add("token", token);
    if (audiences.length > 0) {
      spec.add("audiences", Json.createArrayBuilder(List.of(audiences)));
    }
    HttpResponse<String> response = Http.postJson(SERVER.api(
        "/apis/authentication.k8s.io/v1/tokenreviews"), Json.createObjectBuilder()
        .add("apiVersion", "authentication.k8s.io/v1").add("kind", "TokenReview")
        .add("spec", spec).build().toString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return Http.json(response);
  }

  private static String uidOf(String path) {
    return Http.json(Http.get(SERVER.api(path))).getJsonObject("metadata").getString("uid");
  }

  private static List<String> strings(JsonObject object, String field) {
    return object.getJsonArray(field).getValuesAs(JsonString.class).stream()
        .map(JsonString::getString).toList();
  }

  private static TokenClaims claims(String namespace, String uid, Instant issued,
      Duration lifetime) {
    return new TokenClaims(ServiceAccountTokens.DEFAULT_ISSUER,
        List.of(ServiceAccountTokens.DEFAULT_ISSUER), issued, issued.plus(lifetime),
        UUID.randomUUID().toString(), namespace, new TokenClaims.Ref("robot", uid),
        Optional.empty(), Optional.empty(), Optional.empty());
  }

  private static String newPrivateKeyPem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
        generator.generateKeyPair().getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  private static String decode(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
