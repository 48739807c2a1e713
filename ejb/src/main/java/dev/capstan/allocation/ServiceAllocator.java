package dev.capstan.allocation;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.jsonp.Json;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.ObjectKey;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.validation.FieldError;
import jakarta.ejb.ApplicationException;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hands out cluster IPs (from {@code capstan.service.cidr}, default 10.96.0.0/12) and node ports
 * (from {@code capstan.service.node-port-range}, default 30000-32767) to services, as
 * kube-apiserver's allocators do: an asked-for value is honoured when it is in range and free,
 * otherwise a free one is chosen at random; a value stays with its service across updates that
 * leave it out; {@code clusterIP: None} (headless) and ExternalName services get no IP.
 *
 * <p>Each value in use is a row of {@code service_allocation}, inserted in the transaction that
 * stores the service ({@link #create}, or the caller's update), so allocations are consistent
 * across servers sharing the database and survive restarts, and a value is never held without a
 * service. Rows of services that are gone or no longer use them are released by
 * {@link #releaseUnused}, which the controller manager runs.
 */
@Stateless
public class ServiceAllocator {

  static final String CLUSTER_IP = "cluster-ip";
  static final String NODE_PORT = "node-port";
  private static final int RANDOM_TRIES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Inject
  private ObjectStore store;

  /**
   * A value asked for that cannot be had; the errors name the fields. Whatever the call took is
   * given back (the transaction rolls back).
   */
  @ApplicationException(rollback = true)
  public static final class AllocationFailed extends Exception {
    private final transient List<FieldError> errors;

    AllocationFailed(List<FieldError> errors) {
      super(errors.toString());
      this.errors = errors;
    }

    public List<FieldError> errors() {
      return errors;
    }
  }

  /**
   * The service with its cluster IP and node ports assigned, keeping those {@code previous} (the
   * stored version, on update) holds.
   */
  public JsonObject assign(JsonObject service, Optional<JsonObject> previous)
      throws AllocationFailed {
    JsonObject metadata = object(service, "metadata");
    String namespace = metadata.getString("namespace", "");
    String name = metadata.getString("name", "");
    JsonObject spec = object(service, "spec");
    JsonObject previousSpec = previous.map(p -> object(p, "spec")).orElse(JsonObject.EMPTY_JSON_OBJECT);
    String type = spec.getString("type", "ClusterIP");
    List<FieldError> errors = new ArrayList<>();
    JsonObjectBuilder assigned = Json.createObjectBuilder(spec);

    if (!type.equals("ExternalName")) {
      String previousIp = previousSpec.getString("clusterIP", "");
      String wanted = spec.getString("clusterIP", "");
      if (wanted.isEmpty()) {
        wanted = previousIp;
      }
      if (!previousIp.isEmpty() && !wanted.equals(previousIp)) {
        errors.add(invalid("spec.clusterIPs[0]", ips(wanted),
            "may not change once set"));
      } else if (!wanted.equals("None")) {
        Optional<String> ip = clusterIp(wanted, namespace, name, errors);
        ip.ifPresent(value -> assigned.add("clusterIP", value)
            .add("clusterIPs", Json.createArrayBuilder().add(value))
            .add("ipFamilies", Json.createArrayBuilder().add("IPv4"))
            .add("ipFamilyPolicy", spec.getString("ipFamilyPolicy", "SingleStack")));
      } else {
        assigned.add("clusterIPs", Json.createArrayBuilder().add("None"));
      }
    }

    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      JsonArrayBuilder ports = Json.createArrayBuilder();
      List<JsonObject> previousPorts = objects(previousSpec, "ports");
      Set<Integer> taken = new HashSet<>();
      List<JsonObject> servicePorts = objects(spec, "ports");
      for (int i = 0; i < servicePorts.size(); i++) {
        JsonObject port = servicePorts.get(i);
        int wanted = port.get("nodePort") instanceof JsonNumber n ? n.intValue()
            : previousNodePort(port, previousPorts).orElse(0);
        Optional<Integer> nodePort = wanted != 0 && taken.contains(wanted)
            ? Optional.of(wanted) // one service may use a node port for TCP and UDP alike
            : nodePort(wanted, "spec.ports[" + i + "].nodePort", namespace, name, errors);
        nodePort.ifPresent(taken::add);
        ports.add(nodePort.map(value -> Json.createObjectBuilder(port).add("nodePort", value)
            .build()).orElse(port));
      }
      assigned.add("ports", ports);
    }
    if (!errors.isEmpty()) {
      throw new AllocationFailed(errors);
    }
    return Json.createObjectBuilder(service).add("spec", assigned).build();
  }

  /**
   * Creates a service with its values, in one transaction: a value is never taken without its
   * service being stored, so every value the repair finds unused is free to give back.
   */
  public StoredObject create(ObjectKey key, String apiVersion, JsonObject service)
      throws AlreadyExistsException, AllocationFailed {
    return store.create(key, apiVersion, assign(service, Optional.empty()));
  }

  /** Releases the values none of these services (all the stored ones) uses. */
  public int releaseUnused(List<JsonObject> services) {
    Set<String> inUse = new HashSet<>();
    services.forEach(service -> inUse.addAll(usedBy(service)));
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery(
            "SELECT range_name, value, namespace, service FROM service_allocation"
                + " WHERE range_name IN ('" + CLUSTER_IP + "', '" + NODE_PORT + "')")
        .getResultList();
    int released = 0;
    for (Object[] row : rows) {
      if (!inUse.contains(row[0] + "/" + row[1] + "/" + row[2] + "/" + row[3])) {
        released += em.createNativeQuery("DELETE FROM service_allocation WHERE range_name = ?1"
                + " AND value = ?2 AND namespace = ?3 AND service = ?4")
            .setParameter(1, row[0]).setParameter(2, row[1]).setParameter(3, row[2])
            .setParameter(4, row[3]).executeUpdate();
      }
    }
    return released;
  }

  /** What a stored service uses, as {@code range/value/namespace/name}. */
  private static Set<String> usedBy(JsonObject service) {
    JsonObject metadata = object(service, "metadata");
    String owner = "/" + metadata.getString("namespace", "") + "/" + metadata.getString("name", "");
    JsonObject spec = object(service, "spec");
    Set<String> used = new HashSet<>();
    String ip = spec.getString("clusterIP", "");
    if (!ip.isEmpty() && !ip.equals("None")) {
      used.add(CLUSTER_IP + "/" + ip + owner);
    }
    for (JsonObject port : objects(spec, "ports")) {
      if (port.get("nodePort") instanceof JsonNumber nodePort) {
        used.add(NODE_PORT + "/" + nodePort.intValue() + owner);
      }
    }
    return used;
  }

  private Optional<String> clusterIp(String wanted, String namespace, String name,
      List<FieldError> errors) {
    ServiceRange range = ServiceRange.configured();
    if (!wanted.isEmpty()) {
      if (!range.containsUsable(wanted)) {
        errors.add(invalid("spec.clusterIPs", ips(wanted),
            "failed to allocate IP " + wanted + ": the provided IP (" + wanted + ") is not in"
                + " the valid range. The range of valid IPs is " + range));
        return Optional.empty();
      }
      if (!take(CLUSTER_IP, wanted, namespace, name)) {
        errors.add(invalid("spec.clusterIPs", ips(wanted),
            "failed to allocate IP " + wanted + ": provided IP is already allocated"));
        return Optional.empty();
      }
      return Optional.of(wanted);
    }
    long size = range.usable();
    for (int i = 0; i < RANDOM_TRIES; i++) {
      String candidate = range.usableAddress(RANDOM.nextLong(size));
      if (take(CLUSTER_IP, candidate, namespace, name)) {
        return Optional.of(candidate);
      }
    }
    Optional<String> free = firstFree(CLUSTER_IP, size, range::usableAddress);
    if (free.isPresent() && take(CLUSTER_IP, free.get(), namespace, name)) {
      return free;
    }
    errors.add(invalid("spec.clusterIPs", "[]string{}",
        "failed to allocate a serviceIP: range is full"));
    return Optional.empty();
  }

  private Optional<Integer> nodePort(int wanted, String field, String namespace, String name,
      List<FieldError> errors) {
    NodePortRange range = NodePortRange.configured();
    if (wanted != 0) {
      if (!range.contains(wanted)) {
        errors.add(invalid(field, Integer.toString(wanted),
            "provided port is not in the valid range. The range of valid ports is " + range));
        return Optional.empty();
      }
      if (!take(NODE_PORT, Integer.toString(wanted), namespace, name)) {
        errors.add(invalid(field, Integer.toString(wanted),
            "provided port is already allocated"));
        return Optional.empty();
      }
      return Optional.of(wanted);
    }
    for (int i = 0; i < RANDOM_TRIES; i++) {
      int candidate = range.first() + RANDOM.nextInt(range.size());
      if (take(NODE_PORT, Integer.toString(candidate), namespace, name)) {
        return Optional.of(candidate);
      }
    }
    Optional<String> free = firstFree(NODE_PORT, range.size(),
        index -> Integer.toString(range.first() + (int) index));
    if (free.isPresent() && take(NODE_PORT, free.get(), namespace, name)) {
      return free.map(Integer::valueOf);
    }
    errors.add(invalid(field, "0", "failed to allocate a nodePort: range is full"));
    return Optional.empty();
  }

  /** As Kubernetes words it: the value printed as Go prints it, unquoted numbers and all. */
  private static FieldError invalid(String field, String value, String detail) {
    return new FieldError(field, "FieldValueInvalid", "Invalid value: " + value + ": " + detail);
  }

  private static String ips(String ip) {
    return "[]string{\"" + ip + "\"}";
  }

  private static Optional<Integer> previousNodePort(JsonObject port, List<JsonObject> previous) {
    return previous.stream()
        .filter(p -> p.getInt("port", -1) == port.getInt("port", -2)
            && p.getString("protocol", "TCP").equals(port.getString("protocol", "TCP")))
        .filter(p -> p.get("nodePort") instanceof JsonNumber)
        .map(p -> p.getInt("nodePort"))
        .findFirst();
  }

  /**
   * Records the value as this service's; true when it was free or is this service's already
   * (an update, or a create retried).
   */
  private boolean take(String range, String value, String namespace, String name) {
    int inserted = em.createNativeQuery("INSERT INTO service_allocation"
            + " (range_name, value, namespace, service) VALUES (?1, ?2, ?3, ?4)"
            + " ON CONFLICT (range_name, value) DO NOTHING")
        .setParameter(1, range).setParameter(2, value).setParameter(3, namespace)
        .setParameter(4, name).executeUpdate();
    if (inserted == 1) {
      return true;
    }
    Number mine = (Number) em.createNativeQuery("SELECT count(*) FROM service_allocation"
            + " WHERE range_name = ?1 AND value = ?2 AND namespace = ?3 AND service = ?4")
        .setParameter(1, range).setParameter(2, value).setParameter(3, namespace)
        .setParameter(4, name).getSingleResult();
    return mine.intValue() == 1;
  }

  /** The lowest free value, for a range too full for random tries to find one. */
  private Optional<String> firstFree(String range, long size,
      java.util.function.LongFunction<String> valueAt) {
    @SuppressWarnings("unchecked")
    Set<String> used = new HashSet<>(em.createNativeQuery(
            "SELECT value FROM service_allocation WHERE range_name = ?1")
        .setParameter(1, range).getResultList());
    for (long i = 0; i < size; i++) {
      if (!used.contains(valueAt.apply(i))) {
        return Optional.of(valueAt.apply(i));
      }
    }
    return Optional.empty();
  }
}
