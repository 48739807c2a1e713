package dev.capstan.api.access.audit;

import jakarta.json.JsonObject;

/**
 * Where audit events go (kube-apiserver's audit backends, its {@code plugin}s): each takes an
 * event without ever blocking the request that made it, and counts the events it had to drop.
 */
public interface AuditBackend {

  /** The backend's name in {@code apiserver_audit_error_total{plugin=...}}. */
  String plugin();

  /** Takes one {@code audit.k8s.io/v1} Event; never blocks. */
  void write(JsonObject event);

  /** Events lost so far (a full queue, a failed delivery). */
  long dropped();
}
