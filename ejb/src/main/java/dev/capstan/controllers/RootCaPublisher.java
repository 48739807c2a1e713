package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.admission.ServiceAccountAdmission;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectMetadata;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import dev.capstan.store.entity.StoredObject;
import dev.capstan.watch.Change;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Kubernetes' root CA certificate publisher: every active namespace has a ConfigMap
 * {@code kube-root-ca.crt} whose {@code ca.crt} is the installation's CA
 * ({@code -Dcapstan.root-ca.file}), so pods verify the API through their token volume. A
 * changed or deleted ConfigMap is put back. Without a configured CA it publishes nothing.
 */
final class RootCaPublisher implements Controller {

  static final String ROOT_CA_FILE_PROPERTY = "capstan.root-ca.file";
  static final String DESCRIPTION = "Contains a CA bundle that can be used to verify the"
      + " kube-apiserver when using internal endpoints such as the internal service IP or"
      + " kubernetes.default.svc. No other usage is guaranteed across distributions of"
      + " Kubernetes clusters.";
  private static final Logger LOG = Logger.getLogger(RootCaPublisher.class.getName());

  private final ObjectStore store;
  private final Supplier<Optional<String>> rootCa;

  RootCaPublisher(ObjectStore store, Supplier<Optional<String>> rootCa) {
    this.store = store;
    this.rootCa = rootCa;
  }

  /** The CA of {@code -Dcapstan.root-ca.file}, read at each use (it may be replaced). */
  static Optional<String> configuredRootCa() {
    String file = System.getProperty(ROOT_CA_FILE_PROPERTY, "");
    if (file.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readString(Path.of(file), StandardCharsets.US_ASCII));
    } catch (IOException e) {
      LOG.warning(() -> "Cannot read the root CA " + file + ": " + e);
      return Optional.empty();
    }
  }

  @Override
  public String name() {
    return "root-ca-cert-publisher";
  }

  @Override
  public Set<String> keysFor(Change change) {
    if (ControllerKeys.isOf(change, ResourceTypes.NAMESPACE)
        && !change.type().name().equals("DELETED")) {
      return Set.of(change.key().name());
    }
    if (ControllerKeys.isOf(change, ResourceTypes.CONFIG_MAP)
        && change.key().name().equals(ServiceAccountAdmission.ROOT_CA_CONFIG_MAP)) {
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
    Optional<String> ca = rootCa.get();
    Optional<StoredObject> stored = store.get(ResourceTypes.NAMESPACE.key("", namespace));
    if (ca.isEmpty() || stored.isEmpty() || ObjectMetadata.isDeleting(stored.get().json())) {
      return;
    }
    var key = ResourceTypes.CONFIG_MAP.key(namespace, ServiceAccountAdmission.ROOT_CA_CONFIG_MAP);
    Optional<StoredObject> current = store.get(key);
    try {
      if (current.isEmpty()) {
        store.create(key, ResourceTypes.CONFIG_MAP.apiVersion(), Json.createObjectBuilder()
            .add("metadata", Json.createObjectBuilder()
                .add("name", ServiceAccountAdmission.ROOT_CA_CONFIG_MAP)
                .add("namespace", namespace)
                .add("annotations", Json.createObjectBuilder()
                    .add("kubernetes.io/description", DESCRIPTION)))
            .add("data", Json.createObjectBuilder().add("ca.crt", ca.get()))
            .build());
      } else if (!ca.get().equals(object(current.get().json(), "data").getString("ca.crt", ""))
          || object(current.get().json(), "data").size() != 1) {
        store.update(key, ResourceTypes.CONFIG_MAP.apiVersion(),
            Preconditions.resourceVersion(current.get().resourceVersion()),
            body -> withCa(body, ca.get()));
      }
    } catch (ConflictException e) {
      throw new SyncConflict(e);
    } catch (AlreadyExistsException | NotFoundException e) {
      // created or deleted meanwhile: that change requeues the namespace
    }
  }

  private static JsonObject withCa(JsonObject configMap, String ca) {
    return Json.createObjectBuilder(configMap)
        .add("data", Json.createObjectBuilder().add("ca.crt", ca)).build();
  }
}
