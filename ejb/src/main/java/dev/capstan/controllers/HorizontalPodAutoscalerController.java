package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.autoscaling.AutoscalerConditions;
import dev.capstan.autoscaling.MetricsReplicas;
import dev.capstan.autoscaling.PodMetricsClient;
import dev.capstan.autoscaling.ScaleHistory;
import dev.capstan.autoscaling.ScalingRules;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.kinds.ScaleSubresource;
import dev.capstan.recording.EventRecorder;
import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.InvalidSelectorException;
import dev.capstan.selection.LabelSelector;
import dev.capstan.store.ConflictException;
import dev.capstan.store.ListQuery;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The horizontal pod autoscaler (kube-controller-manager's {@code HorizontalController}), keyed
 * by HorizontalPodAutoscaler (stored as autoscaling/v2): every {@link #SYNC_PERIOD} it reads the
 * target's scale, its pods and their metrics, computes the replicas the metrics ask for
 * ({@link MetricsReplicas}), stabilises and limits them ({@link ScaleHistory}), sets the
 * target's {@code spec.replicas} through its scale, and writes the status (current and desired
 * replicas, current metrics, the conditions AbleToScale, ScalingActive and ScalingLimited, the
 * last scale time) when it changed, with Kubernetes' events and words. Pods that the targets
 * of two autoscalers both select are scaled by neither (AmbiguousSelector), as in Kubernetes.
 *
 * <pre>
 *  HPA added ──▶ sync ──▶ requeue after 15 s ──▶ sync ──▶ ...   (each sync, success or not)
 *                 │ scale of spec.scaleTargetRef (Deployment, ReplicaSet, RC: any kind with /scale)
 *                 │ pods by the scale's selector ─▶ PodMetrics ─▶ ReplicaCalculator
 *                 │ ScaleHistory: stabilisation window, policies' rate, min/max
 *                 └▶ spec.replicas of the target; status; events
 * </pre>
 *
 * <p>A failure (no target, no metrics yet, pods without requests) is a condition and an event,
 * and the next try is the next period, never a faster retry. Changes to an autoscaler other
 * than its creation wait for the next period too, as in Kubernetes (whose queue adds every HPA
 * event at the sync period's rate), which keeps its own status writes from waking it.
 */
final class HorizontalPodAutoscalerController implements Controller {

  /** {@code --horizontal-pod-autoscaler-sync-period}. */
  static final Duration SYNC_PERIOD = Duration.ofSeconds(15);
  private static final ResourceType TYPE = ResourceTypes.HORIZONTAL_POD_AUTOSCALER;
  private static final String COMPONENT = "horizontal-pod-autoscaler";
  private static final Logger LOG =
      Logger.getLogger(HorizontalPodAutoscalerController.class.getName());

  private final ObjectStore store;
  private final EventRecorder events;
  private final PodMetricsClient metrics;
  private final Clock clock;
  private final ScaleHistory history = new ScaleHistory();
  private Requeue requeue = (key, when) -> { };

  HorizontalPodAutoscalerController(ObjectStore store, EventRecorder events,
      PodMetricsClient metrics, Clock clock) {
    this.store = store;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "horizontal pod autoscaler";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (!ControllerKeys.isOf(change, TYPE)
        || change.type() == dev.capstan.store.entity.ObjectChange.Type.MODIFIED) {
      return Set.of();
    }
    return Set.of(change.key().namespace() + "/" + change.key().name());
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.all(store, TYPE);
  }

  @Override
  public void requeueWith(Requeue requeue) {
    this.requeue = requeue;
  }

  @Override
  public void reconcile(String key) {
    String[] parts = key.split("/", 2);
    Optional<StoredObject> stored = store.get(TYPE.key(parts[0], parts[1]));
    if (stored.isEmpty()) {
      history.forget(key);
      return;
    }
    if (ObjectMetadata.isDeleting(stored.get().json())) {
      return;
    }
    Instant now = clock.instant();
    try {
      sync(key, stored.get().json(), now);
    } finally {
      requeue.after(key, now.plus(SYNC_PERIOD));
    }
  }

  /** {@code reconcileAutoscaler}. */
  private void sync(String key, JsonObject hpa, Instant now) {
    String namespace = object(hpa, "metadata").getString("namespace", "");
    JsonObject spec = object(hpa, "spec");
    JsonObject originalStatus = object(hpa, "status");
    AutoscalerConditions conditions = new AutoscalerConditions(originalStatus, now);
    JsonObject ref = object(spec, "scaleTargetRef");
    String reference = ref.getString("kind", "") + "/" + namespace + "/"
        + ref.getString("name", "");

    Optional<JsonObject> target;
    try {
      target = Optional.of(target(namespace, ref));
    } catch (TargetUnavailable e) {
      warn(hpa, "FailedGetScale", e.getMessage());
      conditions.set(AutoscalerConditions.ABLE_TO_SCALE, "False", "FailedGetScale",
          "the HPA controller was unable to get the target's current scale: " + e.getMessage());
      writeStatus(hpa, originalStatus, currentStatus(originalStatus,
          originalStatus.getInt("currentReplicas", 0), originalStatus.get("currentMetrics"),
          conditions));
      LOG.fine(() -> "failed to query scale subresource for " + reference + ": "
          + e.getMessage());
      return;
    }
    conditions.set(AutoscalerConditions.ABLE_TO_SCALE, "True", "SucceededGetScale",
        "the HPA controller was able to get the target's current scale");
    JsonObject scale = ScaleSubresource.of(target.get());
    int currentReplicas = object(scale, "spec").getInt("replicas", 0);
    history.start(key, currentReplicas, now);

    int minReplicas = spec.getInt("minReplicas", 1);
    int maxReplicas = spec.getInt("maxReplicas", 1);
    JsonValue metricStatuses = null;
    int desiredReplicas = 0;
    String rescaleReason = "";
    boolean rescale = true;
    ScalingRules up = ScalingRules.of(spec, true);
    ScalingRules down = ScalingRules.of(spec, false);
    if (currentReplicas == 0 && minReplicas != 0) {
      desiredReplicas = 0;
      rescale = false;
      conditions.set(AutoscalerConditions.SCALING_ACTIVE, "False", "ScalingDisabled",
          "scaling is disabled since the replica count of the target is zero");
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = "Current number of replicas above Spec.MaxReplicas";
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = "Current number of replicas below Spec.MinReplicas";
      desiredReplicas = minReplicas;
    } else {
      MetricsReplicas.Result result = metricsReplicas(hpa, spec, scale, currentReplicas, now,
          conditions);
      metricStatuses = result.statuses();
      if (result.replicas() == -1) {
        writeStatus(hpa, originalStatus, currentStatus(originalStatus, currentReplicas,
            metricStatuses, conditions));
        warn(hpa, "FailedComputeMetricsReplicas", result.error().orElse(""));
        return;
      }
      String rescaleMetric = "";
      if (result.replicas() > desiredReplicas) {
        desiredReplicas = result.replicas();
        rescaleMetric = result.metric();
      }
      if (desiredReplicas > currentReplicas) {
        rescaleReason = rescaleMetric + " above target";
      }
      if (desiredReplicas < currentReplicas) {
        rescaleReason = "All metrics below target";
      }
      ScaleHistory.Normalized normalized = history.normalize(key, up, down, minReplicas,
          maxReplicas, currentReplicas, desiredReplicas, now);
      conditions.set(AutoscalerConditions.ABLE_TO_SCALE, normalized.ableToScale());
      conditions.set(AutoscalerConditions.SCALING_LIMITED, normalized.scalingLimited());
      desiredReplicas = normalized.replicas();
      rescale = desiredReplicas != currentReplicas;
    }
    JsonValue lastScaleTime = originalStatus.get("lastScaleTime");
    if (rescale) {
      try {
        scaleTo(target.get(), desiredReplicas);
      } catch (RuntimeException | NotFoundException | ConflictException e) {
        warn(hpa, "FailedRescale", "New size: " + desiredReplicas + "; reason: " + rescaleReason
            + "; error: " + e.getMessage());
        conditions.set(AutoscalerConditions.ABLE_TO_SCALE, "False", "FailedUpdateScale",
            "the HPA controller was unable to update the target scale: " + e.getMessage());
        writeStatus(hpa, originalStatus, currentStatus(originalStatus, currentReplicas,
            metricStatuses, conditions));
        return;
      }
      conditions.set(AutoscalerConditions.ABLE_TO_SCALE, "True", "SucceededRescale",
          "the HPA controller was able to update the target scale to " + desiredReplicas);
      events.normal(hpa, COMPONENT, "SuccessfulRescale", "New size: " + desiredReplicas
          + "; reason: " + rescaleReason);
      history.rescaled(key, up, down, currentReplicas, desiredReplicas, now);
      lastScaleTime = Json.createValue(now.truncatedTo(ChronoUnit.SECONDS).toString());
    } else {
      desiredReplicas = currentReplicas;
    }
    writeStatus(hpa, originalStatus, status(currentReplicas, desiredReplicas, lastScaleTime,
        metricStatuses, conditions));
  }

  private MetricsReplicas.Result metricsReplicas(JsonObject hpa, JsonObject spec,
      JsonObject scale, int currentReplicas, Instant now, AutoscalerConditions conditions) {
    String selector = object(scale, "status").getString("selector", "");
    List<JsonValue> specs = spec.get("metrics") instanceof JsonArray array ? array : List.of();
    if (selector.isEmpty()) {
      warn(hpa, "SelectorRequired", "selector is required");
      conditions.set(AutoscalerConditions.SCALING_ACTIVE, "False", "InvalidSelector",
          "the HPA target's scale is missing a selector");
      return new MetricsReplicas.Result(-1, "", null, Optional.of("selector is required"));
    }
    List<JsonObject> pods;
    try {
      String namespace = object(hpa, "metadata").getString("namespace", "");
      pods = store.list(new ListQuery("", "Pod", Optional.of(namespace),
          LabelSelector.parse(selector), FieldSelector.parse(""), 0, Optional.empty())).bodies();
    } catch (InvalidSelectorException e) {
      String message = "couldn't convert selector into a corresponding internal selector object: "
          + e.getMessage();
      warn(hpa, "InvalidSelector", message);
      conditions.set(AutoscalerConditions.SCALING_ACTIVE, "False", "InvalidSelector", message);
      return new MetricsReplicas.Result(-1, "", null, Optional.of(message));
    }
    List<String> controlling = autoscalersOf(object(hpa, "metadata").getString("namespace", ""),
        pods);
    if (controlling.size() > 1) {
      String message = "pods by selector " + selector + " are controlled by multiple HPAs: "
          + "[" + String.join(" ", controlling) + "]";
      warn(hpa, "AmbiguousSelector", message);
      conditions.set(AutoscalerConditions.SCALING_ACTIVE, "False", "AmbiguousSelector", message);
      return new MetricsReplicas.Result(-1, "", null, Optional.of(message));
    }
    return MetricsReplicas.compute(specs, currentReplicas, pods, () -> metrics.podMetrics(pods),
        now, conditions, (reason, message) -> warn(hpa, reason, message));
  }

  /**
   * {@code hpasControllingPodsUnderSelector}: the autoscalers of the namespace whose target's
   * scale selects any of these pods, as {@code namespace/name}, sorted. Read afresh each sync
   * rather than kept from the watch, so any server that takes the lead has them at once.
   */
  private List<String> autoscalersOf(String namespace, List<JsonObject> pods) {
    if (pods.isEmpty()) {
      return List.of();
    }
    List<String> controlling = new java.util.ArrayList<>();
    for (JsonObject other : store.list(TYPE.all(Optional.of(namespace), "")).bodies()) {
      if (ObjectMetadata.isDeleting(other)) {
        continue;
      }
      try {
        JsonObject scale = ScaleSubresource.of(target(namespace,
            object(object(other, "spec"), "scaleTargetRef")));
        LabelSelector selects = LabelSelector.parse(
            object(scale, "status").getString("selector", ""));
        if (!selects.isEmpty() && pods.stream()
            .anyMatch(pod -> selects.matches(OwnerController.labels(pod)))) {
          controlling.add(namespace + "/" + object(other, "metadata").getString("name", ""));
        }
      } catch (TargetUnavailable | InvalidSelectorException e) {
        // an autoscaler without a target or a selector controls no pods
      }
    }
    controlling.sort(null);
    return controlling;
  }

  /** The object {@code scaleTargetRef} names, if it exists and has a scale. */
  private JsonObject target(String namespace, JsonObject ref) throws TargetUnavailable {
    String apiVersion = ref.getString("apiVersion", "");
    String group = group(apiVersion);
    String kind = ref.getString("kind", "");
    Optional<ResourceType> type = typeOf(apiVersion, kind);
    if (type.isEmpty()) {
      throw new TargetUnavailable("no matches for kind \"" + kind + "\" in group \"" + group
          + "\"");
    }
    if (!ScaleSubresource.scalable(type.get())) {
      throw new TargetUnavailable("the server could not find the requested resource");
    }
    String name = ref.getString("name", "");
    return store.get(type.get().key(namespace, name)).map(StoredObject::json)
        .orElseThrow(() -> new TargetUnavailable(type.get().qualifiedPlural() + " \"" + name
            + "\" not found"));
  }

  private void scaleTo(JsonObject target, int replicas)
      throws NotFoundException, ConflictException {
    JsonObject metadata = object(target, "metadata");
    ResourceType type = typeOf(target.getString("apiVersion", ""), target.getString("kind", ""))
        .orElseThrow();
    store.update(type.key(metadata.getString("namespace", ""), metadata.getString("name", "")),
        type.apiVersion(), new Preconditions(Optional.of(metadata.getString("uid", "")),
            Optional.empty()),
        latest -> Json.createObjectBuilder(latest).add("spec", Json.createObjectBuilder(
            object(latest, "spec")).add("replicas", replicas)).build());
  }

  /** The served type of a kind in the group of an {@code apiVersion} ({@code apps/v1}). */
  private static Optional<ResourceType> typeOf(String apiVersion, String kind) {
    String group = group(apiVersion);
    return ResourceTypes.all().stream()
        .filter(t -> t.group().equals(group) && t.kind().equals(kind)).findFirst();
  }

  private static String group(String apiVersion) {
    return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
  }

  /** {@code setCurrentReplicasAndMetricsInStatus}: the desired count and scale time kept. */
  private static JsonObject currentStatus(JsonObject original, int currentReplicas,
      JsonValue metricStatuses, AutoscalerConditions conditions) {
    return status(currentReplicas, original.getInt("desiredReplicas", 0),
        original.get("lastScaleTime"), metricStatuses, conditions);
  }

  /** {@code setStatus}: the fields as autoscaling/v2 writes them (zero and empty omitted). */
  private static JsonObject status(int currentReplicas, int desiredReplicas,
      JsonValue lastScaleTime, JsonValue metricStatuses, AutoscalerConditions conditions) {
    JsonObjectBuilder status = Json.createObjectBuilder();
    if (lastScaleTime != null && lastScaleTime != JsonValue.NULL) {
      status.add("lastScaleTime", lastScaleTime);
    }
    if (currentReplicas != 0) {
      status.add("currentReplicas", currentReplicas);
    }
    status.add("desiredReplicas", desiredReplicas);
    if (metricStatuses instanceof JsonArray array && !array.isEmpty()) {
      status.add("currentMetrics", array);
    }
    JsonArray list = conditions.json();
    if (!list.isEmpty()) {
      status.add("conditions", list);
    }
    return status.build();
  }

  /** {@code updateStatusIfNeeded}. */
  private void writeStatus(JsonObject hpa, JsonObject original, JsonObject status) {
    if (status.equals(original)) {
      return;
    }
    JsonObject metadata = object(hpa, "metadata");
    try {
      store.update(TYPE.key(metadata.getString("namespace", ""), metadata.getString("name", "")),
          TYPE.apiVersion(), new Preconditions(Optional.of(metadata.getString("uid", "")),
              Optional.empty()),
          latest -> Json.createObjectBuilder(latest).add("status", status).build());
    } catch (NotFoundException | ConflictException e) {
      // deleted (or replaced) meanwhile: nothing left to report on
    }
  }

  private void warn(JsonObject hpa, String reason, String message) {
    events.warning(hpa, COMPONENT, reason, message);
  }

  /** The scale target cannot be read, in Kubernetes' words. */
  private static final class TargetUnavailable extends Exception {
    TargetUnavailable(String message) {
      super(message);
    }
  }
}
