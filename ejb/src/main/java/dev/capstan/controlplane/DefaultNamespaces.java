package dev.capstan.controlplane;

import dev.capstan.admission.Defaulting;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.schema.SchemaReady;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.logging.Logger;

/**
 * Makes sure the namespaces every Kubernetes cluster has exist: {@code default},
 * {@code kube-system}, {@code kube-public} and {@code kube-node-lease}. Runs on every server
 * start once the schema is ready; several servers may race, and the losers find them created.
 */
@ApplicationScoped
public class DefaultNamespaces {

  static final List<String> NAMES = List.of("default", "kube-system", "kube-public", "kube-node-lease");
  private static final Logger LOG = Logger.getLogger(DefaultNamespaces.class.getName());

  @Inject
  private ObjectStore store;

  void ensure(@Observes SchemaReady ready) {
    for (String name : NAMES) {
      if (store.get(ResourceTypes.NAMESPACE.key("", name)).isPresent()) {
        continue;
      }
      JsonObject namespace = Defaulting.apply("", "Namespace", Json.createObjectBuilder()
          .add("metadata", Json.createObjectBuilder().add("name", name)).build());
      try {
        store.create(ResourceTypes.NAMESPACE.key("", name), ResourceTypes.NAMESPACE.apiVersion(), namespace);
        LOG.info(() -> "Created namespace " + name);
      } catch (AlreadyExistsException e) {
        // another control-plane server created it first
      }
    }
  }

}
