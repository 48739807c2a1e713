package dev.capstan.controlplane;

import dev.capstan.admission.Defaulting;
import dev.capstan.allocation.ServiceAllocator;
import dev.capstan.allocation.ServiceRange;
import dev.capstan.controllers.EndpointSlices;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.ControlPlaneInstance;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.store.schema.SchemaMigration;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJBException;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code kubernetes} service in {@code default}: the stable address pods use to reach the
 * API. Its endpoints are the control-plane servers that are alive (heartbeat within
 * {@value #LIVE_SECONDS} s), at the address and HTTPS port each advertises, reconciled every few
 * seconds by every server as kube-apiserver's lease endpoint reconciler does. Level-triggered and
 * idempotent: each run compares the stored endpoints with the live servers and writes only a
 * difference, so servers racing each other converge. Its EndpointSlice {@code kubernetes} is
 * written the same way, as kube-apiserver writes it.
 *
 * <p>The service's cluster IP is the first address of the service range
 * ({@code capstan.service.cidr}, Kubernetes' default 10.96.0.0/12), which Kubernetes reserves for
 * it too.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class KubernetesService {

  static final String NAME = "kubernetes";
  static final String NAMESPACE = "default";
  private static final long LIVE_SECONDS = 20;
  private static final Logger LOG = Logger.getLogger(KubernetesService.class.getName());

  @Inject
  private SchemaMigration schema;

  @Inject
  private ObjectStore store;

  @Inject
  private ServiceAllocator allocator;

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  private final Clock clock = Clock.systemUTC();

  @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
  void reconcile() {
    if (!schema.isMigrated()) {
      return;
    }
    try {
      ensureService();
      JsonArray subsets = desiredSubsets(liveServers());
      if (subsets.isEmpty()) {
        // Only a server not advertising itself (starting before its first heartbeat, or
        // stopping with its address withdrawn) can see no live server with an address, and only
        // because the others' heartbeats looked late to it: it leaves the endpoints to the
        // servers that advertise, which always count themselves. (Emptying them made the
        // kubernetes service flap to no endpoints for 5 s while tests started second servers.)
        return;
      }
      reconcileEndpoints(subsets);
      reconcileEndpointSlice(subsets);
    } catch (EJBException | ConflictException | NotFoundException e) {
      // another server wrote first, or the namespace is not there yet: the next run converges
      LOG.log(Level.FINE, "kubernetes service not reconciled this time", e);
    }
  }

  /**
   * The servers whose heartbeat is recent, and always this one: it is alive while it runs this,
   * and as each kube-apiserver keeps its own address in the endpoints, a heartbeat delayed by a
   * busy machine never empties them. (A stopping server has withdrawn its address.)
   */
  private List<ControlPlaneInstance> liveServers() {
    List<ControlPlaneInstance> live = new java.util.ArrayList<>(em.createQuery(
            "SELECT i FROM ControlPlaneInstance i WHERE i.lastHeartbeat > :since",
            ControlPlaneInstance.class)
        .setParameter("since", clock.instant().minus(Duration.ofSeconds(LIVE_SECONDS)))
        .getResultList());
    String self = ControlPlaneHeartbeat.instanceId();
    if (live.stream().noneMatch(server -> server.instanceId().equals(self))) {
      java.util.Optional.ofNullable(em.find(ControlPlaneInstance.class, self)).ifPresent(live::add);
    }
    return live;
  }

  private void ensureService() {
    ObjectKey key = ResourceTypes.SERVICE.key(NAMESPACE, NAME);
    if (store.get(key).isPresent()
        || store.get(ResourceTypes.NAMESPACE.key("", NAMESPACE)).isEmpty()) {
      return;
    }
    String clusterIp = ServiceRange.configured().first();
    JsonObject service = Defaulting.apply("", "Service", Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", NAME).add("namespace", NAMESPACE)
            .add("labels", Json.createObjectBuilder()
                .add("component", "apiserver").add("provider", "kubernetes")))
        .add("spec", Json.createObjectBuilder()
            .add("type", "ClusterIP")
            .add("clusterIP", clusterIp)
            .add("clusterIPs", Json.createArrayBuilder().add(clusterIp))
            .add("ipFamilies", Json.createArrayBuilder().add("IPv4"))
            .add("ipFamilyPolicy", "SingleStack")
            .add("internalTrafficPolicy", "Cluster")
            .add("sessionAffinity", "None")
            .add("ports", Json.createArrayBuilder().add(Json.createObjectBuilder()
                .add("name", "https").add("port", 443).add("protocol", "TCP")
                .add("targetPort", ApiServerAddress.port()))))
        .add("status", Json.createObjectBuilder()
            .add("loadBalancer", JsonValue.EMPTY_JSON_OBJECT))
        .build());
    try {
      allocator.create(key, "v1", service);
      LOG.info(() -> "Created service default/kubernetes at " + clusterIp);
    } catch (AlreadyExistsException e) {
      // another control-plane server created it first
    } catch (ServiceAllocator.AllocationFailed e) {
      LOG.warning(() -> "The kubernetes service cannot have " + clusterIp + ": " + e.errors());
    }
  }

  /** One subset per port: the servers on that port, sorted so equal sets compare equal. */
  static JsonArray desiredSubsets(List<ControlPlaneInstance> servers) {
    Map<Integer, SortedSet<String>> byPort = new TreeMap<>();
    for (ControlPlaneInstance server : servers) {
      server.apiAddress().ifPresent(address ->
          byPort.computeIfAbsent(server.apiPort(), port -> new TreeSet<>()).add(address));
    }
    JsonArrayBuilder subsets = Json.createArrayBuilder();
    byPort.forEach((port, addresses) -> {
      JsonArrayBuilder ips = Json.createArrayBuilder();
      addresses.forEach(ip -> ips.add(Json.createObjectBuilder().add("ip", ip)));
      subsets.add(Json.createObjectBuilder()
          .add("addresses", ips)
          .add("ports", Json.createArrayBuilder().add(Json.createObjectBuilder()
              .add("name", "https").add("port", port).add("protocol", "TCP"))));
    });
    return subsets.build();
  }

  /**
   * The service's EndpointSlice, as kube-apiserver's endpoints adapter writes it beside the
   * Endpoints (named {@code kubernetes}, its first subset), since kubectl 1.31+ reads only slices.
   */
  static JsonObject desiredSlice(JsonArray subsets) {
    return EndpointSlices.fromSubset(subsets.isEmpty() ? JsonValue.EMPTY_JSON_OBJECT
        : subsets.getJsonObject(0));
  }

  private void reconcileEndpointSlice(JsonArray subsets)
      throws ConflictException, NotFoundException {
    ObjectKey key = ResourceTypes.ENDPOINT_SLICE.key(NAMESPACE, NAME);
    JsonObject wanted = desiredSlice(subsets);
    JsonObject labels = Json.createObjectBuilder()
        .add("kubernetes.io/service-name", NAME).build();
    java.util.Optional<StoredObject> current = store.get(key);
    if (current.isEmpty()) {
      if (store.get(ResourceTypes.NAMESPACE.key("", NAMESPACE)).isEmpty()) {
        return;
      }
      try {
        store.create(key, ResourceTypes.ENDPOINT_SLICE.apiVersion(),
            Json.createObjectBuilder(wanted)
                .add("metadata", Json.createObjectBuilder().add("name", NAME)
                    .add("namespace", NAMESPACE).add("labels", labels))
                .build());
      } catch (AlreadyExistsException e) {
        // another control-plane server created it first
      }
      return;
    }
    JsonObject stored = current.get().json();
    if (wanted.entrySet().stream().allMatch(field -> field.getValue().equals(
        stored.get(field.getKey())))) {
      return;
    }
    store.update(key, ResourceTypes.ENDPOINT_SLICE.apiVersion(), Preconditions.NONE, slice -> {
      var updated = Json.createObjectBuilder(slice);
      wanted.forEach(updated::add);
      return updated.build();
    });
  }

  private void reconcileEndpoints(JsonArray subsets)
      throws ConflictException, NotFoundException {
    ObjectKey key = ResourceTypes.ENDPOINTS.key(NAMESPACE, NAME);
    java.util.Optional<StoredObject> current = store.get(key);
    if (current.isEmpty()) {
      if (store.get(ResourceTypes.NAMESPACE.key("", NAMESPACE)).isEmpty()) {
        return;
      }
      try {
        store.create(key, "v1", Json.createObjectBuilder()
            .add("metadata", Json.createObjectBuilder().add("name", NAME).add("namespace", NAMESPACE)
                .add("labels", Json.createObjectBuilder()
                    .add("endpointslice.kubernetes.io/skip-mirror", "true")))
            .add("subsets", subsets).build());
      } catch (AlreadyExistsException e) {
        // another control-plane server created it first
      }
      return;
    }
    JsonValue stored = current.get().json().getOrDefault("subsets", JsonValue.EMPTY_JSON_ARRAY);
    if (stored.equals(subsets)) {
      return;
    }
    store.update(key, "v1", Preconditions.NONE, endpoints -> Json.createObjectBuilder(endpoints)
        .add("subsets", subsets).build());
    LOG.info(() -> "Endpoints default/kubernetes now " + subsets);
  }
}
