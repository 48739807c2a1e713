package dev.capstan.storage;

/** The annotations Kubernetes' storage components write on claims and volumes. */
public final class StorageAnnotations {

  /** On a claim: the node the scheduler picked for its first consumer, for the provisioner. */
  public static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  /** On a volume or claim: the binder chose the other side (not the object's author). */
  public static final String BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
  /** On a claim: its binding is complete. */
  public static final String BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
  /** On a volume: the provisioner that made it. */
  public static final String PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";

  private StorageAnnotations() {}
}
