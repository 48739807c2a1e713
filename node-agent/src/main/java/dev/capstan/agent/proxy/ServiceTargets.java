package dev.capstan.agent.proxy;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns Services and their Endpoints into the {@link ServicePortTarget}s the proxy programs.
 * Endpoints (not EndpointSlices) are read because they carry both what the endpoints controller
 * computes and what users write for services without a selector. Services without a cluster IP
 * (headless, ExternalName) are not proxied.
 */
final class ServiceTargets {

  private static final int DEFAULT_AFFINITY_SECONDS = 10800;

  private ServiceTargets() {}

  static List<ServicePortTarget> of(Collection<Service> services, Collection<Endpoints> endpoints) {
    Map<String, Endpoints> byService = new HashMap<>();
    for (Endpoints e : endpoints) {
      byService.put(e.getMetadata().getNamespace() + "/" + e.getMetadata().getName(), e);
    }
    List<ServicePortTarget> targets = new ArrayList<>();
    for (Service service : services) {
      var spec = service.getSpec();
      if (spec == null || spec.getPorts() == null) {
        continue;
      }
      String clusterIp = spec.getClusterIP();
      if (clusterIp == null || clusterIp.isEmpty() || clusterIp.equals("None")
          || "ExternalName".equals(spec.getType())) {
        continue;
      }
      String namespace = service.getMetadata().getNamespace();
      String name = service.getMetadata().getName();
      int affinity = "ClientIP".equals(spec.getSessionAffinity()) ? affinitySeconds(service) : 0;
      Endpoints serviceEndpoints = byService.get(namespace + "/" + name);
      for (ServicePort port : spec.getPorts()) {
        String portName = Objects.requireNonNullElse(port.getName(), "");
        String protocol = Objects.requireNonNullElse(port.getProtocol(), "TCP");
        targets.add(new ServicePortTarget(namespace, name, portName, protocol, clusterIp,
            port.getPort(), port.getNodePort() == null ? 0 : port.getNodePort(),
            "LoadBalancer".equals(spec.getType()),
            readyEndpoints(serviceEndpoints, portName, protocol), affinity));
      }
    }
    targets.sort(Comparator.comparing(ServicePortTarget::displayName)
        .thenComparing(ServicePortTarget::protocol));
    return targets;
  }

  private static List<String> readyEndpoints(Endpoints endpoints, String portName,
      String protocol) {
    List<String> ready = new ArrayList<>();
    if (endpoints == null || endpoints.getSubsets() == null) {
      return ready;
    }
    for (EndpointSubset subset : endpoints.getSubsets()) {
      if (subset.getAddresses() == null || subset.getPorts() == null) {
        continue;
      }
      for (EndpointPort port : subset.getPorts()) {
        if (!Objects.requireNonNullElse(port.getName(), "").equals(portName)
            || !Objects.requireNonNullElse(port.getProtocol(), "TCP").equals(protocol)) {
          continue;
        }
        for (EndpointAddress address : subset.getAddresses()) {
          ready.add(address.getIp() + ":" + port.getPort());
        }
      }
    }
    ready.sort(Comparator.naturalOrder());
    return ready;
  }

  private static int affinitySeconds(Service service) {
    var config = service.getSpec().getSessionAffinityConfig();
    if (config == null || config.getClientIP() == null
        || config.getClientIP().getTimeoutSeconds() == null) {
      return DEFAULT_AFFINITY_SECONDS;
    }
    return config.getClientIP().getTimeoutSeconds();
  }
}
