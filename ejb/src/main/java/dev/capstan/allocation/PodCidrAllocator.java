package dev.capstan.allocation;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gives every node a pod address range, as Kubernetes' node IPAM controller does: the lowest free
 * {@code /24} (by default; {@code capstan.node-cidr-mask-size}) of the cluster's pod range
 * ({@code capstan.cluster-cidr}, default 10.244.0.0/16), written as the node's
 * {@code spec.podCIDR} and {@code spec.podCIDRs} in the same transaction as the range's row in
 * {@code service_allocation} (range {@code pod-cidr}), so two servers never give one range to
 * two nodes. A node keeps its range for life; the range goes back when the node is deleted.
 */
@Stateless
public class PodCidrAllocator {

  static final String POD_CIDR = "pod-cidr";

  @PersistenceContext(unitName = "capstan")
  private EntityManager em;

  @Inject
  private ObjectStore store;

  /** The cluster's pod range, as configured. */
  private static ServiceRange clusterRange() {
    return ServiceRange.parse(System.getProperty("capstan.cluster-cidr", "10.244.0.0/16"));
  }

  private static int maskSize() {
    return Integer.parseInt(System.getProperty("capstan.node-cidr-mask-size", "24"));
  }

  /**
   * Gives the node a range unless it has one; empty when the cluster's range is used up (or the
   * node is gone or changed meanwhile, which the next change retries).
   */
  public Optional<String> assign(String node) {
    Optional<JsonObject> current = store.get(ResourceTypes.NODE.key("", node))
        .map(stored -> stored.json());
    if (current.isEmpty()) {
      return Optional.empty();
    }
    String existing = object(current.get(), "spec").getString("podCIDR", "");
    if (!existing.isEmpty()) {
      return Optional.of(existing);
    }
    @SuppressWarnings("unchecked")
    Set<String> taken = new HashSet<>(em.createNativeQuery(
            "SELECT value FROM service_allocation WHERE range_name = ?1")
        .setParameter(1, POD_CIDR).getResultList());
    Optional<String> cidr = nodeRanges().stream().filter(range -> !taken.contains(range))
        .findFirst();
    if (cidr.isEmpty()) {
      return Optional.empty();
    }
    em.createNativeQuery("INSERT INTO service_allocation (range_name, value, namespace, service)"
            + " VALUES (?1, ?2, '', ?3)")
        .setParameter(1, POD_CIDR).setParameter(2, cidr.get()).setParameter(3, node)
        .executeUpdate();
    try {
      store.update(ResourceTypes.NODE.key("", node), "v1", Preconditions.NONE,
          body -> Json.createObjectBuilder(body).add("spec",
              Json.createObjectBuilder(object(body, "spec")).add("podCIDR", cidr.get())
                  .add("podCIDRs", Json.createArrayBuilder().add(cidr.get()))).build());
    } catch (NotFoundException | ConflictException e) {
      throw new IllegalStateException("node " + node + " changed while taking " + cidr.get(), e);
    }
    return cidr;
  }

  /** Gives back the ranges of nodes that no longer exist. */
  public int releaseUnused(Set<String> nodes) {
    @SuppressWarnings("unchecked")
    List<Object[]> rows = em.createNativeQuery(
            "SELECT value, service FROM service_allocation WHERE range_name = ?1")
        .setParameter(1, POD_CIDR).getResultList();
    int released = 0;
    for (Object[] row : rows) {
      if (!nodes.contains((String) row[1])) {
        released += em.createNativeQuery("DELETE FROM service_allocation WHERE range_name = ?1"
                + " AND value = ?2")
            .setParameter(1, POD_CIDR).setParameter(2, row[0]).executeUpdate();
      }
    }
    return released;
  }

  /** Every node-sized range of the cluster's range, lowest first. */
  private static List<String> nodeRanges() {
    ServiceRange cluster = clusterRange();
    int mask = maskSize();
    if (mask < cluster.prefixLength() || mask > 30) {
      throw new IllegalArgumentException("capstan.node-cidr-mask-size " + mask
          + " does not fit the cluster range " + cluster);
    }
    long count = 1L << (mask - cluster.prefixLength());
    long size = 1L << (32 - mask);
    java.util.ArrayList<String> ranges = new java.util.ArrayList<>();
    for (long i = 0; i < count; i++) {
      ranges.add(ServiceRange.format(cluster.network() + i * size) + "/" + mask);
    }
    return ranges;
  }
}
