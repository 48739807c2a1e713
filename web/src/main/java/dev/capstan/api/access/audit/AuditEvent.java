package dev.capstan.api.access.audit;

import dev.capstan.access.User;
import dev.capstan.api.access.RequestInfo;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request's audit record as it grows through the request (Kubernetes' audit {@code Event}):
 * each stage writes it as one {@code audit.k8s.io/v1} {@code Event} JSON line, field for field
 * like kube-apiserver's. Bodies are kept only at the levels that write them.
 */
public final class AuditEvent {

  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final String auditId;
  private final AuditLevel level;
  private final String requestUri;
  private final RequestInfo info;
  private final List<String> sourceIps;
  private final String userAgent;
  private final Instant received;
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private User user;
  private User impersonatedUser;
  private JsonObject responseStatus;
  private JsonObject requestObject;
  private JsonObject responseObject;

  public AuditEvent(String auditId, AuditLevel level, String requestUri, RequestInfo info,
      User user, List<String> sourceIps, String userAgent, Instant received) {
    this.auditId = auditId;
    this.level = level;
    this.requestUri = requestUri;
    this.info = info;
    this.user = user;
    this.sourceIps = List.copyOf(sourceIps);
    this.userAgent = userAgent;
    this.received = received;
  }

  public String auditId() {
    return auditId;
  }

  public AuditLevel level() {
    return level;
  }

  public synchronized void impersonated(User original, User impersonated) {
    this.user = original;
    this.impersonatedUser = impersonated;
  }

  public synchronized void annotate(String key, String value) {
    annotations.putIfAbsent(key, value);
  }

  public synchronized void annotateAll(Map<String, String> values) {
    values.forEach(annotations::putIfAbsent);
  }

  /** The answer's status: code only on success, as kube-apiserver writes it. */
  public synchronized void responseCode(int code) {
    responseStatus = Json.createObjectBuilder().add("metadata", JsonObject.EMPTY_JSON_OBJECT)
        .add("code", code).build();
  }

  /** The answer's status from a Kubernetes {@code Status} body (failures). */
  public synchronized void responseStatus(int code, JsonObject status) {
    JsonObjectBuilder builder = Json.createObjectBuilder()
        .add("metadata", JsonObject.EMPTY_JSON_OBJECT);
    for (String field : List.of("status", "message", "reason", "details")) {
      if (status.containsKey(field)) {
        builder.add(field, status.get(field));
      }
    }
    responseStatus = builder.add("code", code).build();
  }

  public synchronized boolean hasResponseStatus() {
    return responseStatus != null;
  }

  public synchronized void requestObject(JsonObject body) {
    if (level.atLeast(AuditLevel.Request)) {
      requestObject = body;
    }
  }

  public synchronized void responseObject(JsonObject body) {
    if (level.atLeast(AuditLevel.RequestResponse)) {
      responseObject = body;
    }
  }

  /** The event as written at a stage. */
  public synchronized JsonObject toJson(AuditStage stage, Instant stageTime) {
    JsonObjectBuilder event = Json.createObjectBuilder()
        .add("kind", "Event")
        .add("apiVersion", "audit.k8s.io/v1")
        .add("level", level.name())
        .add("auditID", auditId)
        .add("stage", stage.name())
        .add("requestURI", requestUri)
        .add("verb", info.verb())
        .add("user", user(user));
    if (impersonatedUser != null) {
      event.add("impersonatedUser", user(impersonatedUser));
    }
    JsonArrayBuilder ips = Json.createArrayBuilder();
    sourceIps.forEach(ips::add);
    event.add("sourceIPs", ips);
    if (userAgent != null && !userAgent.isEmpty()) {
      event.add("userAgent", userAgent);
    }
    if (info.resourceRequest()) {
      event.add("objectRef", objectRef(info));
    }
    if (responseStatus != null && stage != AuditStage.RequestReceived) {
      event.add("responseStatus", responseStatus);
    }
    if (requestObject != null) {
      event.add("requestObject", requestObject);
    }
    if (responseObject != null && stage != AuditStage.RequestReceived) {
      event.add("responseObject", responseObject);
    }
    event.add("requestReceivedTimestamp", MICROS.format(received))
        .add("stageTimestamp", MICROS.format(stageTime));
    if (!annotations.isEmpty()) {
      JsonObjectBuilder notes = Json.createObjectBuilder();
      annotations.forEach(notes::add);
      event.add("annotations", notes);
    }
    return event.build();
  }

  static String timestamp(Instant instant) {
    return MICROS.format(instant);
  }

  private static JsonObject user(User user) {
    JsonObjectBuilder json = Json.createObjectBuilder();
    if (user == null) {
      return json.build();
    }
    json.add("username", user.name());
    if (user.uid() != null && !user.uid().isEmpty()) {
      json.add("uid", user.uid());
    }
    if (!user.groups().isEmpty()) {
      JsonArrayBuilder groups = Json.createArrayBuilder();
      user.groups().forEach(groups::add);
      json.add("groups", groups);
    }
    if (!user.extra().isEmpty()) {
      JsonObjectBuilder extra = Json.createObjectBuilder();
      user.extra().forEach((key, values) -> {
        JsonArrayBuilder list = Json.createArrayBuilder();
        values.forEach(list::add);
        extra.add(key, list);
      });
      json.add("extra", extra);
    }
    return json.build();
  }

  private static JsonObject objectRef(RequestInfo info) {
    JsonObjectBuilder ref = Json.createObjectBuilder();
    addIfPresent(ref, "resource", info.resource());
    addIfPresent(ref, "namespace", info.namespace());
    addIfPresent(ref, "name", info.name());
    addIfPresent(ref, "apiGroup", info.apiGroup());
    addIfPresent(ref, "apiVersion", info.apiVersion());
    addIfPresent(ref, "subresource", info.subresource());
    return ref.build();
  }

  private static void addIfPresent(JsonObjectBuilder json, String field, String value) {
    if (value != null && !value.isEmpty()) {
      json.add(field, value);
    }
  }
}
