package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodDNSConfig;
import io.fabric8.kubernetes.api.model.PodDNSConfigOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's {@code resolv.conf}, as the kubelet writes it for its {@code dnsPolicy}:
 * ClusterFirst (the default) names the cluster DNS with the search path
 * {@code <namespace>.svc.<domain> svc.<domain> <domain>} and {@code ndots:5}; Default keeps the
 * machine's; None takes only {@code dnsConfig}; {@code dnsConfig} adds its nameservers, searches
 * and options to the others. Pods on the host network use ClusterFirstWithHostNet to get the
 * cluster DNS, as in Kubernetes. Empty lists leave Docker's default in place.
 *
 * @param nameservers the nameserver addresses
 * @param searches the search domains
 * @param options options such as {@code ndots:5}
 */
record PodDns(List<String> nameservers, List<String> searches, List<String> options) {

  static PodDns of(Pod pod, Optional<String> clusterDns, String domain) {
    String policy = Optional.ofNullable(pod.getSpec().getDnsPolicy()).orElse("ClusterFirst");
    boolean hostNetwork = Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    List<String> nameservers = new ArrayList<>();
    List<String> searches = new ArrayList<>();
    Map<String, String> options = new LinkedHashMap<>();
    boolean cluster = clusterDns.isPresent() && (policy.equals("ClusterFirstWithHostNet")
        || policy.equals("ClusterFirst") && !hostNetwork);
    if (cluster) {
      String namespace = pod.getMetadata().getNamespace();
      nameservers.add(clusterDns.get());
      searches.addAll(List.of(namespace + ".svc." + domain, "svc." + domain, domain));
      options.put("ndots", "5");
    }
    PodDNSConfig config = pod.getSpec().getDnsConfig();
    if (config != null) {
      EnvResolver.orEmpty(config.getNameservers()).forEach(nameservers::add);
      EnvResolver.orEmpty(config.getSearches()).forEach(searches::add);
      for (PodDNSConfigOption option : EnvResolver.orEmpty(config.getOptions())) {
        options.put(option.getName(), option.getValue());
      }
    }
    List<String> optionList = new ArrayList<>();
    options.forEach((name, value) -> optionList.add(value == null ? name : name + ":" + value));
    return new PodDns(nameservers, searches, optionList);
  }
}
