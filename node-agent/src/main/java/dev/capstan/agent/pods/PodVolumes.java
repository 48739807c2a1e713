package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A pod's volumes on this machine, under {@code <agent dir>/pods/<uid>/volumes/<name>}: emptyDir
 * (a directory that lives as long as the pod, or a tmpfs for {@code medium: Memory}), hostPath
 * (the host's own path), persistentVolumeClaim (the hostPath or local PersistentVolume the claim
 * is bound to, created if it may be), configMap and secret (their keys written as files,
 * read-only), and
 * downwardAPI and projected (ServiceAccount token, configMap, secret and downward API sources in
 * one directory, written atomically through a {@code ..data} symlink as the kubelet does).
 * Containers bind-mount them; data in an emptyDir survives container restarts and goes with the
 * pod.
 *
 * <p>A projected ServiceAccount token is asked for, bound to the pod, through the API's
 * TokenRequest, and asked for again once 80% of its lifetime or 24 hours have passed (the
 * kubelet's token manager): {@link #nextRefresh} tells the pod's worker when to wake up for it.
 */
final class PodVolumes {

  private static final Logger LOG = Logger.getLogger(PodVolumes.class.getName());

  /** Where a volume is on the host, and whether containers may only read it. */
  record HostVolume(Path path, boolean readOnly) {}

  private final Path root;
  private final EnvResolver sources;
  private final Clock clock;
  /** Tokens written, by pod uid and then volume/path: when each must be asked for again. */
  private final Map<String, Map<String, TokenState>> tokens = new ConcurrentHashMap<>();

  private record TokenState(String token, Instant refreshAt) {}

  PodVolumes(Path root, EnvResolver sources) {
    this(root, sources, Clock.systemUTC());
  }

  PodVolumes(Path root, EnvResolver sources, Clock clock) {
    this.root = root;
    this.sources = sources;
    this.clock = clock;
  }

  /** When a token of the pod's volumes must be refreshed, if it has any. */
  Optional<Instant> nextRefresh(String uid) {
    return tokens.getOrDefault(uid, Map.of()).values().stream().map(TokenState::refreshAt)
        .min(Comparator.naturalOrder());
  }

  /**
   * When the kubelet refreshes a token: past 80% of its lifetime, or 24 hours after it was
   * issued, whichever comes first.
   */
  static Instant refreshAt(Instant issued, Instant expires) {
    Duration lifetime = Duration.between(issued, expires);
    Instant at80 = issued.plus(lifetime.multipliedBy(8).dividedBy(10));
    Instant day = issued.plus(Duration.ofHours(24));
    return at80.isBefore(day) ? at80 : day;
  }

  Path podDir(String uid) {
    return root.resolve("pods").resolve(uid);
  }

  /** Makes every volume of the pod ready and says where each is. */
  Map<String, HostVolume> prepare(Pod pod) throws EnvResolver.ConfigError {
    Map<String, HostVolume> volumes = new HashMap<>();
    String namespace = pod.getMetadata().getNamespace();
    for (Volume volume : EnvResolver.orEmpty(pod.getSpec().getVolumes())) {
      Path dir = podDir(pod.getMetadata().getUid()).resolve("volumes").resolve(volume.getName());
      try {
        if (volume.getEmptyDir() != null) {
          boolean fresh = !Files.isDirectory(dir);
          Files.createDirectories(dir);
          if (fresh && "Memory".equals(volume.getEmptyDir().getMedium())) {
            mountTmpfs(dir);
          }
          dir.toFile().setWritable(true, false);
          volumes.put(volume.getName(), new HostVolume(dir, false));
        } else if (volume.getHostPath() != null) {
          Path host = Path.of(volume.getHostPath().getPath());
          String type = Optional.ofNullable(volume.getHostPath().getType()).orElse("");
          if (type.equals("DirectoryOrCreate")) {
            Files.createDirectories(host);
          } else if (type.equals("Directory") && !Files.isDirectory(host)) {
            throw new EnvResolver.ConfigError("hostPath type check failed: " + host
                + " is not a directory");
          }
          volumes.put(volume.getName(), new HostVolume(host, false));
        } else if (volume.getPersistentVolumeClaim() != null) {
          var source = volume.getPersistentVolumeClaim();
          EnvResolver.ClaimedVolume claimed = sources.claimedVolume(namespace,
              source.getClaimName());
          if (claimed.create()) {
            Files.createDirectories(claimed.path());
          } else if (!Files.isDirectory(claimed.path())) {
            throw new EnvResolver.ConfigError("MountVolume.NewMounter initialization failed for"
                + " volume \"" + claimed.volumeName() + "\" : path \"" + claimed.path()
                + "\" does not exist");
          }
          volumes.put(volume.getName(), new HostVolume(claimed.path(),
              Boolean.TRUE.equals(source.getReadOnly())));
        } else if (volume.getConfigMap() != null) {
          var source = volume.getConfigMap();
          Map<String, String> data = sources.configMap(namespace, source.getName())
              .or(() -> Boolean.TRUE.equals(source.getOptional()) ? Optional.of(Map.of())
                  : Optional.empty())
              .orElseThrow(() -> new EnvResolver.ConfigError("configmap \"" + source.getName()
                  + "\" not found"));
          writeFiles(dir, data, source.getItems(), source.getDefaultMode());
          volumes.put(volume.getName(), new HostVolume(dir, true));
        } else if (volume.getSecret() != null) {
          var source = volume.getSecret();
          Map<String, String> data = sources.secret(namespace, source.getSecretName())
              .or(() -> Boolean.TRUE.equals(source.getOptional()) ? Optional.of(Map.of())
                  : Optional.empty())
              .orElseThrow(() -> new EnvResolver.ConfigError("secret \"" + source.getSecretName()
                  + "\" not found"));
          writeFiles(dir, data, source.getItems(), source.getDefaultMode());
          volumes.put(volume.getName(), new HostVolume(dir, true));
        } else if (volume.getDownwardAPI() != null) {
          Map<String, String> files = new LinkedHashMap<>();
          addDownwardApi(pod, volume.getDownwardAPI().getItems(), files);
          AtomicWriter.write(dir, files, mode(volume.getDownwardAPI().getDefaultMode()), clock);
          volumes.put(volume.getName(), new HostVolume(dir, true));
        } else if (volume.getProjected() != null) {
          AtomicWriter.write(dir, projectedFiles(pod, volume),
              mode(volume.getProjected().getDefaultMode()), clock);
          volumes.put(volume.getName(), new HostVolume(dir, true));
        } else {
          throw new EnvResolver.ConfigError("volume \"" + volume.getName()
              + "\" has a type this node does not support (emptyDir, hostPath,"
              + " persistentVolumeClaim, configMap, secret, downwardAPI and projected are)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("preparing volume " + volume.getName(), e);
      }
    }
    return volumes;
  }

  /** The files of a projected volume, its sources in order (later ones win a shared path). */
  private Map<String, String> projectedFiles(Pod pod, Volume volume)
      throws EnvResolver.ConfigError {
    String namespace = pod.getMetadata().getNamespace();
    String uid = pod.getMetadata().getUid();
    Map<String, String> files = new LinkedHashMap<>();
    for (VolumeProjection source : EnvResolver.orEmpty(volume.getProjected().getSources())) {
      if (source.getServiceAccountToken() != null) {
        var projection = source.getServiceAccountToken();
        String tokenKey = volume.getName() + "/" + projection.getPath();
        Map<String, TokenState> podTokens = tokens.computeIfAbsent(uid,
            key -> new ConcurrentHashMap<>());
        TokenState state = podTokens.get(tokenKey);
        if (state == null || !clock.instant().isBefore(state.refreshAt())) {
          long seconds = projection.getExpirationSeconds() == null ? 3600
              : projection.getExpirationSeconds();
          Instant asked = clock.instant();
          EnvResolver.ServiceAccountToken token = sources.serviceAccountToken(pod,
              projection.getAudience(), seconds);
          state = new TokenState(token.token(), refreshAt(asked, token.expires()));
          podTokens.put(tokenKey, state);
        }
        files.put(projection.getPath(), state.token());
      } else if (source.getConfigMap() != null) {
        var projection = source.getConfigMap();
        Map<String, String> data = sources.configMap(namespace, projection.getName())
            .or(() -> Boolean.TRUE.equals(projection.getOptional()) ? Optional.of(Map.of())
                : Optional.empty())
            .orElseThrow(() -> new EnvResolver.ConfigError("configmap \""
                + projection.getName() + "\" not found"));
        selected(data, projection.getItems(), files);
      } else if (source.getSecret() != null) {
        var projection = source.getSecret();
        Map<String, String> data = sources.secret(namespace, projection.getName())
            .or(() -> Boolean.TRUE.equals(projection.getOptional()) ? Optional.of(Map.of())
                : Optional.empty())
            .orElseThrow(() -> new EnvResolver.ConfigError("secret \""
                + projection.getName() + "\" not found"));
        selected(data, projection.getItems(), files);
      } else if (source.getDownwardAPI() != null) {
        addDownwardApi(pod, source.getDownwardAPI().getItems(), files);
      }
    }
    return files;
  }

  private static void addDownwardApi(Pod pod, List<DownwardAPIVolumeFile> items,
      Map<String, String> files) {
    for (DownwardAPIVolumeFile item : EnvResolver.orEmpty(items)) {
      if (item.getFieldRef() != null) {
        files.put(item.getPath(), EnvResolver.podField(pod, item.getFieldRef().getFieldPath()));
      }
    }
  }

  private static void selected(Map<String, String> data, List<KeyToPath> items,
      Map<String, String> files) {
    if (items == null || items.isEmpty()) {
      files.putAll(data);
      return;
    }
    for (KeyToPath item : items) {
      if (data.containsKey(item.getKey())) {
        files.put(item.getPath(), data.get(item.getKey()));
      }
    }
  }

  private static int mode(Integer defaultMode) {
    return defaultMode == null ? 0644 : defaultMode;
  }

  /** Removes the pod's directory and everything in it (unmounting tmpfs volumes first). */
  void remove(String uid) {
    tokens.remove(uid);
    Path dir = podDir(uid);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> volumes = Files.list(dir.resolve("volumes"))) {
      volumes.forEach(PodVolumes::unmountQuietly);
    } catch (IOException e) {
      // no volumes directory
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warning(() -> "Could not remove " + dir + ": " + e);
    }
  }

  private static void writeFiles(Path dir, Map<String, String> data, List<KeyToPath> items,
      Integer defaultMode) throws IOException {
    Files.createDirectories(dir);
    Map<String, String> files = new HashMap<>();
    if (items == null || items.isEmpty()) {
      data.forEach(files::put);
    } else {
      for (KeyToPath item : items) {
        if (data.containsKey(item.getKey())) {
          files.put(item.getPath(), data.get(item.getKey()));
        }
      }
    }
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path target = dir.resolve(file.getKey()).normalize();
      if (!target.startsWith(dir)) {
        continue;
      }
      Files.createDirectories(target.getParent());
      Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
      target.toFile().setReadable(true, (defaultMode == null ? 0644 : defaultMode) % 8 < 4);
    }
  }

  private static void mountTmpfs(Path dir) {
    run("mount", "-t", "tmpfs", "-o", "mode=1777", "tmpfs", dir.toString());
  }

  private static void unmountQuietly(Path dir) {
    try {
      if (Files.readString(Path.of("/proc/mounts")).contains(" " + dir + " tmpfs ")) {
        run("umount", dir.toString());
      }
    } catch (IOException e) {
      // nothing mounted that we can tell
    }
  }

  private static void run(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.waitFor() != 0) {
        LOG.warning(() -> String.join(" ", command) + " failed: " + output.trim());
      }
    } catch (IOException e) {
      LOG.warning(() -> String.join(" ", command) + " failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
