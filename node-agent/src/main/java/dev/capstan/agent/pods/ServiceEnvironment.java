package dev.capstan.agent.pods;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The service discovery variables the kubelet gives every container, Docker-links style, for
 * the services that exist when it starts: for a service {@code node-js} at 10.96.0.12 with port
 * 80/TCP, {@code NODE_JS_SERVICE_HOST=10.96.0.12}, {@code NODE_JS_SERVICE_PORT=80},
 * {@code NODE_JS_PORT=tcp://10.96.0.12:80}, {@code NODE_JS_PORT_80_TCP=tcp://10.96.0.12:80} and its
 * {@code _PROTO}, {@code _PORT} and {@code _ADDR}; named ports add
 * {@code NODE_JS_SERVICE_PORT_<NAME>}. Services without a cluster IP (headless, ExternalName)
 * have none.
 */
final class ServiceEnvironment {

  private ServiceEnvironment() {}

  /** The variables for these services, later services winning a name both define. */
  static Map<String, String> of(List<Service> services) {
    Map<String, String> env = new LinkedHashMap<>();
    for (Service service : services) {
      String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
      List<ServicePort> ports = service.getSpec() == null ? null : service.getSpec().getPorts();
      if (ip == null || ip.isEmpty() || ip.equals("None") || ports == null || ports.isEmpty()) {
        continue;
      }
      String prefix = variableName(service.getMetadata().getName());
      env.put(prefix + "_SERVICE_HOST", ip);
      env.put(prefix + "_SERVICE_PORT", Integer.toString(ports.get(0).getPort()));
      for (ServicePort port : ports) {
        if (port.getName() != null && !port.getName().isEmpty()) {
          env.put(prefix + "_SERVICE_PORT_" + variableName(port.getName()),
              Integer.toString(port.getPort()));
        }
      }
      for (int i = 0; i < ports.size(); i++) {
        ServicePort port = ports.get(i);
        String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
        String url = protocol.toLowerCase(Locale.ROOT) + "://" + ip + ":" + port.getPort();
        if (i == 0) {
          env.put(prefix + "_PORT", url);
        }
        String portPrefix = prefix + "_PORT_" + port.getPort() + "_"
            + protocol.toUpperCase(Locale.ROOT);
        env.put(portPrefix, url);
        env.put(portPrefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
        env.put(portPrefix + "_PORT", Integer.toString(port.getPort()));
        env.put(portPrefix + "_ADDR", ip);
      }
    }
    return env;
  }

  private static String variableName(String name) {
    return name.replace('-', '_').toUpperCase(Locale.ROOT);
  }
}
