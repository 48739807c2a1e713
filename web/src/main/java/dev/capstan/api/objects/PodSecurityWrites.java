package dev.capstan.api.objects;

import dev.capstan.admission.AdmissionWarnings;
import dev.capstan.admission.podsecurity.PodSecurityAdmission;
import dev.capstan.admission.podsecurity.PodTemplates;
import dev.capstan.json.JsonFields;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Pod Security on the REST write paths, around the store: creates are admitted inside the store
 * ({@link dev.capstan.admission.Admission}); here, updates of pods that change an image are
 * admitted in the update's transaction, updates of workloads are warned about, relabelled
 * namespaces report their violating pods, and whatever admission noted for this request becomes
 * the response's warnings.
 */
@ApplicationScoped
class PodSecurityWrites {

  @Inject
  private PodSecurityAdmission podSecurity;

  @Inject
  private AdmissionWarnings notes;

  /** The mutation, with the pod update it makes admitted (it may throw AdmissionDenied). */
  UnaryOperator<JsonObject> admitted(Target target, UnaryOperator<JsonObject> mutation) {
    Optional<String> subresource = target.subresource();
    if (target.type() != ResourceTypes.POD || (subresource.isPresent()
        && !subresource.get().equals("ephemeralcontainers"))) {
      return mutation;
    }
    return current -> {
      JsonObject desired = mutation.apply(current);
      podSecurity.admitPodUpdate(target.namespaceOrEmpty(), current, desired);
      return desired;
    };
  }

  /** The warnings for a create, after it is stored. */
  List<String> created(ResourceType type, JsonObject created) {
    List<String> warnings = new ArrayList<>(notes.drain());
    if (type == ResourceTypes.NAMESPACE) {
      warnings.addAll(podSecurity.namespaceCreated(name(created), labels(created)));
    }
    return warnings;
  }

  /**
   * The warnings for an update, after it is stored.
   *
   * @param before the object before the update (for namespaces' labels)
   */
  List<String> updated(Target target, Optional<JsonObject> before, JsonObject after) {
    ResourceType type = target.type();
    if (target.subresource().isEmpty()
        && PodTemplates.hasTemplate(type.group(), type.kind())) {
      podSecurity.admitWorkload(type, target.namespaceOrEmpty(), after);
    }
    List<String> warnings = new ArrayList<>(notes.drain());
    if (type == ResourceTypes.NAMESPACE && before.isPresent()) {
      warnings.addAll(podSecurity.namespaceRelabelled(name(after), labels(before.get()),
          labels(after)));
    }
    return warnings;
  }

  private static String name(JsonObject object) {
    return JsonFields.object(object, "metadata").getString("name", "");
  }

  private static Map<String, String> labels(JsonObject object) {
    return JsonFields.strings(JsonFields.object(JsonFields.object(object, "metadata"), "labels"));
  }
}
