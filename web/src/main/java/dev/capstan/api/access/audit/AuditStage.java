package dev.capstan.api.access.audit;

/** Where in a request's life an audit event is written (Kubernetes' audit {@code Stage}). */
public enum AuditStage {
  RequestReceived, ResponseStarted, ResponseComplete, Panic;

  static AuditStage parse(String value) {
    for (AuditStage stage : values()) {
      if (stage.name().equals(value)) {
        return stage;
      }
    }
    throw new IllegalArgumentException("omitStages: Unsupported value: \"" + value
        + "\": supported values: \"RequestReceived\", \"ResponseStarted\", \"ResponseComplete\","
        + " \"Panic\"");
  }
}
