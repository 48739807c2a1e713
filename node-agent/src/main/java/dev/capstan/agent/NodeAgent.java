package dev.capstan.agent;

import dev.capstan.agent.api.ApiClients;
import dev.capstan.agent.credentials.ApiCredentialIssuer;
import dev.capstan.agent.credentials.CredentialFile;
import dev.capstan.agent.credentials.CredentialManager;
import dev.capstan.agent.credentials.CredentialSource;
import dev.capstan.agent.dns.ClusterDns;
import dev.capstan.agent.events.EventRecorder;
import dev.capstan.agent.eviction.EvictionManager;
import dev.capstan.agent.lifecycle.LifecycleHooks;
import dev.capstan.agent.node.NodeStatusReporter;
import dev.capstan.agent.pods.PodSyncer;
import dev.capstan.agent.probes.ContainerProbes;
import dev.capstan.agent.probes.ProbeRunner;
import dev.capstan.agent.network.PodNetwork;
import dev.capstan.agent.network.PodRoutes;
import dev.capstan.agent.pods.PodNetworking;
import dev.capstan.agent.proxy.Iptables;
import dev.capstan.agent.proxy.ServiceProxy;
import dev.capstan.agent.services.ServiceCatalog;
import dev.capstan.agent.pods.PodWorkers;
import dev.capstan.agent.runtime.docker.DockerRuntime;
import dev.capstan.agent.server.AgentServer;
import dev.capstan.agent.stats.CgroupLayout;
import dev.capstan.agent.stats.EvictionThresholds;
import dev.capstan.agent.stats.StatsCollector;
import dev.capstan.agent.work.BrokerTls;
import dev.capstan.agent.work.NodeWorkSubscriber;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Capstan's node agent (its kubelet): registers this machine as a node, keeps its status and
 * lease current, and runs the pods bound to it as Docker containers. Work arrives three ways,
 * all of them only wake-ups: the control plane's JMS messages, Docker's container events, and a
 * periodic resync against the API, which alone would be enough.
 *
 * <p>It is also the node's service proxy ({@link ServiceProxy}) and cluster DNS
 * ({@link ClusterDns}) unless {@code CAPSTAN_SERVICE_PROXY=off}.
 *
 * <p>Stopping the agent leaves its containers running; the next agent adopts them.
 */
