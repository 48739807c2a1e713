package dev.capstan.it;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Nodes without a Docker engine behind them ("hollow" nodes, as in Kubernetes' kubemark): they
 * register through the API like an agent, renew their Lease every 5 s so they stay ready, and
 * run nothing. They carry the taint {@code capstan.dev/hollow:NoSchedule}, so only pods that
 * tolerate it (the scheduler tests' own) land on them.
 */
final class HollowNodes implements AutoCloseable {

  static final String TOLERATION = "{\"key\":\"capstan.dev/hollow\",\"operator\":\"Exists\","
      + "\"effect\":\"NoSchedule\"}";
  private static final DateTimeFormatter MICRO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX").withZone(ZoneOffset.UTC);

  private final TestServer server;
  private final List<String> names;
  private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();

  HollowNodes(TestServer server, List<String> names, String cpu, String labelsJson) {
    this.server = server;
    this.names = names;
    String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(
        java.time.temporal.ChronoUnit.SECONDS));
    for (String name : names) {
      var created = Http.postJson(server.api("/api/v1/nodes"), """
          {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":%s},
           "spec":{"taints":[{"key":"capstan.dev/hollow","effect":"NoSchedule"}]},
           "status":{"capacity":{"cpu":"%s","memory":"4Gi","pods":"110"},
             "allocatable":{"cpu":"%s","memory":"4Gi","pods":"110"},
             "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady",
               "lastHeartbeatTime":"%s","lastTransitionTime":"%s"}]}}"""
          .formatted(name, labelsJson.replace("NAME", name), cpu, cpu, now, now));
      if (created.statusCode() != 201) {
        throw new IllegalStateException("hollow node " + name + ": " + created.body());
      }
      renew(name);
    }
    heartbeat.scheduleWithFixedDelay(() -> names.forEach(this::renew), 5, 5, TimeUnit.SECONDS);
  }

  private void renew(String name) {
    String lease = server.api("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/")
        + name;
    String body = """
        {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
         "metadata":{"name":"%s","namespace":"kube-node-lease"},
         "spec":{"holderIdentity":"%s","leaseDurationSeconds":40,"renewTime":"%s"}}"""
        .formatted(name, name, MICRO.format(Instant.now()));
    if (Http.put(java.net.URI.create(lease), body).statusCode() == 404) {
      Http.postJson(server.api("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases"),
          body);
    }
  }

  @Override
  public void close() {
    heartbeat.shutdownNow();
    for (String name : names) {
      Http.delete(server.api("/api/v1/nodes/" + name));
      Http.delete(server.api("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/"
          + name));
    }
  }
}
