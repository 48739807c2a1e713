package dev.capstan.agent.node;

import dev.capstan.agent.AgentConfig;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import dev.capstan.agent.stats.EvictionThresholds.Pressure;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeSystemInfoBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import com.github.dockerjava.api.model.Info;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps this node's Node object and its heartbeat Lease (in {@code kube-node-lease}) current, as
 * the kubelet does: registers the node on start (or takes over the one registered before),
 * renews the lease every interval, and writes the status (capacity, addresses, system info,
 * conditions) when it changed or at least every minute. Ready follows whether Docker answers;
 * MemoryPressure and DiskPressure whether the node's measured memory and disk are under their
 * eviction thresholds ({@link dev.capstan.agent.stats.EvictionThresholds}).
 */
public final class NodeStatusReporter {

  /** The node annotation that says where local-path volumes of this node live. */
  public static final String LOCAL_PATH_ROOT = "capstan.dev/local-path-root";

  public static final String AGENT_VERSION = "v1.32.0+capstan";
  static final String LEASE_NAMESPACE = "kube-node-lease";
  private static final Logger LOG = Logger.getLogger(NodeStatusReporter.class.getName());
  /** The kubelet's default {@code nodeStatusMaxImages}. */
  static final int MAX_IMAGES = 50;
  private static final long STATUS_REFRESH_SECONDS = 60;

  private final AgentConfig config;
  private final KubernetesClient api;
  private final DockerRuntime docker;
  private final Clock clock;
  private final Supplier<Pressure> pressure;
  private NodeStatus lastReported;
  private Instant lastReportedAt = Instant.EPOCH;

  public NodeStatusReporter(AgentConfig config, KubernetesClient api, DockerRuntime docker,
      Clock clock) {
    this(config, api, docker, clock, () -> Pressure.NONE);
  }

  /** @param pressure whether memory or disk is under its eviction threshold now */
  public NodeStatusReporter(AgentConfig config, KubernetesClient api, DockerRuntime docker,
      Clock clock, Supplier<Pressure> pressure) {
    this.config = config;
    this.api = api;
    this.docker = docker;
    this.clock = clock;
    this.pressure = pressure;
  }

  /** Registers the node, or updates the one of the same name; then writes its status. */
  public void register() {
    Node existing = api.nodes().withName(config.nodeName()).get();
    Map<String, String> labels = labels();
    if (existing == null) {
      Node node = new NodeBuilder()
          .withNewMetadata().withName(config.nodeName()).withLabels(labels)
          .withAnnotations(annotations()).endMetadata()
          .withNewSpec().endSpec()
          .withStatus(status(Optional.empty()))
          .build();
      api.nodes().resource(node).create();
      LOG.info(() -> "Registered node " + config.nodeName());
    } else {
      api.nodes().withName(config.nodeName()).edit(node -> new NodeBuilder(node)
          .editMetadata().addToLabels(labels).addToAnnotations(annotations()).endMetadata()
          .build());
      LOG.info(() -> "Node " + config.nodeName() + " was registered before; taking it over");
    }
    reportStatus(true);
  }

  /** One heartbeat: renew the lease, and write the status if it changed or is getting old. */
  public void heartbeat() {
    try {
      renewLease();
    } catch (KubernetesClientException e) {
      LOG.log(Level.WARNING, "Could not renew the node lease: " + e.getMessage());
    }
    try {
      reportStatus(false);
    } catch (KubernetesClientException e) {
      LOG.log(Level.WARNING, "Could not update the node status: " + e.getMessage());
    }
  }

  private void reportStatus(boolean force) {
    Node current = api.nodes().withName(config.nodeName()).get();
    if (current == null) {
      register();
      return;
    }
    NodeStatus status = status(Optional.ofNullable(current.getStatus()));
    Instant now = clock.instant();
    boolean stale = now.isAfter(lastReportedAt.plusSeconds(STATUS_REFRESH_SECONDS))
        || !readyStatus(status).equals(readyStatus(current.getStatus()));
    if (!force && !stale && withoutHeartbeats(status).equals(withoutHeartbeats(lastReported))) {
      return;
    }
    current.setStatus(status);
    api.nodes().resource(current).updateStatus();
    lastReported = status;
    lastReportedAt = now;
  }

