package dev.capstan.controllers;

import dev.capstan.allocation.ServiceAllocator;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.ObjectStore;
import dev.capstan.watch.Change;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Gives back the cluster IPs and node ports no service uses any more (deleted services, a
 * namespace emptied, a service turned from NodePort to ClusterIP, a create that failed after its
 * values were taken), as kube-apiserver's allocation repair loops do. One key: the whole
 * allocation table, compared with the stored services (values are only ever written together
 * with their service, so an unused one is free).
 */
final class ServiceAllocationRepair implements Controller {

  private static final Logger LOG = Logger.getLogger(ServiceAllocationRepair.class.getName());
  private static final String KEY = "service-allocations";

  private final ObjectStore store;
  private final ServiceAllocator allocator;

  ServiceAllocationRepair(ObjectStore store, ServiceAllocator allocator) {
    this.store = store;
    this.allocator = allocator;
  }

  @Override
  public String name() {
    return "service allocation repair";
  }

  @Override
  public Set<String> keysFor(Change change) {
    return ControllerKeys.isOf(change, ResourceTypes.SERVICE)
        ? Set.of(KEY) : Set.of();
  }

  @Override
  public Collection<String> allKeys() {
    return List.of(KEY);
  }

  @Override
  public void reconcile(String key) {
    int released = allocator.releaseUnused(
        store.list(ResourceTypes.SERVICE.all(Optional.empty(), "")).bodies());
    if (released > 0) {
      LOG.info(() -> "Released " + released + " cluster IPs and node ports no service uses");
    }
  }
}
