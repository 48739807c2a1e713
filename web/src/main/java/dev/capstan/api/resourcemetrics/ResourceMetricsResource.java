package dev.capstan.api.resourcemetrics;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.api.discovery.DiscoveryDocuments;
import dev.capstan.api.nodes.NodeSummaries;
import dev.capstan.api.status.Statuses;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.InvalidSelectorException;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ListQuery;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The resource metrics API, {@code metrics.k8s.io/v1beta1}, served by the control plane itself
 * as metrics-server serves it behind kube-apiserver: {@code nodes} (NodeMetrics) and
 * {@code pods} (PodMetrics), {@code get} and {@code list} with {@code labelSelector} and
 * {@code fieldSelector} ({@code metadata.name}, {@code metadata.namespace}), so that
 * {@code kubectl top} and autoscalers read CPU and memory.
 *
 * <p>The objects come from the store, their figures from their nodes' agents
 * ({@link NodeSummaries}): only the nodes a request needs are read (a pod list reads the nodes
 * its pods run on). Authorization is the API's own (the request's user needs {@code get} or
 * {@code list} on {@code nodes.metrics.k8s.io} or {@code pods.metrics.k8s.io}), checked before
 * this class sees the request.
 */
@Path("apis/metrics.k8s.io/v1beta1")
@Produces(MediaType.APPLICATION_JSON)
public class ResourceMetricsResource {

  /** The only fields the API lets select metrics by (Kubernetes' default for a kind). */
  private static final Set<String> SELECTABLE = Set.of("metadata.name", "metadata.namespace");

  @Inject
  private ObjectStore store;

  @Inject
  private NodeSummaries summaries;

  @Inject
  private PodMetricsReader podMetrics;

  /** This group version's discovery document (its URL is this class's). */
  @GET
  public Response discovery() {
    return DiscoveryDocuments.resources(MetricsBodies.GROUP, MetricsBodies.VERSION);
  }

  @GET
  @Path("nodes")
  public JsonObject nodes(@QueryParam("labelSelector") String labelSelector,
      @QueryParam("fieldSelector") String fieldSelector, @QueryParam("watch") String watch) {
    refuseWatch(watch, "nodes");
    List<JsonObject> nodes = list("", "Node", Optional.empty(), labelSelector, fieldSelector);
    return MetricsBodies.list("NodeMetricsList", nodeMetrics(nodes));
  }

  @GET
  @Path("nodes/{name}")
  public JsonObject node(@PathParam("name") String name) {
    JsonObject node = store.get(ResourceTypes.NODE.key("", name)).map(StoredObject::json)
        .orElseThrow(() -> Statuses.notFound("node", name));
    List<JsonObject> metrics = nodeMetrics(List.of(node));
    if (metrics.isEmpty()) {
      throw Statuses.notFound(MetricsBodies.GROUP, "nodemetrics", name);
    }
    return MetricsBodies.single("NodeMetrics", metrics.get(0));
  }

  @GET
  @Path("pods")
  public JsonObject allPods(@QueryParam("labelSelector") String labelSelector,
      @QueryParam("fieldSelector") String fieldSelector, @QueryParam("watch") String watch) {
    refuseWatch(watch, "pods");
    return podList(Optional.empty(), labelSelector, fieldSelector);
  }

  @GET
  @Path("namespaces/{namespace}/pods")
  public JsonObject pods(@PathParam("namespace") String namespace,
      @QueryParam("labelSelector") String labelSelector,
      @QueryParam("fieldSelector") String fieldSelector, @QueryParam("watch") String watch) {
    refuseWatch(watch, "pods");
    return podList(Optional.of(namespace), labelSelector, fieldSelector);
  }

  @GET
  @Path("namespaces/{namespace}/pods/{name}")
  public JsonObject pod(@PathParam("namespace") String namespace,
      @PathParam("name") String name) {
    JsonObject pod = store.get(ResourceTypes.POD.key(namespace, name)).map(StoredObject::json)
        .orElseThrow(() -> Statuses.notFound("pods", name));
    List<JsonObject> metrics = podMetrics(List.of(pod));
    if (metrics.isEmpty()) {
      throw Statuses.notFound(MetricsBodies.GROUP, "podmetrics", namespace + "/" + name);
    }
    return MetricsBodies.single("PodMetrics", metrics.get(0));
  }

  private JsonObject podList(Optional<String> namespace, String labelSelector,
      String fieldSelector) {
    List<JsonObject> pods = list("", "Pod", namespace, labelSelector, fieldSelector);
    return MetricsBodies.list("PodMetricsList", podMetrics(pods));
  }

  /** The nodes' metrics, in the nodes' order (by name), for those whose agent answered. */
  private List<JsonObject> nodeMetrics(List<JsonObject> nodes) {
    Map<String, JsonObject> read = summaries.of(nodes);
    Instant now = Instant.now();
    List<JsonObject> metrics = new ArrayList<>();
    for (JsonObject node : nodes) {
      JsonObject summary = read.get(object(node, "metadata").getString("name", ""));
      if (summary != null) {
        MetricsBodies.node(node, summary, now).ifPresent(metrics::add);
      }
    }
    return metrics;
  }

  private List<JsonObject> podMetrics(List<JsonObject> pods) {
    return podMetrics.podMetrics(pods);
  }

  private List<JsonObject> list(String group, String kind, Optional<String> namespace,
      String labelSelector, String fieldSelector) {
    try {
      LabelSelector labels = LabelSelector.parse(labelSelector == null ? "" : labelSelector);
      FieldSelector fields = FieldSelector.parse(fieldSelector == null ? "" : fieldSelector);
      fields.requireSupported(SELECTABLE);
      return store.list(new ListQuery(group, kind, namespace, labels, fields, 0,
          Optional.empty())).bodies();
    } catch (InvalidSelectorException e) {
      throw Statuses.badRequest(e.getMessage());
    }
  }

  /** metrics-server serves no watch of these kinds. */
  private static void refuseWatch(String watch, String resource) {
    if (watch != null && (watch.equals("1") || watch.equalsIgnoreCase("true"))) {
      throw Statuses.methodNotSupported(MetricsBodies.GROUP, resource, "watch");
    }
  }
}
