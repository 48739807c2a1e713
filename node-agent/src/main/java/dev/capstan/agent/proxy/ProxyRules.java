package dev.capstan.agent.proxy;

import dev.capstan.agent.host.HostNames;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The proxy's iptables rules, written as input for {@code iptables-restore --noflush}, in the
 * shape kube-proxy's iptables mode gives them:
 *
 * <pre>
 * nat PREROUTING, OUTPUT ─▶ P-SERVICES ─ clusterIP:port ──────────────▶ P-SVC-x ─┬▶ P-SEP-a ─ DNAT a
 *                              └─ to a local address ─▶ P-NODEPORTS ─ nodePort ─▶┘ └▶ P-SEP-b ─ DNAT b
 * nat POSTROUTING ─▶ P-POSTROUTING ─ marked ─▶ MASQUERADE
 * filter INPUT, FORWARD, OUTPUT ─▶ P-FILTER ─ service without endpoints ─▶ REJECT
 * filter INPUT, OUTPUT ─▶ P-FIREWALL ─ to 127.0.0.0/8 from elsewhere, not DNAT ─▶ DROP
 * </pre>
 *
 * <p>Each service chain picks an endpoint at random with {@code statistic} rules whose
 * probabilities make the choice uniform; with ClientIP affinity, {@code recent} rules first send
 * a client back to the endpoint it had. Service traffic is marked for masquerading, so replies
 * come back through this host even when client and endpoint share a bridge, and 127.0.0.1 works
 * as a node address. A service without ready endpoints is rejected (connection refused) rather
 * than left to time out.
 *
 * <p>{@code P} is the agent's chain prefix ({@code CAP-} and a hash of its node name), so two
 * agents on one machine own separate chains. Every sync rewrites all of them in one
 * {@code iptables-restore} transaction and deletes the service chains no longer needed.
 */
final class ProxyRules {

  static final String MASQUERADE_MARK = "0x4000/0x4000";

  private final String prefix;

  ProxyRules(String prefix) {
    this.prefix = prefix;
  }

  /** {@code CAP-} and six hex digits of the node name's hash. */
  static ProxyRules forNode(String nodeName) {
    return new ProxyRules("CAP-" + HostNames.hash(nodeName, 6));
  }

  String prefix() {
    return prefix;
  }

  String services() {
    return prefix + "-SERVICES";
  }

  String nodePorts() {
    return prefix + "-NODEPORTS";
  }

  String postrouting() {
    return prefix + "-POSTROUTING";
  }

  String markMasquerade() {
    return prefix + "-MARK-MASQ";
  }

  String filter() {
    return prefix + "-FILTER";
  }

  /**
   * The chain guarding the host's loopback: node ports on 127.0.0.1 need {@code route_localnet},
   * which also lets packets from elsewhere (a pod, a neighbour) addressed to 127.0.0.0/8 reach
   * whatever listens only on the host's loopback. Like kube-proxy's KUBE-FIREWALL (the
   * CVE-2020-8558 fix), it drops those unless they belong to a connection this proxy rewrote.
   */
  String firewall() {
    return prefix + "-FIREWALL";
  }

  /** The firewall's one rule, in restore syntax. */
  String localnetRule() {
    return "-A " + firewall() + " -m comment --comment \"block incoming localnet connections\""
        + " -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT"
        + " -j DROP";
  }

  /** The chains every sync declares (and so flushes), apart from the per-service ones. */
  List<String> baseNatChains() {
    return List.of(services(), nodePorts(), postrouting(), markMasquerade());
  }

