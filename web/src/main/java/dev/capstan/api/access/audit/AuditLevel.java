package dev.capstan.api.access.audit;

/** How much of a request an audit event records (Kubernetes' audit {@code Level}). */
public enum AuditLevel {
  /** No event at all. */
  None,
  /** Who asked what, and the answer's status; no bodies. */
  Metadata,
  /** Metadata and the request's body. */
  Request,
  /** Metadata and both bodies. */
  RequestResponse;

  public boolean atLeast(AuditLevel other) {
    return compareTo(other) >= 0;
  }

  static AuditLevel parse(String value) {
    for (AuditLevel level : values()) {
      if (level.name().equals(value)) {
        return level;
      }
    }
    throw new IllegalArgumentException("level: Unsupported value: \"" + value
        + "\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"");
  }
}
