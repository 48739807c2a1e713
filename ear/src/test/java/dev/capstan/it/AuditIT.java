package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.capstan.contract.Topics;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit log as an administrator reads it: the test server audits ConfigMaps at
 * RequestResponse and Secrets at Metadata (the policy the ear pom writes), to
 * {@code ${it.dir}/audit/audit.log}, one {@code audit.k8s.io/v1} Event per line.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class AuditIT {

  private static final TestServer SERVER = TestServer.SUITE;
  private static final Kubectl ADMIN = Kubectl.against(SERVER);
  private static final Path LOG = Path.of(System.getProperty("it.audit.log"));
  /** The test servers' broker user in role capstan-auditor (made by the ear pom). */
  private static final String AUDITOR = "it-auditor";
  private static final String AUDITOR_PASSWORD = "it-auditor-secret-1";

  /** The audit log's events (the writer is asynchronous: callers await them). */
  private static List<JsonObject> events() throws IOException {
    if (!Files.exists(LOG)) {
      return List.of();
    }
    return Files.readAllLines(LOG).stream().filter(line -> !line.isBlank()).map(line -> {
      try (JsonReader reader = Json.createReader(new StringReader(line))) {
        return reader.readObject();
      }
    }).toList();
  }

  private static JsonObject awaitEvent(Predicate<JsonObject> wanted) {
    return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> events().stream().filter(wanted).findFirst(), Optional::isPresent).get();
  }

  private static Predicate<JsonObject> completed(String verb, String resource, String namespace,
      String name) {
    return event -> event.getString("stage").equals("ResponseComplete")
        && event.getString("verb").equals(verb)
        && event.containsKey("objectRef")
        && resource.equals(event.getJsonObject("objectRef").getString("resource", ""))
        && namespace.equals(event.getJsonObject("objectRef").getString("namespace", ""))
        && name.equals(event.getJsonObject("objectRef").getString("name", ""));
  }

  @Test
  void aConfigMapCreatedWithKubectlIsAuditedWithItsBody() {
    String namespace = SERVER.newNamespace();
    Kubectl.Result created = ADMIN.run("create", "configmap", "audited", "-n", namespace,
        "--from-literal=colour=teal");
    assertThat(created.exitCode()).as(created.toString()).isZero();

    JsonObject event = awaitEvent(e -> completed("create", "configmaps", namespace, "")
        .test(e) && e.getJsonObject("responseStatus").getInt("code") == 201);
    assertThat(event.getString("kind")).isEqualTo("Event");
    assertThat(event.getString("apiVersion")).isEqualTo("audit.k8s.io/v1");
    assertThat(event.getString("level")).isEqualTo("RequestResponse");
    assertThat(event.getJsonObject("user").getString("username")).isEqualTo("it-admin");
    assertThat(event.getJsonObject("objectRef").getString("apiVersion")).isEqualTo("v1");
    assertThat(event.getString("userAgent")).startsWith("kubectl");
    assertThat(event.getJsonArray("sourceIPs")).isNotEmpty();
    assertThat(event.getJsonObject("requestObject").getJsonObject("data").getString("colour"))
        .isEqualTo("teal");
    assertThat(event.getJsonObject("responseObject").getJsonObject("metadata")
        .getString("name")).isEqualTo("audited");
    assertThat(event.getJsonObject("annotations").getString("authorization.k8s.io/decision"))
        .isEqualTo("allow");
    assertThat(event.getString("stageTimestamp"))
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
  }

  @Test
  void aSecretIsAuditedWithoutItsContents() throws IOException {
    String namespace = SERVER.newNamespace();
    String value = "audit-it-never-logged-4f1e9";
    Kubectl.Result created = ADMIN.run("create", "secret", "generic", "hidden", "-n", namespace,
        "--from-literal=password=" + value);
    assertThat(created.exitCode()).as(created.toString()).isZero();
    Kubectl.Result read = ADMIN.run("get", "secret", "hidden", "-n", namespace, "-o", "yaml");
    assertThat(read.exitCode()).as(read.toString()).isZero();

    JsonObject event = awaitEvent(completed("create", "secrets", namespace, ""));
    assertThat(event.getString("level")).isEqualTo("Metadata");
    assertThat(event).doesNotContainKeys("requestObject", "responseObject");
    awaitEvent(completed("get", "secrets", namespace, "hidden"));
    String log = Files.readString(LOG);
    String encoded = java.util.Base64.getEncoder().encodeToString(value.getBytes());
    assertThat(log).doesNotContain(value).doesNotContain(encoded)
        .doesNotContain(Http.token());
  }

  @Test
  void aForbiddenRequestIsAuditedWithItsDecisionAndTheAuditIdHeader() throws Exception {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps"))
        .header("Authorization", "Bearer " + Http.token())
        .header("Impersonate-User", "audit-it-nobody")
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(403);
    String auditId = response.headers().firstValue("Audit-Id").orElseThrow();

    JsonObject event = awaitEvent(e -> e.getString("auditID").equals(auditId)
        && e.getString("stage").equals("ResponseComplete"));
    assertThat(event.getString("verb")).isEqualTo("list");
    assertThat(event.getJsonObject("user").getString("username")).isEqualTo("it-admin");
    assertThat(event.getJsonObject("impersonatedUser").getString("username"))
        .isEqualTo("audit-it-nobody");
    assertThat(event.getJsonObject("responseStatus").getInt("code")).isEqualTo(403);
    assertThat(event.getJsonObject("responseStatus").getString("reason")).isEqualTo("Forbidden");
    assertThat(event.getJsonObject("annotations").getString("authorization.k8s.io/decision"))
        .isEqualTo("forbid");
  }

  @Test
  void unauthenticatedRequestsAreAuditedAsKubeApiserverDoes() throws Exception {
    String namespace = SERVER.newNamespace();
    HttpResponse<String> response = Http.getWithToken(
        SERVER.api("/api/v1/namespaces/" + namespace + "/configmaps"), "not-a-token");
    assertThat(response.statusCode()).isEqualTo(401);
    String auditId = response.headers().firstValue("Audit-Id").orElseThrow();

    JsonObject event = awaitEvent(e -> e.getString("auditID").equals(auditId));
    assertThat(event.getString("stage")).isEqualTo("ResponseStarted");
    assertThat(event.getJsonObject("user")).isEmpty();
    assertThat(event.getJsonObject("responseStatus").getInt("code")).isEqualTo(401);
    assertThat(event.getJsonObject("responseStatus").getString("message"))
        .isEqualTo("Authentication failed, attempted: bearer");
    assertThat(Files.readString(LOG)).doesNotContain("not-a-token");
  }

  @Test
  void metricsCountAuditEvents() {
    Kubectl.Result listed = ADMIN.run("get", "configmaps", "-n", "default");
    assertThat(listed.exitCode()).as(listed.toString()).isZero();
    String metrics = Http.get(SERVER.api("/metrics")).body();
    assertThat(metrics).contains("# TYPE apiserver_audit_event_total counter")
        .containsPattern("apiserver_audit_event_total [1-9]")
        .contains("apiserver_audit_error_total{plugin=\"log\"} 0")
        .contains("apiserver_audit_error_total{plugin=\"topic\"} 0");
  }

  @Test
  void anAuditorFollowsTheTrailOnItsTopicWithASelector() throws Exception {
    String namespace = SERVER.newNamespace();
    try (Subscriber auditor = Subscriber.connect(SERVER, AUDITOR, AUDITOR_PASSWORD)) {
      Session session = auditor.session();
      MessageConsumer deletes = session.createConsumer(session.createTopic(Topics.AUDIT),
          "verb = 'delete' AND resource = 'configmaps' AND namespace = '" + namespace
              + "' AND stage = 'ResponseComplete'");
      auditor.start();
      assertThat(ADMIN.run("create", "configmap", "doomed", "-n", namespace,
          "--from-literal=k=v").exitCode()).isZero();
      assertThat(ADMIN.run("delete", "configmap", "doomed", "-n", namespace).exitCode())
          .isZero();

      Message message = deletes.receive(15_000);
      assertThat(message).as("the delete's audit event on " + Topics.AUDIT)
          .isInstanceOf(TextMessage.class);
      assertThat(message.getIntProperty(Topics.CODE)).isEqualTo(200);
      assertThat(message.getStringProperty(Topics.USER)).isEqualTo("it-admin");
      assertThat(message.getStringProperty(Topics.NAME)).isEqualTo("doomed");
      JsonObject event = Json.createReader(new StringReader(((TextMessage) message).getText()))
          .readObject();
      assertThat(event.getString("kind")).isEqualTo("Event");
      assertThat(event.getString("apiVersion")).isEqualTo("audit.k8s.io/v1");
      assertThat(event.getString("verb")).isEqualTo("delete");
      assertThat(event.getJsonObject("objectRef").getString("name")).isEqualTo("doomed");
      // the same event as the log file's line
      String auditId = event.getString("auditID");
      assertThat(awaitEvent(e -> e.getString("auditID").equals(auditId)
          && e.getString("stage").equals("ResponseComplete"))).isEqualTo(event);
      assertThat(deletes.receive(500)).as("only what the selector asked for").isNull();

      assertThatThrownBy(() -> session.createProducer(session.createTopic(Topics.AUDIT))
          .send(session.createTextMessage("forged"))).as("auditors may not publish")
          .isInstanceOf(JMSSecurityException.class);
    }
    try (Subscriber subscriber = Subscriber.connect(SERVER)) {
      Session session = subscriber.session();
      assertThatThrownBy(() -> session.createConsumer(session.createTopic(Topics.AUDIT)))
          .as("a cluster-events subscriber may not follow the audit trail")
          .isInstanceOf(JMSSecurityException.class);
    }
  }
}
