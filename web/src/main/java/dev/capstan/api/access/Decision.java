package dev.capstan.api.access;

/**
 * An authorizer's answer (Kubernetes' {@code authorizer.Decision} with its reason).
 *
 * @param verdict allow, deny, or no opinion (the next authorizer decides)
 * @param reason why, for the 403's message and the audit log; may be empty
 */
public record Decision(Verdict verdict, String reason) {

  public enum Verdict { ALLOW, DENY, NO_OPINION }

  public static Decision allow(String reason) {
    return new Decision(Verdict.ALLOW, reason);
  }

  public static Decision deny(String reason) {
    return new Decision(Verdict.DENY, reason);
  }

  public static Decision noOpinion(String reason) {
    return new Decision(Verdict.NO_OPINION, reason);
  }

  public boolean allowed() {
    return verdict == Verdict.ALLOW;
  }
}
