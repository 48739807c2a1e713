package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.json.JsonFields;
import dev.capstan.jsonp.Json;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a namespace's deletion met, as the conditions Kubernetes' namespace controller writes into
 * {@code status.conditions} ({@code status_condition_utils.go}), with its types, reasons and
 * messages: so that a deletion that cannot finish says why ({@code kubectl get ns -o yaml},
 * {@code kubectl describe ns}) instead of retrying silently.
 *
 * <p>Capstan's kinds are compiled in, so discovery and group-version parsing never fail: those
 * two conditions are always their "ok" variants.
 */
final class NamespaceConditions {

  static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
  static final String GROUP_VERSION_PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
  static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
  static final String CONTENT_REMAINING = "NamespaceContentRemaining";
  static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

  /** The conditions in Kubernetes' order, with their "ok" reason and message. */
  private static final Map<String, String[]> OK = new LinkedHashMap<>();

  static {
    OK.put(DISCOVERY_FAILURE, new String[] {"ResourcesDiscovered",
        "All resources successfully discovered"});
    OK.put(GROUP_VERSION_PARSING_FAILURE, new String[] {"ParsedGroupVersions",
        "All legacy kube types successfully parsed"});
    OK.put(CONTENT_FAILURE, new String[] {"ContentDeleted",
        "All content successfully deleted, may be waiting on finalization"});
    OK.put(CONTENT_REMAINING, new String[] {"ContentRemoved", "All content successfully removed"});
    OK.put(FINALIZERS_REMAINING, new String[] {"ContentHasNoFinalizers",
        "All content-preserving finalizers finished"});
  }

  /** What one pass over a namespace's content found: failures, and what is left. */
  static final class Pass {
    private final List<String> deleteErrors = new ArrayList<>();
    /** Remaining instances by {@code resource.group}. */
    private final Map<String, Integer> remaining = new TreeMap<>();
    private final Map<String, Integer> finalizers = new TreeMap<>();

    /** A kind whose content could not be listed or deleted, and why. */
    void failed(String message) {
      deleteErrors.add(message);
    }

    /** An object still there after the deletes, of resource {@code plural} in {@code group}. */
    void remains(String plural, String group, JsonObject object) {
      remaining.merge(plural + "." + group, 1, Integer::sum);
      for (String finalizer : ObjectMetadata.finalizers(object)) {
        finalizers.merge(finalizer, 1, Integer::sum);
      }
    }

    boolean failedAny() {
      return !deleteErrors.isEmpty();
    }

    boolean empty() {
      return remaining.isEmpty() && deleteErrors.isEmpty();
    }

    /** The failing conditions of this pass, by type, as [reason, message]. */
    Map<String, String[]> failures() {
      Map<String, String[]> failures = new LinkedHashMap<>();
      if (!deleteErrors.isEmpty()) {
        List<String> sorted = deleteErrors.stream().sorted().toList();
        failures.put(CONTENT_FAILURE, new String[] {"ContentDeletionFailed",
            "Failed to delete all resource types, " + sorted.size() + " remaining: "
                + String.join(", ", sorted)});
      }
      if (!remaining.isEmpty()) {
        List<String> parts = new ArrayList<>();
        remaining.forEach((resource, count) -> parts.add(resource + " has " + count
            + " resource instances"));
        failures.put(CONTENT_REMAINING, new String[] {"SomeResourcesRemain",
            "Some resources are remaining: " + String.join(", ", parts)});
      }
      if (!finalizers.isEmpty()) {
        List<String> parts = new ArrayList<>();
        finalizers.forEach((finalizer, count) -> parts.add(finalizer + " in " + count
            + " resource instances"));
        failures.put(FINALIZERS_REMAINING, new String[] {"SomeFinalizersRemain",
            "Some content in the namespace has finalizers remaining: "
                + String.join(", ", parts)});
      }
      return failures;
    }
  }

  private NamespaceConditions() {}

  /**
   * The namespace with its deletion conditions set from a pass (Kubernetes' {@code
   * updateConditions}): each of the five types present, "True" with the failure's reason and
   * message or "False" with the ok ones; {@code lastTransitionTime} moves only when the status
   * flips. Other conditions are kept. Returns the namespace unchanged when nothing differs.
   */
  static JsonObject apply(JsonObject namespace, Pass pass, Instant now) {
    Map<String, String[]> failures = pass.failures();
    JsonObject status = object(namespace, "status");
    List<JsonObject> conditions = new ArrayList<>(JsonFields.objects(status, "conditions"));
    boolean changed = false;
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    for (Map.Entry<String, String[]> type : OK.entrySet()) {
      String[] failing = failures.get(type.getKey());
      String wanted = failing != null ? "True" : "False";
      String[] reasonAndMessage = failing != null ? failing : type.getValue();
      int at = indexOf(conditions, type.getKey());
      if (at < 0) {
        conditions.add(condition(type.getKey(), wanted, reasonAndMessage, time));
        changed = true;
        continue;
      }
      JsonObject old = conditions.get(at);
      if (!old.getString("status", "").equals(wanted)
          || !old.getString("reason", "").equals(reasonAndMessage[0])
          || !old.getString("message", "").equals(reasonAndMessage[1])) {
        String transition = old.getString("status", "").equals(wanted)
            ? old.getString("lastTransitionTime", time) : time;
        conditions.set(at, condition(type.getKey(), wanted, reasonAndMessage, transition));
        changed = true;
      }
    }
    if (!changed) {
      return namespace;
    }
    JsonArrayBuilder array = Json.createArrayBuilder();
    conditions.forEach(array::add);
    return Json.createObjectBuilder(namespace)
        .add("status", Json.createObjectBuilder(status).add("conditions", array))
        .build();
  }

  private static int indexOf(List<JsonObject> conditions, String type) {
    for (int i = 0; i < conditions.size(); i++) {
      if (type.equals(conditions.get(i).getString("type", ""))) {
        return i;
      }
    }
    return -1;
  }

  private static JsonObject condition(String type, String status, String[] reasonAndMessage,
      String time) {
    JsonObjectBuilder condition = Json.createObjectBuilder()
        .add("type", type)
        .add("status", status)
        .add("lastTransitionTime", time)
        .add("reason", reasonAndMessage[0])
        .add("message", reasonAndMessage[1]);
    return condition.build();
  }
}
