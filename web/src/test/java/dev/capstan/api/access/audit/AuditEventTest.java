package dev.capstan.api.access.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.access.User;
import dev.capstan.api.access.RequestInfo;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditEventTest {

  private static final Instant RECEIVED = Instant.parse("2026-12-06T10:41:36.123456789Z");

  private static AuditEvent event(AuditLevel level, String path) {
    return new AuditEvent("6f6b2d4e-0000-4000-8000-000000000001", level, path + "?fieldManager=x",
        RequestInfo.parse("POST", path, Map.of(), false),
        new User("admin", "u-1", List.of("system:masters", User.AUTHENTICATED),
            Map.of("scopes", List.of("a"))),
        List.of("10.0.0.1"), "kubectl/v1.30.0", RECEIVED);
  }

  @Test
  void fieldsAreKubeApiserversEventFields() {
    AuditEvent event = event(AuditLevel.RequestResponse, "/api/v1/namespaces/a/configmaps");
    event.annotate("authorization.k8s.io/decision", "allow");
    event.responseCode(201);
    JsonObject body = Json.createObjectBuilder().add("kind", "ConfigMap").build();
    event.requestObject(body);
    event.responseObject(body);
    JsonObject json = event.toJson(AuditStage.ResponseComplete,
        RECEIVED.plusMillis(5));

    // the field names of an event kube-apiserver writes for the same request
    assertThat(json.keySet()).containsExactly("kind", "apiVersion", "level", "auditID", "stage",
        "requestURI", "verb", "user", "sourceIPs", "userAgent", "objectRef", "responseStatus",
        "requestObject", "responseObject", "requestReceivedTimestamp", "stageTimestamp",
        "annotations");
    assertThat(json.getString("kind")).isEqualTo("Event");
    assertThat(json.getString("apiVersion")).isEqualTo("audit.k8s.io/v1");
    assertThat(json.getString("verb")).isEqualTo("create");
    assertThat(json.getString("requestURI"))
        .isEqualTo("/api/v1/namespaces/a/configmaps?fieldManager=x");
    assertThat(json.getJsonObject("user").toString()).isEqualTo("{\"username\":\"admin\","
        + "\"uid\":\"u-1\",\"groups\":[\"system:masters\",\"system:authenticated\"],"
        + "\"extra\":{\"scopes\":[\"a\"]}}");
    assertThat(json.getJsonObject("objectRef").toString()).isEqualTo(
        "{\"resource\":\"configmaps\",\"namespace\":\"a\",\"apiVersion\":\"v1\"}");
    assertThat(json.getJsonObject("responseStatus").toString())
        .isEqualTo("{\"metadata\":{},\"code\":201}");
    assertThat(json.getString("requestReceivedTimestamp"))
        .isEqualTo("2026-12-06T10:41:36.123456Z");
    assertThat(json.getString("stageTimestamp")).isEqualTo("2026-12-06T10:41:36.128456Z");
  }

  @Test
  void failuresCarryStatusMessageAndReason() {
    AuditEvent event = event(AuditLevel.Metadata, "/api/v1/namespaces/a/configmaps");
    event.responseStatus(403, Json.createObjectBuilder().add("kind", "Status")
        .add("status", "Failure").add("message", "forbidden").add("reason", "Forbidden")
        .add("code", 403).build());
    assertThat(event.toJson(AuditStage.ResponseComplete, RECEIVED)
        .getJsonObject("responseStatus").toString()).isEqualTo("{\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":\"forbidden\",\"reason\":\"Forbidden\","
        + "\"code\":403}");
  }

  @Test
  void bodiesOnlyAtTheirLevels() {
    AuditEvent metadata = event(AuditLevel.Metadata, "/api/v1/namespaces/a/configmaps");
    metadata.requestObject(JsonObject.EMPTY_JSON_OBJECT);
    metadata.responseObject(JsonObject.EMPTY_JSON_OBJECT);
    assertThat(metadata.toJson(AuditStage.ResponseComplete, RECEIVED))
        .doesNotContainKeys("requestObject", "responseObject");
    AuditEvent request = event(AuditLevel.Request, "/api/v1/namespaces/a/configmaps");
    request.requestObject(JsonObject.EMPTY_JSON_OBJECT);
    request.responseObject(JsonObject.EMPTY_JSON_OBJECT);
    assertThat(request.toJson(AuditStage.ResponseComplete, RECEIVED))
        .containsKey("requestObject").doesNotContainKey("responseObject");
  }

  @Test
  void impersonationKeepsTheRealUserAndNamesTheImpersonated() {
    AuditEvent event = event(AuditLevel.Metadata, "/api/v1/pods");
    event.impersonated(new User("admin", "", List.of()), new User("bob", "", List.of("dev")));
    JsonObject json = event.toJson(AuditStage.ResponseComplete, RECEIVED);
    assertThat(json.getJsonObject("user").getString("username")).isEqualTo("admin");
    assertThat(json.getJsonObject("impersonatedUser").toString())
        .isEqualTo("{\"username\":\"bob\",\"groups\":[\"dev\"]}");
    assertThat(json).doesNotContainKey("annotations");
  }
}
