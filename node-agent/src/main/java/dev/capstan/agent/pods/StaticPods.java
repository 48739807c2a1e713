package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Static pods: the manifests ({@code .yaml}, {@code .yml}, {@code .json}) in this node's static
 * pod directory run here without anyone creating them, as with the kubelet's
 * {@code staticPodPath}. Each is mirrored into the API as {@code <name>-<node>}, bound to this
 * node, owned by the Node and annotated {@code kubernetes.io/config.mirror} with the manifest's
 * hash; the agent's ordinary sync then runs it. A changed manifest replaces its pod, a removed
 * one deletes it, and a mirror pod deleted through the API comes back.
 *
 * <p>Unlike the kubelet, the agent runs static pods through their mirror, so they need the API
 * to be up; a deleted mirror pod restarts its containers.
 */
public final class StaticPods {

  static final String MIRROR = "kubernetes.io/config.mirror";
  static final String HASH = "kubernetes.io/config.hash";
  static final String SOURCE = "kubernetes.io/config.source";
  private static final Logger LOG = Logger.getLogger(StaticPods.class.getName());

  private final KubernetesClient api;
  private final String node;
  private final Path dir;

  public StaticPods(KubernetesClient api, String node, Path dir) {
    this.api = api;
    this.node = node;
    this.dir = dir;
  }

  /** Makes the mirror pods match the manifests in the directory, once. */
  public void sync() {
    Map<String, Pod> wanted = manifests();
    List<Pod> mirrors = api.pods().inAnyNamespace().withField("spec.nodeName", node).list()
        .getItems().stream()
        .filter(pod -> pod.getMetadata().getAnnotations() != null
            && pod.getMetadata().getAnnotations().containsKey(MIRROR))
        .toList();
    for (Pod mirror : mirrors) {
      String key = mirror.getMetadata().getNamespace() + "/" + mirror.getMetadata().getName();
      Pod manifest = wanted.get(key);
      String hash = mirror.getMetadata().getAnnotations().get(HASH);
      if (manifest == null || !manifest.getMetadata().getAnnotations().get(HASH).equals(hash)) {
        if (mirror.getMetadata().getDeletionTimestamp() == null) {
          LOG.info(() -> "Static pod " + key + (manifest == null ? " was removed" : " changed")
              + "; deleting its mirror pod");
          api.pods().inNamespace(mirror.getMetadata().getNamespace())
              .withName(mirror.getMetadata().getName()).delete();
        }
        wanted.remove(key);
      } else {
        wanted.remove(key);
      }
    }
    for (Pod manifest : wanted.values()) {
      try {
        api.pods().inNamespace(manifest.getMetadata().getNamespace()).resource(manifest).create();
        LOG.info(() -> "Mirrored static pod " + manifest.getMetadata().getNamespace() + "/"
            + manifest.getMetadata().getName());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          LOG.warning(() -> "Cannot mirror static pod " + manifest.getMetadata().getName()
              + ": " + e.getMessage());
        }
      }
    }
  }

  /** The pods the manifests describe, as mirrors, by namespace/name. */
  Map<String, Pod> manifests() {
    Map<String, Pod> pods = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return pods;
    }
    Node owner = api.nodes().withName(node).get();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
          continue;
        }
        try {
          String text = Files.readString(file, StandardCharsets.UTF_8);
          Object parsed = api.getKubernetesSerialization().unmarshal(text);
          if (!(parsed instanceof Pod pod) || pod.getMetadata() == null
              || pod.getMetadata().getName() == null) {
            LOG.warning(() -> "Ignoring static pod manifest " + file + ": not a named Pod");
            continue;
          }
          Pod mirror = mirror(pod, hash(text), owner);
          pods.put(mirror.getMetadata().getNamespace() + "/" + mirror.getMetadata().getName(),
              mirror);
        } catch (IOException | RuntimeException e) {
          LOG.warning(() -> "Ignoring static pod manifest " + file + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      LOG.warning(() -> "Cannot read the static pod directory " + dir + ": " + e);
    }
    return pods;
  }

  private Pod mirror(Pod pod, String hash, Node owner) {
    pod.getMetadata().setName(pod.getMetadata().getName() + "-" + node);
    if (pod.getMetadata().getNamespace() == null || pod.getMetadata().getNamespace().isEmpty()) {
      pod.getMetadata().setNamespace("default");
    }
    Map<String, String> annotations = new HashMap<>();
    if (pod.getMetadata().getAnnotations() != null) {
      annotations.putAll(pod.getMetadata().getAnnotations());
    }
    annotations.put(MIRROR, hash);
    annotations.put(HASH, hash);
    annotations.put(SOURCE, "file");
    pod.getMetadata().setAnnotations(annotations);
    pod.getMetadata().setResourceVersion(null);
    pod.getMetadata().setUid(null);
    if (owner != null) {
      pod.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder()
          .withApiVersion("v1").withKind("Node").withName(node)
          .withUid(owner.getMetadata().getUid()).withController(true).build()));
    }
    pod.getSpec().setNodeName(node);
    pod.setStatus(null);
    return pod;
  }

  static String hash(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
