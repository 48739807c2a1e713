package dev.capstan.admission.podsecurity;

import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.Set;

/**
 * One rule of the Pod Security Standards, as one {@code check_*.go} of Kubernetes'
 * pod-security-admission is: it looks at a pod's (or pod template's) metadata and spec and says
 * why they violate its level, if they do. Pure and stateless.
 */
public interface PodSecurityCheck {

  /** Kubernetes' check id, which also orders the messages ({@code hostPathVolumes}). */
  String id();

  /** The least strict level that applies this check. */
  Level level();

  /** The baseline checks this restricted check replaces at the restricted level. */
  default Set<String> overrides() {
    return Set.of();
  }

  /** The violation, or empty when the pod passes. */
  Optional<CheckResult> check(JsonObject metadata, JsonObject spec);
}
