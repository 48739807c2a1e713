package dev.capstan.rbac;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * A RoleBinding (with its namespace) or a ClusterRoleBinding (namespace empty), as the
 * authorizer reads it.
 */
public record Binding(String namespace, String name, String roleKind, String roleName,
    List<Subject> subjects) {

  public static Binding fromJson(JsonObject binding) {
    JsonObject metadata = object(binding, "metadata");
    JsonObject roleRef = object(binding, "roleRef");
    return new Binding(metadata.getString("namespace", ""), metadata.getString("name", ""),
        roleRef.getString("kind", ""), roleRef.getString("name", ""),
        objects(binding, "subjects").stream().map(Subject::fromJson).toList());
  }

  boolean clusterWide() {
    return namespace.isEmpty();
  }

  /** As Kubernetes describes where a rule came from. */
  String describe(Subject subject) {
    return clusterWide()
        ? "ClusterRoleBinding \"" + name + "\" of " + roleKind + " \"" + roleName + "\" to "
            + subject.describe("")
        : "RoleBinding \"" + name + "/" + namespace + "\" of " + roleKind + " \"" + roleName
            + "\" to " + subject.describe(namespace);
  }
}
