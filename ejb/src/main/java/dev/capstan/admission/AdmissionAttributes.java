package dev.capstan.admission;

import dev.capstan.access.User;
import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * One write as admission plugins judge it (Kubernetes' {@code admission.Attributes}).
 *
 * @param user who asks
 * @param operation what is done
 * @param group the API group, {@code ""} for the core group
 * @param resource the resource, e.g. {@code pods}, {@code leases}
 * @param subresource e.g. {@code status}, {@code eviction}; {@code ""} for the object itself
 * @param namespace {@code ""} for cluster-scoped objects
 * @param name the object's name
 * @param object the object as it would be stored (create, update)
 * @param oldObject the object as it is stored (update, delete)
 */
public record AdmissionAttributes(User user, Operation operation, String group,
    String resource, String subresource, String namespace, String name,
    Optional<JsonObject> object, Optional<JsonObject> oldObject) {

  /** Kubernetes' admission operations. */
  public enum Operation { CREATE, UPDATE, DELETE, CONNECT }

  /** The resource as Kubernetes names it in messages: {@code pods}, {@code leases.coordination.k8s.io}. */
  public String groupResource() {
    return group.isEmpty() ? resource : resource + "." + group;
  }
}
