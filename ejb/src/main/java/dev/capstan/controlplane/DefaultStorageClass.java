package dev.capstan.controlplane;

import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.schema.SchemaReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;

/**
 * The cluster's default StorageClass, as k3s ships one: {@code local-path}, provisioned by
 * Capstan's built-in {@code capstan.dev/local-path} (a directory on the node that runs the
 * claim's first pod: WaitForFirstConsumer, reclaim policy Delete), annotated as the default so a
 * claim that names no class gets a volume as soon as a pod uses it. Made on server start when no
 * class of that name exists (a class a user changed is left as it is); the system property
 * {@code capstan.storage.default-class=false} turns it off, as k3s' {@code --disable
 * local-storage} does.
 */
@ApplicationScoped
public class DefaultStorageClass {

  static final String NAME = "local-path";
  private static final Logger LOG = Logger.getLogger(DefaultStorageClass.class.getName());

  @Inject
  private ObjectStore store;

  void ensure(@Observes SchemaReady ready) {
    if (!Boolean.parseBoolean(System.getProperty("capstan.storage.default-class", "true"))
        || store.get(ResourceTypes.STORAGE_CLASS.key("", NAME)).isPresent()) {
      return;
    }
    try {
      store.create(ResourceTypes.STORAGE_CLASS.key("", NAME), "storage.k8s.io/v1",
          Json.createObjectBuilder()
              .add("apiVersion", "storage.k8s.io/v1")
              .add("kind", "StorageClass")
              .add("metadata", Json.createObjectBuilder().add("name", NAME)
                  .add("annotations", Json.createObjectBuilder()
                      .add("storageclass.kubernetes.io/is-default-class", "true")))
              .add("provisioner", "capstan.dev/local-path")
              .add("reclaimPolicy", "Delete")
              .add("volumeBindingMode", "WaitForFirstConsumer")
              .build());
      LOG.info(() -> "Created the default StorageClass " + NAME);
    } catch (AlreadyExistsException e) {
      // another control-plane server created it first
    }
  }
}
