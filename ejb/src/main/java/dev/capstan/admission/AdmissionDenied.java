package dev.capstan.admission;

import jakarta.ejb.ApplicationException;

/**
 * An admission plugin refused a write: 403 Forbidden with Kubernetes' message,
 * {@code pods "x" is forbidden: <reason>}. Thrown inside the store's transaction, which it rolls
 * back; it reaches callers unwrapped, so controllers can record its message as an event.
 */
@ApplicationException(rollback = true)
public class AdmissionDenied extends RuntimeException {

  private final String resource;
  private final String name;

  /**
   * @param resource the resource as kubectl names it ({@code pods}, {@code deployments.apps})
   * @param name the object's name
   * @param reason why, e.g. {@code exceeded quota: ...}
   */
  public AdmissionDenied(String resource, String name, String reason) {
    super(resource + " \"" + name + "\" is forbidden: " + reason);
    this.resource = resource;
    this.name = name;
  }

  public String resource() {
    return resource;
  }

  public String name() {
    return name;
  }
}
