package dev.capstan.store;

import dev.capstan.kinds.ResourceType;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.metrics.Metrics;
import dev.capstan.metrics.StoreMetrics;
import dev.capstan.store.entity.ObjectKey;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.InvocationContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Times each call of {@link ObjectStore} that reads or writes objects, for
 * {@code etcd_request_duration_seconds} ({@link StoreMetrics}): one interceptor on the store's
 * business methods rather than a timer in each, so a new method is timed by naming its
 * operation here. Calls the store makes to itself are plain Java calls, never intercepted, so
 * nothing is counted twice.
 */
public class StoreLatency {

  /** The store's methods, by kube-apiserver's storage operations; others are not timed. */
  private static final Map<String, String> OPERATIONS = Map.of(
      "get", "get",
      "list", "list",
      "keys", "list",
      "create", "create",
      "update", "update",
      "markDeleting", "update",
      "delete", "delete",
      "deleteCorrupt", "delete");

  /** Group and kind to kube-apiserver's group-resource, for every kind the API serves. */
  private static final Map<String, String> RESOURCES = ResourceTypes.all().stream()
      .collect(Collectors.toMap(type -> type.group() + "/" + type.kind(), StoreLatency::resource,
          (first, other) -> first));

  @Inject
  private Metrics metrics;

  private volatile StoreMetrics storeMetrics;

  @AroundInvoke
  Object time(InvocationContext call) throws Exception {
    Optional<String> operation = operation(call.getMethod().getName());
    if (operation.isEmpty()) {
      return call.proceed();
    }
    long started = System.nanoTime();
    try {
      return call.proceed();
    } finally {
      meters().requested(operation.get(), type(call.getParameters()),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /** The storage operation a store method performs; empty for a method not timed. */
  static Optional<String> operation(String method) {
    return Optional.ofNullable(OPERATIONS.get(method));
  }

  /**
   * The resource a call is about, from its first parameters (an {@link ObjectKey}, a
   * {@link ListQuery}, or a group and a kind); empty when it names none the API serves.
   */
  static String type(Object[] parameters) {
    if (parameters.length > 0 && parameters[0] instanceof ObjectKey key) {
      return type(key.apiGroup(), key.kind());
    }
    if (parameters.length > 0 && parameters[0] instanceof ListQuery query) {
      return type(query.apiGroup(), query.kind());
    }
    if (parameters.length > 1 && parameters[0] instanceof String group
        && parameters[1] instanceof String kind) {
      return type(group, kind);
    }
    return "";
  }

  private static String type(String group, String kind) {
    return RESOURCES.getOrDefault(group + "/" + kind, "");
  }

  /** {@code pods}, {@code deployments.apps}: schema.GroupResource's String(). */
  private static String resource(ResourceType type) {
    return type.group().isEmpty() ? type.plural() : type.plural() + "." + type.group();
  }

  private StoreMetrics meters() {
    StoreMetrics meters = storeMetrics;
    if (meters == null) {
      meters = new StoreMetrics(metrics.registry());
      storeMetrics = meters;
    }
    return meters;
  }
}