  /**
   * The restore input for these targets.
   *
   * @param existingNatChains this agent's nat chains there are now, so that those no longer
   *     needed are deleted
   */
  String render(List<ServicePortTarget> targets, Set<String> existingNatChains) {
    List<String> chains = new ArrayList<>(baseNatChains());
    List<String> rules = new ArrayList<>();
    List<String> rejects = new ArrayList<>();
    rules.add("-A " + postrouting() + " -m mark ! --mark " + MASQUERADE_MARK + " -j RETURN");
    rules.add("-A " + postrouting() + " -j MARK --xor-mark 0x4000");
    rules.add("-A " + postrouting() + " -j MASQUERADE");
    rules.add("-A " + markMasquerade() + " -j MARK --or-mark 0x4000");
    for (ServicePortTarget target : targets) {
      String proto = target.protocol().toLowerCase(Locale.ROOT);
      String match = "-p " + proto + " -m " + proto;
      String comment = "-m comment --comment \"" + target.displayName() + "\"";
      if (target.endpoints().isEmpty()) {
        rejects.add("-A " + filter() + " -d " + target.clusterIp() + "/32 " + match
            + " --dport " + target.port() + " " + comment
            + " -j REJECT --reject-with icmp-port-unreachable");
        if (target.nodePort() > 0) {
          rejects.add("-A " + filter() + " -m addrtype --dst-type LOCAL " + match
              + " --dport " + target.nodePort() + " " + comment
              + " -j REJECT --reject-with icmp-port-unreachable");
        }
        continue;
      }
      String key = target.displayName() + "/" + target.protocol();
      String serviceChain = prefix + "-SVC-" + HostNames.hash(key, 10).toUpperCase(Locale.ROOT);
      chains.add(serviceChain);
      rules.add("-A " + services() + " -d " + target.clusterIp() + "/32 " + match + " --dport "
          + target.port() + " " + comment + " -j " + serviceChain);
      if (target.nodePort() > 0) {
        rules.add("-A " + nodePorts() + " " + match + " --dport " + target.nodePort() + " "
            + comment + " -j " + serviceChain);
      }
      if (target.loadBalancer()) {
        rules.add("-A " + nodePorts() + " " + match + " --dport " + target.port() + " "
            + comment + " -j " + serviceChain);
      }
      rules.add("-A " + serviceChain + " -j " + markMasquerade());
      List<String> endpointChains = new ArrayList<>();
      for (String endpoint : target.endpoints()) {
        endpointChains.add(prefix + "-SEP-"
            + HostNames.hash(key + "/" + endpoint, 10).toUpperCase(Locale.ROOT));
      }
      chains.addAll(endpointChains);
      if (target.affinitySeconds() > 0) {
        for (String endpointChain : endpointChains) {
          rules.add("-A " + serviceChain + " -m recent --name " + endpointChain
              + " --rcheck --seconds " + target.affinitySeconds() + " --reap -j " + endpointChain);
        }
      }
      int count = endpointChains.size();
      for (int i = 0; i < count; i++) {
        String pick = i == count - 1 ? ""
            : String.format(Locale.ROOT, "-m statistic --mode random --probability %.11f ",
                1.0 / (count - i));
        rules.add("-A " + serviceChain + " " + pick + "-j " + endpointChains.get(i));
      }
      for (int i = 0; i < count; i++) {
        String endpoint = target.endpoints().get(i);
        String remember = target.affinitySeconds() > 0
            ? " -m recent --name " + endpointChains.get(i) + " --set" : "";
        rules.add("-A " + endpointChains.get(i) + " " + match + remember
            + " -j DNAT --to-destination " + endpoint);
      }
    }
    rules.add("-A " + services() + " -m addrtype --dst-type LOCAL -j " + nodePorts());

    StringBuilder out = new StringBuilder("*nat\n");
    Set<String> declared = new LinkedHashSet<>(chains);
    declared.forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
    List<String> stale = existingNatChains.stream()
        .filter(chain -> !declared.contains(chain)).sorted().toList();
    // a chain must be empty before it is deleted, and may only go once nothing jumps to it
    stale.forEach(chain -> out.append(':').append(chain).append(" - [0:0]\n"));
    rules.forEach(rule -> out.append(rule).append('\n'));
    stale.forEach(chain -> out.append("-X ").append(chain).append('\n'));
    out.append("COMMIT\n*filter\n:").append(filter()).append(" - [0:0]\n");
    out.append(':').append(firewall()).append(" - [0:0]\n");
    rejects.forEach(rule -> out.append(rule).append('\n'));
    out.append(localnetRule()).append('\n');
    out.append("COMMIT\n");
    return out.toString();
  }
}
