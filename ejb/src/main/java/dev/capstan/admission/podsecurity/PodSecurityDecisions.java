package dev.capstan.admission.podsecurity;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Pod Security admission decides, as Kubernetes' {@code admission.go} does, apart from how
 * the namespace and its pods are read: the refusal, warnings and audit annotations for a pod or
 * a workload's pod template, and the warnings for a namespace whose enforce level is raised.
 * Pure.
 */
public final class PodSecurityDecisions {

  public static final String ENFORCE_POLICY_ANNOTATION =
      "pod-security.kubernetes.io/enforce-policy";
  public static final String AUDIT_VIOLATIONS_ANNOTATION =
      "pod-security.kubernetes.io/audit-violations";
  /** Kubernetes stops checking existing pods after this many. */
  static final int MAX_PODS_TO_CHECK = 3000;

  /**
   * The outcome for one pod or template.
   *
   * @param refusal the 403's reason after {@code pods "x" is forbidden: }, if refused
   * @param warnings the {@code Warning} headers' texts (none when refused)
   * @param auditAnnotations what the audit event records
   */
  public record Outcome(Optional<String> refusal, List<String> warnings,
      Map<String, String> auditAnnotations) {

    public static final Outcome ALLOWED = new Outcome(Optional.empty(), List.of(), Map.of());
  }

  private PodSecurityDecisions() {}

  /**
   * Evaluates a pod (with {@code enforce}) or a workload's pod template (without: Kubernetes
   * never refuses workloads, whose pods it checks when they are created).
   */
  public static Outcome evaluate(NamespacePolicy policy, JsonObject metadata, JsonObject spec,
      boolean enforce) {
    if (policy.fullyPrivileged()
        || (!enforce && policy.audit().level() == Level.PRIVILEGED
            && policy.warn().level() == Level.PRIVILEGED)) {
      return Outcome.ALLOWED;
    }
    Map<String, String> audit = new LinkedHashMap<>();
    Optional<String> refusal = Optional.empty();
    if (enforce) {
      audit.put(ENFORCE_POLICY_ANNOTATION, policy.enforce().toString());
      refusal = PodSecurityEvaluator.violation(policy.enforce(), metadata, spec, "violates");
    }
    PodSecurityEvaluator.violation(policy.audit(), metadata, spec, "would violate")
        .ifPresent(violation -> audit.put(AUDIT_VIOLATIONS_ANNOTATION, violation));
    List<String> warnings = new ArrayList<>();
    if (refusal.isEmpty()) {
      PodSecurityEvaluator.violation(policy.warn(), metadata, spec, "would violate")
          .ifPresent(warnings::add);
    }
    return new Outcome(refusal, warnings, audit);
  }

  /**
   * The warnings for a namespace relabelled from {@code before} to {@code after}: none unless
   * the enforce level became stricter (or its version changed to a non-privileged level); then
   * which existing pods violate it, grouped by reason, as {@code kubectl label} prints them.
   */
  public static List<String> relabelled(String namespace, NamespacePolicy before,
      NamespacePolicy after, List<JsonObject> pods) {
    LevelVersion enforce = after.enforce();
    if (enforce.equals(before.enforce()) || enforce.level() == Level.PRIVILEGED
        || (enforce.version().equals(before.enforce().version())
            && enforce.level().compareTo(before.enforce().level()) <= 0)) {
      return List.of();
    }
    return existingPods(namespace, enforce, pods);
  }

  /** Kubernetes' {@code EvaluatePodsInNamespace}. */
  static List<String> existingPods(String namespace, LevelVersion enforce, List<JsonObject> pods) {
    List<JsonObject> ordered = prioritized(pods);
    int total = ordered.size();
    List<JsonObject> checked = ordered.subList(0, Math.min(total, MAX_PODS_TO_CHECK));
    Map<String, String> firstPod = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (JsonObject pod : checked) {
      List<CheckResult> results = PodSecurityEvaluator.evaluate(enforce.level(),
          metadata(pod), spec(pod));
      if (results.isEmpty()) {
        continue;
      }
      String reason = PodSecurityEvaluator.reasons(results);
      String name = metadata(pod).getString("name", "");
      firstPod.merge(reason, name, (a, b) -> a.compareTo(b) <= 0 ? a : b);
      counts.merge(reason, 1, Integer::sum);
    }
    List<String> warnings = new ArrayList<>();
    if (checked.size() < total) {
      warnings.add("new PodSecurity enforce level only checked against the first "
          + checked.size() + " of " + total + " existing pods");
    }
    if (counts.isEmpty()) {
      return warnings;
    }
    warnings.add("existing pods in namespace \"" + namespace
        + "\" violate the new PodSecurity enforce level \"" + enforce + "\"");
    List<String> podWarnings = new ArrayList<>();
    counts.forEach((reason, count) -> {
      String pod = firstPod.get(reason);
      String who = switch (count) {
        case 1 -> pod;
        case 2 -> pod + " (and 1 other pod)";
        default -> pod + " (and " + (count - 1) + " other pods)";
      };
      podWarnings.add(who + ": " + reason);
    });
    podWarnings.sort(null);
    warnings.addAll(podWarnings);
    return warnings;
  }

