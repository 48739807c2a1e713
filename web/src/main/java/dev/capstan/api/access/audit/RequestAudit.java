package dev.capstan.api.access.audit;

import dev.capstan.access.User;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's audit, from {@code RequestReceived} to {@code ResponseComplete} (kube-apiserver's
 * {@code WithAudit} filter and its response writer decorator). Long-running requests also write
 * {@code ResponseStarted} when their first bytes go out, and complete when the stream ends.
 */
public final class RequestAudit {

  private final AuditEvent event;
  private final AuditPolicy.Decision decision;
  private final Auditor.EventSink sink;
  private final boolean longRunning;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean completed = new AtomicBoolean();
  private AuditedRequest auditedRequest;
  private AuditedResponse auditedResponse;

  RequestAudit(AuditEvent event, AuditPolicy.Decision decision, Auditor.EventSink sink,
      boolean longRunning) {
    this.event = event;
    this.decision = decision;
    this.sink = sink;
    this.longRunning = longRunning;
  }

  public String auditId() {
    return event.auditId();
  }

  public void impersonated(User original, User impersonated) {
    event.impersonated(original, impersonated);
  }

  /** Records the authorizer's decision, as kube-apiserver's authorization filter does. */
  public void authorized(boolean allowed, String reason) {
    event.annotate("authorization.k8s.io/decision", allowed ? "allow" : "forbid");
    event.annotate("authorization.k8s.io/reason", reason == null ? "" : reason);
  }

  public void annotate(Map<String, String> annotations) {
    event.annotateAll(annotations);
  }

  /** The request as the handlers should see it: its body copied when the level wants it. */
  public HttpServletRequest request(HttpServletRequest request) {
    if (event.level().atLeast(AuditLevel.Request) && !upgrade(request)) {
      auditedRequest = new AuditedRequest(request);
      return auditedRequest;
    }
    return request;
  }

  /** The response as the handlers should see it: watched for its start and failure body. */
  public HttpServletResponse response(HttpServletRequest request, HttpServletResponse response) {
    if (event.level() == AuditLevel.None || upgrade(request)) {
      return response;
    }
    auditedResponse = new AuditedResponse(response,
        event.level().atLeast(AuditLevel.RequestResponse) && !longRunning,
        () -> responseStarted(response));
    return auditedResponse;
  }

  private static boolean upgrade(HttpServletRequest request) {
    return request.getHeader("Upgrade") != null;
  }

  /**
   * The handler has returned: completes the event, or, when the request went on asynchronously,
   * marks it started and completes it when the async request ends.
   */
  public void handled(HttpServletRequest request, HttpServletResponse response) {
    if (request.isAsyncStarted()) {
      responseStarted(response);
      request.getAsyncContext().addListener(new AsyncListener() {
        @Override
        public void onComplete(AsyncEvent e) {
          complete(response);
        }

        @Override
        public void onTimeout(AsyncEvent e) {
          complete(response);
        }

        @Override
        public void onError(AsyncEvent e) {
          complete(response);
        }

        @Override
        public void onStartAsync(AsyncEvent e) {
          e.getAsyncContext().addListener(this);
        }
      });
      return;
    }
    if (upgrade(request) || longRunning) {
      responseStarted(response);
    }
    complete(response);
  }

  /** Completes a request answered by the access filter itself (403, a refused impersonation). */
  public void refused(JsonObject status) {
    event.responseStatus(status.getInt("code"), status);
    write(AuditStage.ResponseComplete);
  }

  /** Writes a {@code Panic} event for a handler that failed with an exception. */
  public void panicked(Throwable failure) {
    if (completed.compareAndSet(false, true)) {
      event.responseStatus(500, Json.createObjectBuilder().add("status", "Failure")
          .add("message", "APIServer panic'd: " + failure).add("reason", "InternalError")
          .build());
      stage(AuditStage.Panic);
    }
  }

  private void responseStarted(HttpServletResponse response) {
    if (longRunning && started.compareAndSet(false, true)) {
      event.responseCode(response.getStatus());
      stage(AuditStage.ResponseStarted);
    }
  }

  private void complete(HttpServletResponse response) {
    if (!completed.compareAndSet(false, true)) {
      return;
    }
    int code = response.getStatus();
    JsonObject body = auditedResponse == null ? null : auditedResponse.body().json();
    if (code >= 400 && body != null && "Status".equals(body.getString("kind", null))) {
      event.responseStatus(code, body);
    } else {
      event.responseCode(code);
    }
    if (auditedRequest != null) {
      event.requestObject(trim(auditedRequest.body().json()));
    }
    if (body != null && !longRunning) {
      event.responseObject(trim(body));
    }
    stage(AuditStage.ResponseComplete);
  }

  private JsonObject trim(JsonObject object) {
    return decision.omitManagedFields() ? Auditor.withoutManagedFields(object) : object;
  }

  void stage(AuditStage stage) {
    if (decision.writes(stage)) {
      sink.write(event.toJson(stage, Instant.now()));
    }
  }

  private void write(AuditStage stage) {
    if (completed.compareAndSet(false, true)) {
      stage(stage);
    }
  }
}