public final class NodeAgent implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(NodeAgent.class.getName());
  /**
   * The pod range of the whole cluster, as the control plane's {@code capstan.cluster-cidr}; each
   * node's range is a part of it.
   */
  private static final String CLUSTER_CIDR = System.getProperty("capstan.cluster-cidr",
      System.getenv().getOrDefault("CAPSTAN_CLUSTER_CIDR", "10.244.0.0/16"));

  /**
   * Whether the agent samples its containers' and its own CPU and memory ({@code off} to stop
   * it), and how often, in seconds (the kubelet's housekeeping interval, 10 s).
   */
  private static final boolean STATS = !"off".equals(System.getProperty("capstan.stats",
      System.getenv().getOrDefault("CAPSTAN_STATS", "on")));
  private static final Duration STATS_INTERVAL = Duration.ofSeconds(Long.parseLong(
      System.getProperty("capstan.stats-interval",
          System.getenv().getOrDefault("CAPSTAN_STATS_INTERVAL", "10"))));

  /**
   * Threads that run pod syncs. A sync never waits (for a grace period, a back-off, a pull or a
   * hook), so a few serve any number of pods.
   */
  private static final int WORKER_THREADS = 4;

  private final AgentConfig config;
  private final CredentialSource credentials;
  private final Optional<CredentialManager> credentialManager;
  private final KubernetesClient api;
  private final DockerRuntime docker;
  private final ScheduledExecutorService heartbeat;
  private final PodWorkers workers;
  private final ContainerProbes probes;
  private final PodSyncer syncer;
  private EvictionManager eviction;
  private Closeable dockerEvents;
  private AgentServer server;
  private Optional<StatsCollector> stats = Optional.empty();
  private NodeWorkSubscriber subscriber;
  private final boolean services;
  private ServiceCatalog catalog;
  private ServiceProxy proxy;
  private ClusterDns dns;
  private final PodNetworking networking = new PodNetworking();
  private Optional<PodNetwork> podNetwork = Optional.empty();
  private final Iptables iptables = new Iptables();

  private NodeAgent(AgentConfig config, boolean services) {
    this.config = config;
    this.services = services;
    this.credentialManager = managedCredential(config);
    this.credentials = credentialManager.<CredentialSource>map(manager -> manager)
        .orElseGet(() -> CredentialSource.fixed(config.token()));
    this.api = ApiClients.create(config, credentials);
    this.docker = new DockerRuntime(config.dockerHost());

    this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "capstan-node-heartbeat");
      thread.setDaemon(true);
      return thread;
    });
    Clock clock = Clock.systemUTC();
    EventRecorder events = new EventRecorder(api, config.nodeName(), clock);
    PodWorkers[] queue = new PodWorkers[1];
    PodSyncer[] pods = new PodSyncer[1];
    ProbeRunner runner = new ProbeRunner(docker);
    LifecycleHooks hooks = new LifecycleHooks(runner);
    // A failed liveness probe only asks for the kill; the pod's worker stops the container.
    this.probes = new ContainerProbes(runner, events,
        (pod, container, containerId, podIp, grace, reason) -> {
          pods[0].kill(pod, container, containerId, podIp, grace, reason);
          queue[0].enqueue(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        },
        (namespace, name) -> queue[0].enqueue(namespace, name));
    if (services) {
      catalog = new ServiceCatalog(api);
    }
    pods[0] = new PodSyncer(config, api, docker, config.agentDir(), events, probes, hooks, clock,
        networking);
    this.syncer = pods[0];
    this.workers = new PodWorkers(config, api, pods[0], clock, WORKER_THREADS);
    queue[0] = workers;
  }

  /**
   * Starts an agent: registers the node (waiting for the API if it must), then runs its pods, its
   * service proxy and its cluster DNS.
   */
  public static NodeAgent start(AgentConfig config) throws InterruptedException {
    return start(config, true);
  }

  /**
   * Starts an agent, with or without the service proxy and cluster DNS (which need root, for
   * iptables and port 53).
   */
  public static NodeAgent start(AgentConfig config, boolean services)
      throws InterruptedException {
    NodeAgent agent = new NodeAgent(config, services);
    agent.run();
    return agent;
  }

  /**
   * The credential the agent keeps and renews itself, unless one is given outright
   * ({@code CAPSTAN_TOKEN} without a bootstrap token).
   */
  private static Optional<CredentialManager> managedCredential(AgentConfig config) {
    if (config.bootstrapToken().isEmpty() && !config.token().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new CredentialManager(CredentialFile.in(config.agentDir()),
          new ApiCredentialIssuer(config.apiServer(), config.nodeName(), config.caFile(),
              config.insecure()), config.bootstrapToken(), Clock.systemUTC(), Math::random));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot reach the API over TLS: " + e.getMessage(), e);
    }
  }

  private void run() throws InterruptedException {
    if (credentialManager.isPresent()) {
      credentialManager.get().start();
    }
    // read when the agent starts (not when the class loads), so a test may start one with its own
    EvictionThresholds thresholds = EvictionThresholds.parse(System.getProperty(
        "capstan.eviction-hard", System.getenv().getOrDefault("CAPSTAN_EVICTION_HARD",
            EvictionThresholds.DEFAULTS)));
    eviction = new EvictionManager(thresholds, () -> stats.map(StatsCollector::latest),
        config.agentDir(), evictable(), Clock.systemUTC(), transitionPeriod());
    NodeStatusReporter reporter = new NodeStatusReporter(config, api, docker, Clock.systemUTC(),
        eviction::pressure);
    for (int attempt = 1; ; attempt++) {
      try {
        reporter.register();
        break;
      } catch (KubernetesClientException e) {
        long wait = Math.min(30, attempt * 2L);
        LOG.warning(() -> "Cannot register node " + config.nodeName() + " at "
            + config.apiServer() + " (" + e.getMessage() + "); retrying in " + wait + " s");
        TimeUnit.SECONDS.sleep(wait);
      }
    }
    if (STATS) {
      Optional<CgroupLayout> layout = CgroupLayout.detect();
      if (layout.isEmpty()) {
        LOG.warning("No cgroup hierarchy under /sys/fs/cgroup: resource figures are not sampled");
      }
      stats = layout.map(found -> new StatsCollector(config.nodeName(), docker, found,
          STATS_INTERVAL, Clock.systemUTC()));
      stats.ifPresent(StatsCollector::start);
    }
    eviction.start(STATS_INTERVAL);
    if (config.servingTls().isEmpty()) {
      LOG.warning(() -> "No serving certificate (CAPSTAN_TLS_CERT_FILE): logs, exec, attach and"
          + " port-forward of this node's pods are not served");
    } else {
      try {
        server = new AgentServer(config, config.servingTls().get(), docker,
            () -> stats.map(StatsCollector::latest));
        server.start();
      } catch (IOException e) {
        LOG.warning(() -> "Cannot serve logs and exec on " + config.servingTls().get().address()
            + ":" + config.kubeletPort() + ": " + e);
      }
    }
    heartbeat.scheduleWithFixedDelay(reporter::heartbeat, 0,
        config.statusInterval().toMillis(), TimeUnit.MILLISECONDS);
    if (services) {
      startServices();
    }
    workers.start();
    dockerEvents = docker.onContainerEvents(Map.of("io.capstan.node", config.nodeName()),
        labels -> {
          stats.ifPresent(StatsCollector::containersChanged);
          String namespace = labels.get("io.capstan.pod.namespace");
          String name = labels.get("io.capstan.pod.name");
          if (namespace != null && name != null) {
            workers.enqueue(namespace, name);
          }
        });
    config.messagingUrl().ifPresent(given -> {
      String url;
      try {
        url = BrokerTls.url(given, config.caFile(), config.agentDir());
      } catch (IOException e) {
        LOG.warning(() -> "Cannot verify the broker's certificate (" + e.getMessage()
            + "); work messages are not listened to, resyncs go on");
        return;
      }
      subscriber = new NodeWorkSubscriber(url, config.messagingUser(), config.messagingPassword(),
          config.nodeName(), workers::enqueue);
      subscriber.start();
    });
    LOG.info(() -> "Node agent " + config.nodeName() + " runs pods on Docker at "
        + config.dockerHost());
  }

  /** The pods of this node as the eviction manager sees them, and how it evicts one. */
  private EvictionManager.Pods evictable() {
    return new EvictionManager.Pods() {
      @Override
      public List<Pod> active() {
        return api.pods().inAnyNamespace().withField("spec.nodeName", config.nodeName()).list()
            .getItems().stream()
            .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
            .filter(pod -> pod.getStatus() == null
                || !List.of("Failed", "Succeeded").contains(pod.getStatus().getPhase()))
            .toList();
      }

      @Override
      public void evict(Pod pod, long graceSeconds, String message) {
        if (syncer.evict(pod, graceSeconds, message)) {
          workers.enqueue(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        }
      }

      @Override
      public boolean cleanedUp(String uid) {
        return syncer.cleanedUp(uid);
      }
    };
  }

  /**
   * How long a pressure condition stays True after its signal recovered: the kubelet's
   * {@code --eviction-pressure-transition-period} ({@code CAPSTAN_EVICTION_PRESSURE_TRANSITION_PERIOD},
   * seconds or a number with {@code s}, {@code m} or {@code h}; 5 minutes by default).
   */
  private static Duration transitionPeriod() {
    String text = System.getProperty("capstan.eviction-pressure-transition-period",
        System.getenv().getOrDefault("CAPSTAN_EVICTION_PRESSURE_TRANSITION_PERIOD", "5m")).strip();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smh]?)").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("eviction pressure transition period \"" + text
          + "\": expected a number of seconds, or of minutes (5m) or hours (1h)");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofSeconds(amount);
    };
  }

  /**
   * The node's networking, once it is registered: its pod bridge from its pod range, the routes
   * to other machines' pods, the service proxy and the cluster DNS (on the bridge's gateway).
   */
  private void startServices() throws InterruptedException {
    podNetwork = PodNetwork.prepare(api, docker, config.nodeName(), CLUSTER_CIDR,
        Duration.ofSeconds(10));
    podNetwork.ifPresent(network -> {
      try {
        network.allowTraffic(iptables);
      } catch (Iptables.IptablesException e) {
        LOG.warning(() -> "Pods of other nodes may not reach this node's pods: " + e.getMessage());
      }
    });
    PodRoutes routes = new PodRoutes(api, config.nodeName());
    heartbeat.scheduleWithFixedDelay(() -> {
      try {
        routes.sync();
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "Pod routes not synced", e);
      }
    }, 0, 10, TimeUnit.SECONDS);
    catalog.start();
    proxy = new ServiceProxy(catalog, config.nodeName());
    proxy.start();
    Optional<String> dnsAddress = podNetwork.map(PodNetwork::gateway)
        .or(docker::bridgeGateway);
    if (dnsAddress.isEmpty()) {
      LOG.warning("No bridge gateway found: pods get Docker's DNS, not the cluster's");
    } else {
      dns = new ClusterDns(catalog, new InetSocketAddress(dnsAddress.get(), 53));
      try {
        dns.start();
      } catch (IOException e) {
        LOG.warning(() -> "The cluster DNS cannot listen on " + dnsAddress.get() + ":53 ("
            + e.getMessage() + "); pods will not resolve service names");
        dns = null;
      }
    }
    networking.use(podNetwork.map(PodNetwork::name),
        Optional.ofNullable(dns).map(d -> d.address().getHostAddress()));
  }

  public String nodeName() {
    return config.nodeName();
  }

  @Override
  public void close() {
    if (proxy != null) {
      proxy.close();
    }
    if (dns != null) {
      dns.close();
    }
    podNetwork.ifPresent(network -> network.removeTraffic(iptables));
    if (catalog != null) {
      catalog.close();
    }
    heartbeat.shutdownNow();
    stats.ifPresent(StatsCollector::close);
    if (eviction != null) {
      eviction.close();
    }
    if (server != null) {
      server.close();
    }
    workers.close();
    probes.close();
    if (subscriber != null) {
      subscriber.close();
    }
    try {
      if (dockerEvents != null) {
        dockerEvents.close();
      }
      docker.close();
    } catch (IOException e) {
      LOG.log(Level.FINE, "Closing the Docker client", e);
    }
    api.close();
    credentialManager.ifPresent(CredentialManager::close);
    LOG.info(() -> "Node agent " + config.nodeName() + " stopped");
  }

  public static void main(String[] args) throws InterruptedException {
    AgentConfig config;
    try {
      config = AgentConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("capstan-node-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    NodeAgent agent;
    try {
      agent = start(config,
          !"off".equals(System.getenv().getOrDefault("CAPSTAN_SERVICE_PROXY", "iptables")));
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("capstan-node-agent: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      agent.close();
      stopped.countDown();
    }, "capstan-shutdown"));
    stopped.await();
  }
}
