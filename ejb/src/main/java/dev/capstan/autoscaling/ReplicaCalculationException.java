package dev.capstan.autoscaling;

/**
 * A replica count that could not be computed, with Kubernetes' words for why (the HPA
 * controller's error chain: each layer prefixes its own context, as Go's {@code %v} wrapping).
 */
public class ReplicaCalculationException extends Exception {

  public ReplicaCalculationException(String message) {
    super(message);
  }

  /** This failure in the words of the layer above ({@code "<context>: <message>"}). */
  public ReplicaCalculationException within(String context) {
    return new ReplicaCalculationException(context + ": " + getMessage());
  }
}
