package dev.capstan.controllers;

import dev.capstan.admission.ServiceAccountAdmission;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The service account controller: every active namespace has a {@code default} ServiceAccount,
 * created when the namespace appears and again if it is deleted; namespaces being deleted are
 * left to empty.
 */
final class ServiceAccountController implements Controller {

  private static final Logger LOG = Logger.getLogger(ServiceAccountController.class.getName());

  private final ObjectStore store;

  ServiceAccountController(ObjectStore store) {
    this.store = store;
  }

  @Override
  public String name() {
    return "service account controller";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (ControllerKeys.isOf(change, ResourceTypes.NAMESPACE)
        && !change.type().name().equals("DELETED")) {
      return Set.of(change.key().name());
    }
    if (ControllerKeys.isOf(change, ResourceTypes.SERVICE_ACCOUNT)
        && change.type().name().equals("DELETED")
        && change.key().name().equals(ServiceAccountAdmission.DEFAULT)) {
      return Set.of(change.key().namespace());
    }
    return Set.of();
  }

  @Override
  public Collection<String> allKeys() {
    return ControllerKeys.namespaces(store);
  }

  @Override
  public void reconcile(String namespace) {
    Optional<StoredObject> stored = store.get(ResourceTypes.NAMESPACE.key("", namespace));
    if (stored.isEmpty() || ObjectMetadata.isDeleting(stored.get().json())
        || store.get(ResourceTypes.SERVICE_ACCOUNT.key(namespace,
            ServiceAccountAdmission.DEFAULT)).isPresent()) {
      return;
    }
    try {
      store.create(ResourceTypes.SERVICE_ACCOUNT.key(namespace, ServiceAccountAdmission.DEFAULT),
          ResourceTypes.SERVICE_ACCOUNT.apiVersion(), Json.createObjectBuilder()
              .add("metadata", Json.createObjectBuilder()
                  .add("name", ServiceAccountAdmission.DEFAULT).add("namespace", namespace))
              .build());
    } catch (AlreadyExistsException e) {
      // created meanwhile
    } catch (RuntimeException e) {
      LOG.warning(() -> "Could not create the default service account of " + namespace + ": " + e);
    }
  }
}