  /** One pod per controller first, then the other replicas, as Kubernetes orders them. */
  private static List<JsonObject> prioritized(List<JsonObject> pods) {
    List<JsonObject> first = new ArrayList<>();
    List<JsonObject> duplicates = new ArrayList<>();
    Set<String> controllers = new HashSet<>();
    for (JsonObject pod : pods) {
      Optional<String> controller = controllerUid(pod);
      if (controller.isPresent() && !controllers.add(controller.get())) {
        duplicates.add(pod);
      } else {
        first.add(pod);
      }
    }
    first.addAll(duplicates);
    return first;
  }

  private static Optional<String> controllerUid(JsonObject pod) {
    if (!(metadata(pod).get("ownerReferences") instanceof jakarta.json.JsonArray owners)) {
      return Optional.empty();
    }
    return owners.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast)
        .filter(owner -> owner.getBoolean("controller", false))
        .map(owner -> owner.getString("uid", "")).findFirst();
  }

  /**
   * The warning for labels on an exempt namespace that would otherwise check pods, or empty.
   */
  public static Optional<String> exemptNamespace(String namespace, NamespacePolicy policy,
      NamespacePolicy defaults, Map<String, String> labels) {
    if (policy.fullyPrivileged() || (policy.enforce().equivalent(defaults.enforce())
        && policy.audit().equivalent(defaults.audit())
        && policy.warn().equivalent(defaults.warn()))) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    Map<String, LevelVersion> modes = new LinkedHashMap<>();
    modes.put("enforce", policy.enforce());
    modes.put("audit", policy.audit());
    modes.put("warn", policy.warn());
    modes.forEach((mode, level) -> {
      String label = NamespacePolicy.PREFIX + mode;
      if (level.level() != Level.PRIVILEGED
          && (labels.containsKey(label) || labels.containsKey(label + "-version"))) {
        parts.add(mode + "=" + level);
      }
    });
    return Optional.of("namespace \"" + namespace + "\" is exempt from Pod Security, and the"
        + " policy (" + String.join(", ", parts) + ") will be ignored");
  }

  /**
   * Whether a pod update can change what Pod Security checks (Kubernetes'
   * {@code isSignificantPodUpdate}): a container added or removed, an image changed, an
   * ephemeral container added or changed. Other pod fields cannot change once it exists.
   */
  public static boolean significantPodUpdate(JsonObject before, JsonObject after) {
    for (String field : List.of("containers", "initContainers")) {
      List<JsonObject> old = objects(spec(before), field);
      List<JsonObject> now = objects(spec(after), field);
      if (old.size() != now.size()) {
        return true;
      }
      for (int i = 0; i < now.size(); i++) {
        if (!old.get(i).getString("image", "").equals(now.get(i).getString("image", ""))) {
          return true;
        }
      }
    }
    List<JsonObject> old = objects(spec(before), "ephemeralContainers");
    for (JsonObject container : objects(spec(after), "ephemeralContainers")) {
      String name = container.getString("name", "");
      Optional<JsonObject> previous = old.stream()
          .filter(c -> c.getString("name", "").equals(name)).findFirst();
      if (previous.isEmpty() || !previous.get().getString("image", "")
          .equals(container.getString("image", ""))) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonObject> objects(JsonObject object, String field) {
    return object.get(field) instanceof jakarta.json.JsonArray array
        ? array.stream().filter(JsonObject.class::isInstance).map(JsonObject.class::cast).toList()
        : List.of();
  }

  static JsonObject metadata(JsonObject object) {
    return object.get("metadata") instanceof JsonObject m ? m : JsonValue.EMPTY_JSON_OBJECT;
  }

  static JsonObject spec(JsonObject object) {
    return object.get("spec") instanceof JsonObject s ? s : JsonValue.EMPTY_JSON_OBJECT;
  }
}
