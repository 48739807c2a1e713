package dev.capstan.agent.services;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The cluster's Services and Endpoints as this node sees them: one pair of informers (a list, then
 * a watch, re-listed every 30 s) shared by the service proxy and the cluster DNS, which read the
 * cached objects and are told when anything changes.
 */
public final class ServiceCatalog implements AutoCloseable {

  private static final long RESYNC_MILLIS = 30_000;

  private final KubernetesClient api;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<Endpoints> endpoints;

  public ServiceCatalog(KubernetesClient api) {
    this.api = api;
  }

  /** Calls {@code listener} (on an informer thread) after every change; keep it short. */
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  public void start() {
    services = api.services().inAnyNamespace().inform(handler(), RESYNC_MILLIS);
    endpoints = api.endpoints().inAnyNamespace().inform(handler(), RESYNC_MILLIS);
  }

  /** Whether both caches hold a full list. */
  public boolean synced() {
    return services != null && services.hasSynced() && endpoints.hasSynced();
  }

  public List<Service> services() {
    return services == null ? List.of() : services.getStore().list();
  }

  public List<Endpoints> endpoints() {
    return endpoints == null ? List.of() : endpoints.getStore().list();
  }

  private <T> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        changed();
      }

      @Override
      public void onUpdate(T before, T after) {
        changed();
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        changed();
      }
    };
  }

  private void changed() {
    listeners.forEach(Runnable::run);
  }

  @Override
  public void close() {
    if (services != null) {
      services.close();
    }
    if (endpoints != null) {
      endpoints.close();
    }
  }
}
