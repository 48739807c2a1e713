package dev.capstan.admission.podsecurity;

/**
 * Why a check refuses a pod, as Kubernetes words it: a short {@code reason}
 * ({@code hostPath volumes}) and a {@code detail} naming what to change
 * ({@code volume "h"}); shown together as {@code hostPath volumes (volume "h")}.
 */
public record CheckResult(String reason, String detail) {

  @Override
  public String toString() {
    return detail.isEmpty() ? reason : reason + " (" + detail + ")";
  }
}
