package dev.capstan.controllers;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import dev.capstan.admission.DefaultTolerationSeconds;
import dev.capstan.admission.Defaulting;
import dev.capstan.admission.GracefulDeletion;
import dev.capstan.admission.InitialStatus;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceTypes;
import dev.capstan.store.AlreadyExistsException;
import dev.capstan.store.ConflictException;
import dev.capstan.store.NotFoundException;
import dev.capstan.store.ObjectStore;
import dev.capstan.store.Preconditions;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * What the controllers that own pods (or ReplicaSets) share: controller references, the random
 * name suffixes Kubernetes uses, pods made from a template, and reading a pod's state.
 */
final class OwnedPods {

  /** The characters of Kubernetes' generated name suffixes (no vowels, no look-alikes). */
  static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private OwnedPods() {}

  /** The object's controller reference (the ownerReference with {@code controller: true}). */
  static Optional<JsonObject> controllerOf(JsonObject object) {
    return objects(object(object, "metadata"), "ownerReferences").stream()
        .filter(reference -> reference.getBoolean("controller", false))
        .findFirst();
  }

  /** A controller reference to {@code owner}, of the given apiVersion and kind. */
  static JsonObject controllerReference(String apiVersion, String kind, JsonObject owner) {
    JsonObject metadata = object(owner, "metadata");
    return Json.createObjectBuilder()
        .add("apiVersion", apiVersion).add("kind", kind)
        .add("name", metadata.getString("name", "")).add("uid", metadata.getString("uid", ""))
        .add("controller", true).add("blockOwnerDeletion", true).build();
  }

  /** The generation the owner's status has seen: its {@code metadata.generation}. */
  static long generation(JsonObject owner) {
    var generation = object(owner, "metadata").getJsonNumber("generation");
    return generation == null ? 1 : generation.longValue();
  }

  static String phase(JsonObject pod) {
    return object(pod, "status").getString("phase", "");
  }

  static boolean terminal(JsonObject pod) {
    String phase = phase(pod);
    return phase.equals("Succeeded") || phase.equals("Failed");
  }

  static boolean ready(JsonObject pod) {
    return objects(object(pod, "status"), "conditions").stream()
        .anyMatch(c -> "Ready".equals(c.getString("type", ""))
            && "True".equals(c.getString("status", "")));
  }

  /** Ready for at least {@code minReadySeconds}: what Kubernetes calls available. */
  static boolean available(JsonObject pod, int minReadySeconds, java.time.Instant now) {
    return ready(pod) && !readySince(pod).plusSeconds(minReadySeconds).isAfter(now);
  }

  /** When the pod's Ready condition last became True (the epoch when unknown). */
  static java.time.Instant readySince(JsonObject pod) {
    return objects(object(pod, "status"), "conditions").stream()
        .filter(c -> "Ready".equals(c.getString("type", "")))
        .map(c -> c.getString("lastTransitionTime", ""))
        .filter(t -> !t.isEmpty())
        .map(java.time.Instant::parse)
        .findFirst().orElse(java.time.Instant.EPOCH);
  }

  static String randomSuffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(NAME_ALPHABET.charAt(RANDOM.nextInt(NAME_ALPHABET.length())));
    }
    return suffix.toString();
  }

  /**
   * Creates a pod from {@code template} as {@code <owner>-<5 random chars>}, with these labels,
   * the template's annotations and the controller reference, defaulted as the API would.
   *
   * @return the pod's name; empty when five random names in a row were taken
   */
  static Optional<String> create(ObjectStore store, JsonObject owner, JsonObject reference,
      JsonObject template, JsonObject labels) {
    JsonObject metadata = object(owner, "metadata");
    String namespace = metadata.getString("namespace", "");
    String base = metadata.getString("name", "");
    JsonObject annotations = object(object(template, "metadata"), "annotations");
    for (int attempt = 0; attempt < 5; attempt++) {
      String name = base + "-" + randomSuffix();
      // a name taken by chance: draw another
      if (createNamed(store, namespace, name, Optional.of(base + "-"), reference, labels,
          annotations, object(template, "spec"))) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  /**
   * Creates the pod {@code name} from {@code spec} (a StatefulSet's pods have fixed names), with
   * these labels and annotations and the controller reference, defaulted as the API would.
   *
   * @return false when a pod of that name exists already
   */
  static boolean createNamed(ObjectStore store, String namespace, String name,
      JsonObject reference, JsonObject labels, JsonObject annotations, JsonObject spec) {
    return createNamed(store, namespace, name, Optional.empty(), reference, labels, annotations,
        spec);
  }

  private static boolean createNamed(ObjectStore store, String namespace, String name,
      Optional<String> generateName, JsonObject reference, JsonObject labels,
      JsonObject annotations, JsonObject spec) {
    JsonObjectBuilder podMetadata = Json.createObjectBuilder()
        .add("name", name).add("namespace", namespace);
    generateName.ifPresent(prefix -> podMetadata.add("generateName", prefix));
    podMetadata.add("labels", labels)
        .add("ownerReferences", Json.createArrayBuilder().add(reference));
    if (!annotations.isEmpty()) {
      podMetadata.add("annotations", annotations);
    }
    JsonObject pod = InitialStatus.apply(ResourceTypes.POD, DefaultTolerationSeconds.apply("",
        "Pod", Defaulting.apply("", "Pod", Json.createObjectBuilder().add("apiVersion", "v1")
            .add("kind", "Pod").add("metadata", podMetadata).add("spec", spec).build())));
    try {
      store.create(ResourceTypes.POD.key(namespace, name), "v1", pod);
      return true;
    } catch (AlreadyExistsException e) {
      return false;
    }
  }

  /** Deletes a pod as a user's delete would (with its grace period when a node runs it). */
  static boolean delete(ObjectStore store, JsonObject pod) {
    return delete(store, pod, GracefulDeletion.of("", "Pod"));
  }

  /** Deletes a pod at once: for pods whose node is gone, which no agent will ever stop. */
  static boolean deleteNow(ObjectStore store, JsonObject pod) {
    return delete(store, pod, current -> 0);
  }

  private static boolean delete(ObjectStore store, JsonObject pod,
      java.util.function.ToLongFunction<JsonObject> gracePeriod) {
    JsonObject metadata = object(pod, "metadata");
    try {
      store.delete(ResourceTypes.POD.key(metadata.getString("namespace", ""),
              metadata.getString("name", "")), "v1",
          new Preconditions(Optional.of(metadata.getString("uid", "")), Optional.empty()),
          gracePeriod);
      return true;
    } catch (NotFoundException | ConflictException e) {
      // gone already, or replaced: the next reconcile sees
      return false;
    }
  }
}