  private void renewLease() {
    ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    Lease lease = api.leases().inNamespace(LEASE_NAMESPACE).withName(config.nodeName()).get();
    if (lease == null) {
      Node node = api.nodes().withName(config.nodeName()).get();
      LeaseBuilder created = new LeaseBuilder()
          .withNewMetadata().withName(config.nodeName()).withNamespace(LEASE_NAMESPACE)
          .endMetadata()
          .withNewSpec()
          .withHolderIdentity(config.nodeName())
          .withLeaseDurationSeconds(40)
          .withRenewTime(now)
          .endSpec();
      if (node != null) {
        created.editMetadata().withOwnerReferences(new OwnerReferenceBuilder()
            .withApiVersion("v1").withKind("Node").withName(node.getMetadata().getName())
            .withUid(node.getMetadata().getUid()).build()).endMetadata();
      }
      api.leases().inNamespace(LEASE_NAMESPACE).resource(created.build()).create();
      return;
    }
    lease.getSpec().setRenewTime(now);
    lease.getSpec().setHolderIdentity(config.nodeName());
    api.leases().inNamespace(LEASE_NAMESPACE).resource(lease).update();
  }

  /**
   * Where this node keeps the directories of volumes Capstan's local-path provisioner makes for
   * it ({@code <agent dir>/storage}), for the provisioner to name in their PersistentVolumes.
   */
  private Map<String, String> annotations() {
    return Map.of(LOCAL_PATH_ROOT,
        config.agentDir().toAbsolutePath().resolve("storage").toString());
  }

  private Map<String, String> labels() {
    return Map.of(
        "kubernetes.io/hostname", config.nodeName(),
        "kubernetes.io/os", "linux",
        "kubernetes.io/arch", architecture(),
        "beta.kubernetes.io/os", "linux",
        "beta.kubernetes.io/arch", architecture());
  }

  /** The status to report; conditions keep their transition time while they hold. */
  NodeStatus status(Optional<NodeStatus> previous) {
    boolean dockerUp = docker.ping();
    Info info = null;
    String runtimeVersion = "unknown";
    if (dockerUp) {
      try {
        info = docker.info();
        runtimeVersion = docker.version();
      } catch (RuntimeException e) {
        dockerUp = false;
      }
    }
    // the resources a kubelet on Linux reports: ephemeral storage is the file system holding
    // the agent's directory (the kubelet's root dir), huge pages none
    Map<String, Quantity> capacity = Map.of(
        "cpu", new Quantity(Integer.toString(info == null || info.getNCPU() == null
            ? Runtime.getRuntime().availableProcessors() : info.getNCPU())),
        "memory", new Quantity((info == null || info.getMemTotal() == null
            ? Runtime.getRuntime().maxMemory() : info.getMemTotal()) / 1024 + "Ki"),
        "ephemeral-storage", new Quantity(ephemeralStorageBytes() / 1024 + "Ki"),
        "hugepages-1Gi", new Quantity("0"),
        "hugepages-2Mi", new Quantity("0"),
        "pods", new Quantity(Integer.toString(config.maxPods())));
    String now = timestamp(clock.instant());
    List<NodeCondition> conditions = new ArrayList<>();
    Pressure under = pressure.get();
    conditions.add(under.memory()
        ? condition(previous, "MemoryPressure", "True", "KubeletHasInsufficientMemory",
            "kubelet has insufficient memory available", now)
        : condition(previous, "MemoryPressure", "False", "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available", now));
    conditions.add(under.disk()
        ? condition(previous, "DiskPressure", "True", "KubeletHasDiskPressure",
            "kubelet has disk pressure", now)
        : condition(previous, "DiskPressure", "False", "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure", now));
    conditions.add(condition(previous, "PIDPressure", "False", "KubeletHasSufficientPID",
        "kubelet has sufficient PID available", now));
    conditions.add(dockerUp
        ? condition(previous, "Ready", "True", "KubeletReady", "kubelet is posting ready status",
            now)
        : condition(previous, "Ready", "False", "ContainerRuntimeNotReady",
            "container runtime is down: Docker at " + config.dockerHost() + " does not answer",
            now));
    return new NodeStatusBuilder()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .withConditions(conditions)
        .addNewAddress().withType("InternalIP").withAddress(config.nodeIp()).endAddress()
        .addNewAddress().withType("Hostname").withAddress(config.nodeName()).endAddress()
        .withNewDaemonEndpoints().withNewKubeletEndpoint().withPort(config.kubeletPort())
            .endKubeletEndpoint()
        .endDaemonEndpoints()
        .withImages(dockerUp ? images(docker.images()) : List.of())
        .withNodeInfo(new NodeSystemInfoBuilder()
            .withMachineID(firstLine("/etc/machine-id"))
            .withSystemUUID(firstLine("/etc/machine-id"))
            .withBootID(firstLine("/proc/sys/kernel/random/boot_id"))
            .withKernelVersion(info == null ? System.getProperty("os.version") : info.getKernelVersion())
            .withOsImage(info == null ? System.getProperty("os.name") : info.getOperatingSystem())
            .withContainerRuntimeVersion("docker://" + runtimeVersion)
            .withKubeletVersion(AGENT_VERSION)
            .withKubeProxyVersion(AGENT_VERSION)
            .withOperatingSystem("linux")
            .withArchitecture(architecture())
            .build())
        .build();
  }

