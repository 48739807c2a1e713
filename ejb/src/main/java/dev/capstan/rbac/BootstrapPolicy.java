package dev.capstan.rbac;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.store.schema.SchemaReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Reconciles the bootstrap RBAC policy ({@link BootstrapRoles}) on every server start, as
 * kube-apiserver's {@code rbac/bootstrap-roles} post-start hook: a missing role or binding is
 * created; an existing one annotated {@code rbac.authorization.kubernetes.io/autoupdate: "true"}
 * gets the labels, annotations, rules, aggregation selectors and subjects it lacks (nothing is
 * taken away); one annotated {@code "false"} is left as its owner made it. Servers racing find
 * the objects created or updated by another (AlreadyExists, Conflict) and move on.
 */
@ApplicationScoped
public class BootstrapPolicy {

  private static final Logger LOG = Logger.getLogger(BootstrapPolicy.class.getName());

  @Inject
  private ObjectStore store;

  void reconcile(@Observes SchemaReady ready) {
    for (BootstrapRoles.Role role : BootstrapRoles.clusterRoles()) {
      ensure(ResourceTypes.CLUSTER_ROLE, role.name(), BootstrapRoles.toJson(role));
    }
    for (BootstrapRoles.RoleBinding binding : BootstrapRoles.clusterRoleBindings()) {
      ensure(ResourceTypes.CLUSTER_ROLE_BINDING, binding.name(), BootstrapRoles.toJson(binding));
    }
  }

  private void ensure(ResourceType type, String name, JsonObject expected) {
    Optional<StoredObject> existing = store.get(type.key("", name));
    try {
      if (existing.isEmpty()) {
        store.create(type.key("", name), type.apiVersion(), expected);
        LOG.info(() -> "Created " + type.kind() + " " + name);
        return;
      }
      JsonObject current = existing.get().json();
      if ("false".equals(ObjectMetadata.metadata(current).getJsonObject("annotations") == null
          ? null : ObjectMetadata.metadata(current).getJsonObject("annotations")
              .getString(BootstrapRoles.AUTOUPDATE, null))) {
        return;
      }
      JsonObject reconciled = reconciled(current, expected);
      if (!reconciled.equals(current)) {
        store.update(type.key("", name), type.apiVersion(),
            new Preconditions(Optional.empty(), ObjectMetadata.resourceVersion(current)),
            latest -> reconciled);
        LOG.info(() -> "Reconciled " + type.kind() + " " + name);
      }
    } catch (AlreadyExistsException | ConflictException | NotFoundException e) {
      // another server is reconciling too; it or the next start finishes the job
    }
  }

  /** The existing object with what the expected one has and it lacks. */
  static JsonObject reconciled(JsonObject current, JsonObject expected) {
    JsonObjectBuilder result = Json.createObjectBuilder(current);
    JsonObject metadata = object(current, "metadata");
    JsonObject expectedMetadata = object(expected, "metadata");
    JsonObjectBuilder newMetadata = Json.createObjectBuilder(metadata);
    for (String field : List.of("labels", "annotations")) {
      JsonObjectBuilder merged = Json.createObjectBuilder(object(expectedMetadata, field));
      object(metadata, field).forEach(merged::add);
      newMetadata.add(field, merged);
    }
    result.add("metadata", newMetadata);
    if (expected.containsKey("rules") && !Aggregation.isAggregated(expected)) {
      List<PolicyRule> have = PolicyRule.rulesOf(current);
      JsonArrayBuilder rules = Json.createArrayBuilder();
      List<JsonValue> all = new ArrayList<>(current.get("rules") instanceof jakarta.json.JsonArray
          array ? array : List.of());
      all.forEach(rules::add);
      for (PolicyRule rule : PolicyRule.rulesOf(expected)) {
        if (!Coverage.missing(have, List.of(rule)).isEmpty()) {
          rules.add(rule.toJson());
        }
      }
      result.add("rules", rules);
    }
    if (Aggregation.isAggregated(expected)) {
      List<JsonObject> selectors = new ArrayList<>(objects(object(current, "aggregationRule"),
          "clusterRoleSelectors"));
      for (JsonObject selector : objects(object(expected, "aggregationRule"),
          "clusterRoleSelectors")) {
        if (!selectors.contains(selector)) {
          selectors.add(selector);
        }
      }
      result.add("aggregationRule", Json.createObjectBuilder().add("clusterRoleSelectors",
          Json.createArrayBuilder(selectors)));
    }
    if (expected.containsKey("subjects")) {
      List<JsonObject> subjects = new ArrayList<>(objects(current, "subjects"));
      for (JsonObject subject : objects(expected, "subjects")) {
        if (!subjects.contains(subject)) {
          subjects.add(subject);
        }
      }
      result.add("subjects", Json.createArrayBuilder(subjects));
    }
    return result.build();
  }
}
