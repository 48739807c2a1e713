package dev.capstan.agent.proxy;

import dev.capstan.agent.services.ServiceCatalog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The agent's service proxy (kube-proxy's role, in its iptables mode): follows Services and
 * Endpoints through the {@link ServiceCatalog} and programs the host's iptables so that a service's cluster IP
 * and port, its node port on every local address (127.0.0.1 included) and, for LoadBalancer
 * services, its port on every local address reach one of its ready endpoints (see
 * {@link ProxyRules}).
 *
 * <p>Kernel rules rather than a userspace proxy: packets are rewritten once by conntrack and then
 * flow at kernel speed, with no copy through the agent, and connections already made keep their
 * endpoint while new ones see a change at once. A change is applied within about 100 ms of the
 * watch event (changes are batched) as one {@code iptables-restore} transaction, and every
 * 30 s in any case. Stopping the proxy removes its chains and the rules that jump to them.
 */
public final class ServiceProxy implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ServiceProxy.class.getName());
  private static final long RESYNC_MILLIS = 30_000;
  private static final long BATCH_MILLIS = 100;

  private final ServiceCatalog catalog;
  private final ProxyRules rules;
  private final Iptables iptables = new Iptables();
  private final ScheduledExecutorService syncer;
  private final AtomicBoolean syncPending = new AtomicBoolean();
  private String applied = "";
  private volatile boolean working = true;

  /** A proxy reading the catalog, which its owner starts and closes. */
  public ServiceProxy(ServiceCatalog catalog, String nodeName) {
    this.catalog = catalog;
    this.rules = ProxyRules.forNode(nodeName);
    this.syncer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "capstan-service-proxy");
      thread.setDaemon(true);
      return thread;
    });
  }

  public void start() {
    allowLocalhostNodePorts();
    catalog.onChange(this::requestSync);
    syncer.scheduleWithFixedDelay(this::requestSync, RESYNC_MILLIS, RESYNC_MILLIS,
        TimeUnit.MILLISECONDS);
    requestSync();
  }

  private void requestSync() {
    if (working && syncPending.compareAndSet(false, true)) {
      syncer.schedule(this::sync, BATCH_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private void sync() {
    syncPending.set(false);
    if (!catalog.synced()) {
      syncer.schedule(this::requestSync, BATCH_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    List<ServicePortTarget> targets = ServiceTargets.of(catalog.services(), catalog.endpoints());
    try {
      String input = rules.render(targets,
          new HashSet<>(iptables.chains("nat", rules.prefix())));
      if (input.equals(applied)) {
        return;
      }
      iptables.restore(input);
      ensureHooks();
      applied = input;
      LOG.fine(() -> "Service proxy programmed " + targets.size() + " service ports");
    } catch (Iptables.IptablesException e) {
      LOG.warning(() -> "The service proxy cannot program iptables (" + e.getMessage()
          + "); services are not reachable through this node until it can");
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "Service proxy sync failed; the next one tries again", e);
    }
  }

  /** A jump from one of the kernel's chains into one of this proxy's. */
  private record Hook(String table, String chain, List<String> rule) {}

  /** Where packets enter this proxy's chains. */
  private List<Hook> hooks() {
    List<Hook> hooks = new java.util.ArrayList<>();
    for (String chain : List.of("PREROUTING", "OUTPUT")) {
      hooks.add(new Hook("nat", chain, jumpTo(rules.services(), "capstan service portals")));
    }
    hooks.add(new Hook("nat", "POSTROUTING",
        jumpTo(rules.postrouting(), "capstan service masquerading")));
    for (String chain : List.of("INPUT", "FORWARD", "OUTPUT")) {
      hooks.add(new Hook("filter", chain,
          jumpTo(rules.filter(), "capstan services without endpoints")));
    }
    for (String chain : List.of("INPUT", "OUTPUT")) {
      hooks.add(new Hook("filter", chain, jumpTo(rules.firewall(), "capstan firewall")));
    }
    return hooks;
  }

  private void ensureHooks() throws Iptables.IptablesException {
    for (Hook hook : hooks()) {
      iptables.ensureFirst(hook.table(), hook.chain(), hook.rule());
    }
  }

  private static List<String> jumpTo(String chain, String comment) {
    return List.of("-m", "comment", "--comment", comment, "-j", chain);
  }

  /**
   * Node ports answer on 127.0.0.1 too, which needs the kernel to route loopback-addressed
   * packets out of other interfaces (kube-proxy sets the same). The firewall chain
   * ({@link ProxyRules#firewall()}) keeps that from exposing the host's loopback listeners.
   */
  private static void allowLocalhostNodePorts() {
    try {
      Files.writeString(Path.of("/proc/sys/net/ipv4/conf/all/route_localnet"), "1");
    } catch (IOException | RuntimeException e) {
      LOG.fine(() -> "Cannot set route_localnet (" + e + "); node ports on 127.0.0.1 may not"
          + " answer");
    }
  }

  /** Removes the hooks and chains this proxy made. */
  @Override
  public void close() {
    working = false;
    syncer.shutdownNow();
    try {
      syncer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hooks().forEach(hook -> iptables.deleteAll(hook.table(), hook.chain(), hook.rule()));
    try {
      StringBuilder input = new StringBuilder("*nat\n");
      List<String> nat = iptables.chains("nat", rules.prefix());
      nat.forEach(chain -> input.append(':').append(chain).append(" - [0:0]\n"));
      nat.forEach(chain -> input.append("-X ").append(chain).append('\n'));
      input.append("COMMIT\n*filter\n");
      List<String> filter = iptables.chains("filter", rules.prefix());
      filter.forEach(chain -> input.append(':').append(chain).append(" - [0:0]\n"));
      filter.forEach(chain -> input.append("-X ").append(chain).append('\n'));
      input.append("COMMIT\n");
      iptables.restore(input.toString());
    } catch (Iptables.IptablesException e) {
      LOG.fine(() -> "Removing the service proxy's chains: " + e.getMessage());
    }
  }
}
