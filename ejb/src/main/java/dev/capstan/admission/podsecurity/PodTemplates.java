package dev.capstan.admission.podsecurity;

import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * Where a workload keeps the pods it makes (Kubernetes' {@code DefaultPodSpecExtractor}):
 * {@code spec.template} of ReplicationControllers, ReplicaSets, Deployments, DaemonSets,
 * StatefulSets and Jobs, {@code spec.jobTemplate.spec.template} of CronJobs, {@code template}
 * of PodTemplates.
 */
public final class PodTemplates {

  /** A pod template's metadata and spec. */
  public record Template(JsonObject metadata, JsonObject spec) {}

  private PodTemplates() {}

  /** Whether Pod Security looks at this kind's pod template. */
  public static boolean hasTemplate(String group, String kind) {
    return switch (group.isEmpty() ? kind : kind + "." + group) {
      case "ReplicationController", "PodTemplate", "ReplicaSet.apps", "Deployment.apps",
          "DaemonSet.apps", "StatefulSet.apps", "Job.batch", "CronJob.batch" -> true;
      default -> false;
    };
  }

  /** The object's pod template, if it is a workload and has one. */
  public static Optional<Template> of(String group, String kind, JsonObject object) {
    if (!hasTemplate(group, kind)) {
      return Optional.empty();
    }
    JsonObject holder = object;
    if (kind.equals("CronJob")) {
      holder = child(child(child(object, "spec"), "jobTemplate"), "spec");
    } else if (!kind.equals("PodTemplate")) {
      holder = child(object, "spec");
    }
    if (!(holder.get("template") instanceof JsonObject template)) {
      return Optional.empty();
    }
    return Optional.of(new Template(child(template, "metadata"), child(template, "spec")));
  }

  private static JsonObject child(JsonObject object, String field) {
    return object.get(field) instanceof JsonObject child ? child : JsonObject.EMPTY_JSON_OBJECT;
  }
}