  /**
   * The node's images as the kubelet lists them: the {@value #MAX_IMAGES} largest, each with its
   * digests and tags.
   */
  static List<ContainerImage> images(List<DockerRuntime.Image> images) {
    return images.stream()
        .sorted(Comparator.comparingLong(DockerRuntime.Image::sizeBytes).reversed())
        .limit(MAX_IMAGES)
        .map(image -> new ContainerImage(image.names(), image.sizeBytes()))
        .toList();
  }

  private long ephemeralStorageBytes() {
    try {
      Path dir = config.agentDir();
      while (dir != null && !Files.exists(dir)) {
        dir = dir.getParent();
      }
      return dir == null ? 0 : Files.getFileStore(dir).getTotalSpace();
    } catch (IOException e) {
      return 0;
    }
  }

  private static NodeCondition condition(Optional<NodeStatus> previous, String type,
      String status, String reason, String message, String now) {
    String transition = previous.map(NodeStatus::getConditions).orElse(List.of()).stream()
        .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
        .map(NodeCondition::getLastTransitionTime)
        .findFirst()
        .orElse(now);
    return new NodeConditionBuilder().withType(type).withStatus(status).withReason(reason)
        .withMessage(message).withLastHeartbeatTime(now).withLastTransitionTime(transition)
        .build();
  }

  /**
   * The Ready status stored or computed: when they differ (the node lifecycle controller set it
   * Unknown while this agent was not heard from) the status is written at once.
   */
  private static String readyStatus(NodeStatus status) {
    return status == null || status.getConditions() == null ? ""
        : status.getConditions().stream().filter(c -> "Ready".equals(c.getType()))
            .map(NodeCondition::getStatus).findFirst().orElse("");
  }

  private static NodeStatus withoutHeartbeats(NodeStatus status) {
    if (status == null) {
      return null;
    }
    NodeStatus copy = new NodeStatusBuilder(status).build();
    copy.setConditions(copy.getConditions().stream()
        .map(c -> new NodeConditionBuilder(c).withLastHeartbeatTime(null).build()).toList());
    return copy;
  }

  static String architecture() {
    String arch = System.getProperty("os.arch");
    return switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> arch;
    };
  }

  private static String firstLine(String file) {
    try {
      return Files.readAllLines(Path.of(file)).stream().findFirst().orElse("").trim();
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }
}
