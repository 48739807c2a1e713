package dev.capstan.agent;

import dev.capstan.agent.server.ServingTls;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * What a node agent needs to know: where the API is and how to authenticate, which node it is,
 * which Docker engine runs its pods, and where the control plane's work messages come from.
 *
 * @param apiServer the API's base URL, e.g. {@code https://127.0.0.1:8443}
 * @param token the bearer token of this node
 * @param caFile the CA that signed the API's certificate; empty to trust the JVM's CAs
 * @param insecure trust any certificate (tests against a throw-away CA)
 * @param nodeName this node's name (unique in the cluster; also labels its containers)
 * @param nodeIp the address other machines reach this node at
 * @param dockerHost the Docker engine, e.g. {@code unix:///var/run/docker.sock}
 * @param messagingUrl the control plane's Artemis broker; empty to rely on resyncs alone
 * @param messagingUser the broker user (subscribe-only)
 * @param messagingPassword its password
 * @param sandboxImage the image of each pod's sandbox container, which holds its network
 * @param agentDir where pod volumes live on this machine (Docker must see the same paths)
 * @param maxPods how many pods the node takes (Kubernetes' default 110)
 * @param resyncInterval how often every pod is looked at again, messages or not
 * @param statusInterval how often the node's status and lease are renewed
 * @param kubeletPort the port of the agent's own endpoint (logs, exec, attach, port-forward),
 *     Kubernetes' 10250
 * @param servingTls its address, serving certificate and client CA; empty serves no endpoint
 * @param staticPodDir a directory of pod manifests this node runs on its own (kubelet's
 *     staticPodPath); empty for none
 */
public record AgentConfig(
    String apiServer,
    String token,
    Optional<Path> caFile,
    boolean insecure,
    String nodeName,
    String nodeIp,
    String dockerHost,
    Optional<String> messagingUrl,
    String messagingUser,
    String messagingPassword,
    String sandboxImage,
    Path agentDir,
    int maxPods,
    Duration resyncInterval,
    Duration statusInterval,
    int kubeletPort,
    Optional<ServingTls> servingTls,
    Optional<Path> staticPodDir) {

  public static final String DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.10";

  /**
   * Reads the configuration from environment variables: {@code CAPSTAN_API_SERVER},
   * {@code CAPSTAN_TOKEN} or {@code CAPSTAN_TOKEN_FILE}, {@code CAPSTAN_CA_FILE},
   * {@code CAPSTAN_INSECURE}, {@code CAPSTAN_NODE_NAME}, {@code CAPSTAN_NODE_IP},
   * {@code DOCKER_HOST}, {@code CAPSTAN_MESSAGING_URL}, {@code CAPSTAN_MESSAGING_USER},
   * {@code CAPSTAN_MESSAGING_PASSWORD} or {@code CAPSTAN_MESSAGING_PASSWORD_FILE},
   * {@code CAPSTAN_SANDBOX_IMAGE}, {@code CAPSTAN_AGENT_DIR}, {@code CAPSTAN_MAX_PODS},
   * {@code CAPSTAN_KUBELET_PORT}, {@code CAPSTAN_TLS_CERT_FILE} and
   * {@code CAPSTAN_TLS_PRIVATE_KEY_FILE} (the endpoint's serving certificate; without them it is
   * not served), {@code CAPSTAN_CLIENT_CA_FILE} (default {@code CAPSTAN_CA_FILE}),
   * {@code CAPSTAN_ADDRESS} (where the endpoint listens; default the node's address),
   * {@code CAPSTAN_STATIC_POD_DIR}.
   *
   * @throws IllegalArgumentException naming the first setting that is missing or wrong
   */
  public static AgentConfig fromEnvironment(Map<String, String> env) {
    String apiServer = required(env, "CAPSTAN_API_SERVER");
    String token = secret(env, "CAPSTAN_TOKEN")
        .orElseThrow(() -> new IllegalArgumentException(
            "set CAPSTAN_TOKEN or CAPSTAN_TOKEN_FILE to this node's API token"));
    String nodeName = optional(env, "CAPSTAN_NODE_NAME").orElseGet(AgentConfig::hostName);
    String nodeIp = optional(env, "CAPSTAN_NODE_IP").orElseGet(NodeAddresses::internalIp);
    Optional<ServingTls> servingTls = servingTls(env, nodeIp);
    return new AgentConfig(
        apiServer,
        token,
        optional(env, "CAPSTAN_CA_FILE").map(Path::of),
        Boolean.parseBoolean(env.getOrDefault("CAPSTAN_INSECURE", "false")),
        nodeName,
        nodeIp,
        optional(env, "DOCKER_HOST").orElse("unix:///var/run/docker.sock"),
        optional(env, "CAPSTAN_MESSAGING_URL"),
        env.getOrDefault("CAPSTAN_MESSAGING_USER", "capstan-agent"),
        secret(env, "CAPSTAN_MESSAGING_PASSWORD").orElse(""),
        optional(env, "CAPSTAN_SANDBOX_IMAGE").orElse(DEFAULT_SANDBOX_IMAGE),
        optional(env, "CAPSTAN_AGENT_DIR").map(Path::of)
            .orElse(Path.of("/var/lib/capstan-agent", nodeName)),
        Integer.parseInt(env.getOrDefault("CAPSTAN_MAX_PODS", "110")),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Integer.parseInt(env.getOrDefault("CAPSTAN_KUBELET_PORT", "10250")),
        servingTls,
        optional(env, "CAPSTAN_STATIC_POD_DIR").map(Path::of));
  }

  private static Optional<ServingTls> servingTls(Map<String, String> env, String nodeIp) {
    Optional<String> certificate = optional(env, "CAPSTAN_TLS_CERT_FILE");
    Optional<String> key = optional(env, "CAPSTAN_TLS_PRIVATE_KEY_FILE");
    if (certificate.isEmpty() && key.isEmpty()) {
      return Optional.empty();
    }
    String clientCa = optional(env, "CAPSTAN_CLIENT_CA_FILE").or(() -> optional(env,
        "CAPSTAN_CA_FILE")).orElseThrow(() -> new IllegalArgumentException(
            "set CAPSTAN_CLIENT_CA_FILE (or CAPSTAN_CA_FILE) to the CA of the API server's client"
                + " certificate"));
    String address = optional(env, "CAPSTAN_ADDRESS").orElse(nodeIp);
    if (address.equals("0.0.0.0") || address.equals("::")) {
      throw new IllegalArgumentException("CAPSTAN_ADDRESS must be one of the node's addresses,"
          + " not " + address + " (all interfaces)");
    }
    return Optional.of(new ServingTls(address,
        Path.of(certificate.orElseThrow(() -> new IllegalArgumentException(
            "set CAPSTAN_TLS_CERT_FILE with CAPSTAN_TLS_PRIVATE_KEY_FILE"))),
        Path.of(key.orElseThrow(() -> new IllegalArgumentException(
            "set CAPSTAN_TLS_PRIVATE_KEY_FILE with CAPSTAN_TLS_CERT_FILE"))),
        Path.of(clientCa)));
  }

  private static String required(Map<String, String> env, String name) {
    return optional(env, name).orElseThrow(() -> new IllegalArgumentException("set " + name));
  }

  private static Optional<String> optional(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  /** {@code NAME}, or the first line of the file {@code NAME_FILE}. */
  private static Optional<String> secret(Map<String, String> env, String name) {
    Optional<String> direct = optional(env, name);
    if (direct.isPresent()) {
      return direct;
    }
    return optional(env, name + "_FILE").map(file -> {
      try {
        return Files.readString(Path.of(file)).trim();
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + name + "_FILE " + file + ": " + e);
      }
    });
  }

  static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase().split("\\.")[0];
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
