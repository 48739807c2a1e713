package dev.capstan.health;

/**
 * The outcome of one named check, as {@code /healthz?verbose} lists it.
 *
 * @param name the check's name: {@code database}, {@code messaging}
 * @param healthy whether it passed
 * @param reason why it failed (empty when healthy)
 */
public record HealthCheck(String name, boolean healthy, String reason) {

  public static HealthCheck ok(String name) {
    return new HealthCheck(name, true, "");
  }

  public static HealthCheck failed(String name, String reason) {
    return new HealthCheck(name, false, reason);
  }
}
