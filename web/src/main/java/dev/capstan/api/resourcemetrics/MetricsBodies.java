package dev.capstan.api.resourcemetrics;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.api.nodes.NodeSummaries;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * NodeMetrics and PodMetrics ({@code metrics.k8s.io/v1beta1}) made from a node agent's Summary
 * API answer, field for field as metrics-server writes them: {@code metadata} (name, namespace,
 * a {@code creationTimestamp} of now, the object's labels), {@code timestamp} (when the agent
 * sampled), {@code window} (the span the CPU rate is measured over), and {@code usage}
 * ({@code cpu} in nanocores, {@code memory} the working set) for a node or for each container
 * of a pod.
 *
 * <p>The CPU rate is the agent's own ({@code usageNanoCores}: the rate between its last two
 * samplings), so no reading has to be remembered here between requests, and the window is the
 * agents' sampling interval. A node or container without a rate yet (the agent has sampled it
 * once) has no metrics, as metrics-server has none for it before its second scrape; a pod
 * without any container with metrics is left out.
 */
final class MetricsBodies {

  static final String GROUP = "metrics.k8s.io";
  static final String VERSION = "v1beta1";
  static final String API_VERSION = GROUP + "/" + VERSION;
  /** The agents' sampling interval ({@code CAPSTAN_STATS_INTERVAL}'s default). */
  static final Duration WINDOW = NodeSummaries.AGENT_SAMPLING;

  private MetricsBodies() {}

  /** The node's metrics from its agent's summary, if the summary has both figures. */
  static Optional<JsonObject> node(JsonObject node, JsonObject summary, Instant now) {
    JsonObject stats = object(summary, "node");
    Optional<Usage> usage = Usage.of(stats);
    if (usage.isEmpty()) {
      return Optional.empty();
    }
    JsonObject metadata = object(node, "metadata");
    JsonObjectBuilder meta = Json.createObjectBuilder()
        .add("name", metadata.getString("name", ""))
        .add("creationTimestamp", time(now));
    labels(metadata, meta);
    return Optional.of(Json.createObjectBuilder()
        .add("metadata", meta)
        .add("timestamp", usage.get().time())
        .add("window", Quantities.duration(WINDOW))
        .add("usage", usage.get().json())
        .build());
  }

  /** The pods of a summary, by {@code namespace/name}. */
  static Map<String, JsonObject> podsOf(JsonObject summary) {
    Map<String, JsonObject> pods = new HashMap<>();
    if (summary.get("pods") instanceof JsonArray array) {
      for (JsonValue value : array) {
        if (value instanceof JsonObject pod) {
          JsonObject ref = object(pod, "podRef");
          pods.put(ref.getString("namespace", "") + "/" + ref.getString("name", ""), pod);
        }
      }
    }
    return pods;
  }

  /**
   * The pod's metrics from its entry in its node's summary, if that entry is this pod (same
   * uid, not an earlier pod of the same name) and has a container with both figures.
   */
  static Optional<JsonObject> pod(JsonObject pod, JsonObject stats, Instant now) {
    JsonObject metadata = object(pod, "metadata");
    String uid = object(stats, "podRef").getString("uid", "");
    if (!uid.isEmpty() && !uid.equals(metadata.getString("uid", uid))) {
      return Optional.empty();
    }
    JsonArrayBuilder containers = Json.createArrayBuilder();
    String timestamp = null;
    if (stats.get("containers") instanceof JsonArray array) {
      for (JsonValue value : array) {
        if (value instanceof JsonObject container) {
          Optional<Usage> usage = Usage.of(container);
          if (usage.isPresent()) {
            containers.add(Json.createObjectBuilder()
                .add("name", container.getString("name", ""))
                .add("usage", usage.get().json()));
            timestamp = timestamp == null || usage.get().time().compareTo(timestamp) > 0
                ? usage.get().time() : timestamp;
          }
        }
      }
    }
    if (timestamp == null) {
      return Optional.empty();
    }
    JsonObjectBuilder meta = Json.createObjectBuilder()
        .add("name", metadata.getString("name", ""))
        .add("namespace", metadata.getString("namespace", ""))
        .add("creationTimestamp", time(now));
    labels(metadata, meta);
    return Optional.of(Json.createObjectBuilder()
        .add("metadata", meta)
        .add("timestamp", timestamp)
        .add("window", Quantities.duration(WINDOW))
        .add("containers", containers)
        .build());
  }

  /** One object, as a {@code get} answers it: its kind and apiVersion first. */
  static JsonObject single(String kind, JsonObject item) {
    JsonObjectBuilder body = Json.createObjectBuilder().add("kind", kind)
        .add("apiVersion", API_VERSION);
    item.forEach(body::add);
    return body.build();
  }

  /** A list, as metrics-server answers one: empty list metadata, items without kinds. */
  static JsonObject list(String kind, List<JsonObject> items) {
    return Json.createObjectBuilder()
        .add("kind", kind)
        .add("apiVersion", API_VERSION)
        .add("metadata", Json.createObjectBuilder())
        .add("items", Json.createArrayBuilder(items))
        .build();
  }

  private static void labels(JsonObject metadata, JsonObjectBuilder meta) {
    if (metadata.get("labels") instanceof JsonObject labels && !labels.isEmpty()) {
      meta.add("labels", labels);
    }
  }

  private static String time(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** CPU and memory of a node or container, with the time the agent sampled them. */
  private record Usage(long nanoCores, long workingSetBytes, String time) {

    static Optional<Usage> of(JsonObject stats) {
      JsonObject cpu = object(stats, "cpu");
      JsonObject memory = object(stats, "memory");
      if (!(cpu.get("usageNanoCores") instanceof JsonNumber rate)
          || !(memory.get("workingSetBytes") instanceof JsonNumber workingSet)) {
        return Optional.empty();
      }
      return Optional.of(new Usage(rate.longValue(), workingSet.longValue(),
          cpu.getString("time", "")));
    }

    JsonObject json() {
      return Json.createObjectBuilder()
          .add("cpu", Quantities.nanoCores(nanoCores))
          .add("memory", Quantities.bytes(workingSetBytes))
          .build();
    }
  }
}
