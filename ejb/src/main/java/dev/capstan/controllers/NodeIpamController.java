package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.allocation.PodCidrAllocator;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.recording.EventRecorder;
import dev.capstan.store.ObjectStore;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Kubernetes' node IPAM controller: every node gets a pod address range ({@code spec.podCIDR},
 * see {@link PodCidrAllocator}), which its agent gives its pods; the ranges of deleted nodes go
 * back. A node that cannot have one (the cluster's range is used up) gets a
 * {@code CIDRNotAvailable} event and its agent keeps pods on Docker's default bridge. Keys are
 * node names; {@code ""} stands for the sweep of deleted nodes' ranges.
 */
final class NodeIpamController implements Controller {

  private static final String SWEEP = "";

  private final ObjectStore store;
  private final PodCidrAllocator allocator;
  private final EventRecorder events;

  NodeIpamController(ObjectStore store, PodCidrAllocator allocator, EventRecorder events) {
    this.store = store;
    this.allocator = allocator;
    this.events = events;
  }

  @Override
  public String name() {
    return "node IPAM controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (!ControllerKeys.isOf(change, ResourceTypes.NODE)) {
      return Set.of();
    }
    boolean unassigned = object(change.object(), "spec").getString("podCIDR", "").isEmpty();
    return unassigned ? Set.of(change.key().name(), SWEEP) : Set.of(SWEEP);
  }

  @Override
  public Collection<String> allKeys() {
    List<String> keys = new java.util.ArrayList<>(nodes().stream()
        .filter(node -> object(node, "spec").getString("podCIDR", "").isEmpty())
        .map(node -> object(node, "metadata").getString("name", ""))
        .toList());
    keys.add(SWEEP);
    return keys;
  }

  @Override
  public void reconcile(String key) {
    if (key.equals(SWEEP)) {
      allocator.releaseUnused(nodes().stream()
          .map(node -> object(node, "metadata").getString("name", ""))
          .collect(Collectors.toSet()));
      return;
    }
    Optional<JsonObject> node = store.get(ResourceTypes.NODE.key("", key)).map(s -> s.json());
    if (node.isEmpty() || !object(node.get(), "spec").getString("podCIDR", "").isEmpty()) {
      return;
    }
    if (allocator.assign(key).isEmpty()) {
      events.warning(node.get(), "cidrAllocator", "CIDRNotAvailable",
          "Node " + key + " status is now: CIDRNotAvailable");
    }
  }

  private List<JsonObject> nodes() {
    return store.list(ResourceTypes.NODE.all(Optional.empty(), "")).bodies();
  }
}
