package dev.capstan.nodes;

import static dev.capstan.json.JsonFields.object;
import static dev.capstan.json.JsonFields.objects;

import jakarta.json.JsonObject;
import java.util.Set;
import java.util.TreeSet;

/**
 * The objects a pod references, by kind, as the node authorizer's graph has its edges (Kubernetes'
 * {@code plugin/pkg/auth/authorizer/node/graph_populator.go}): Secrets (volumes, projected
 * sources, {@code env} and {@code envFrom}, image pull secrets), ConfigMaps (the same places),
 * PersistentVolumeClaims (volumes, and the claim an ephemeral volume makes:
 * {@code <pod>-<volume>}) and the ServiceAccount. A node may read what the pods bound to it
 * reference, and nothing else of these kinds.
 *
 * @param secrets names of Secrets in the pod's namespace
 * @param configMaps names of ConfigMaps
 * @param claims names of PersistentVolumeClaims
 * @param serviceAccount the ServiceAccount's name, empty for none
 */
public record PodReferences(Set<String> secrets, Set<String> configMaps, Set<String> claims,
    String serviceAccount) {

  /** What the pod references. */
  public static PodReferences of(JsonObject pod) {
    JsonObject spec = object(pod, "spec");
    Set<String> secrets = new TreeSet<>();
    Set<String> configMaps = new TreeSet<>();
    Set<String> claims = new TreeSet<>();
    for (JsonObject reference : objects(spec, "imagePullSecrets")) {
      add(secrets, reference.getString("name", ""));
    }
    String podName = object(pod, "metadata").getString("name", "");
    for (JsonObject volume : objects(spec, "volumes")) {
      add(secrets, object(volume, "secret").getString("secretName", ""));
      add(configMaps, object(volume, "configMap").getString("name", ""));
      add(claims, object(volume, "persistentVolumeClaim").getString("claimName", ""));
      if (volume.containsKey("ephemeral")) {
        add(claims, podName + "-" + volume.getString("name", ""));
      }
      for (JsonObject source : objects(object(volume, "projected"), "sources")) {
        add(secrets, object(source, "secret").getString("name", ""));
        add(configMaps, object(source, "configMap").getString("name", ""));
      }
      // volume plugins with a secret reference (CSI, iSCSI, Ceph, ...)
      for (String plugin : volume.keySet()) {
        if (volume.get(plugin) instanceof JsonObject settings) {
          for (String field : new String[] {"secretRef", "nodePublishSecretRef",
              "controllerPublishSecretRef", "nodeStageSecretRef"}) {
            add(secrets, object(settings, field).getString("name", ""));
          }
        }
      }
    }
    for (String list : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
      for (JsonObject container : objects(spec, list)) {
        for (JsonObject source : objects(container, "envFrom")) {
          add(secrets, object(source, "secretRef").getString("name", ""));
          add(configMaps, object(source, "configMapRef").getString("name", ""));
        }
        for (JsonObject variable : objects(container, "env")) {
          JsonObject from = object(variable, "valueFrom");
          add(secrets, object(from, "secretKeyRef").getString("name", ""));
          add(configMaps, object(from, "configMapKeyRef").getString("name", ""));
        }
      }
    }
    return new PodReferences(Set.copyOf(secrets), Set.copyOf(configMaps), Set.copyOf(claims),
        spec.getString("serviceAccountName", ""));
  }

  private static void add(Set<String> names, String name) {
    if (!name.isEmpty()) {
      names.add(name);
    }
  }
}
