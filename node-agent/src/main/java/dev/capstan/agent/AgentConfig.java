package dev.capstan.agent;

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
 * @param kubeletPort the port of the agent's own endpoint (logs), Kubernetes' 10250
 * @param kubeletClientToken the token the control plane presents to that endpoint; empty
 *     refuses every request
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
    Optional<String> kubeletClientToken,
    Optional<Path> staticPodDir) {

  public static final String DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.10";

  /**
   * Reads the configuration from environment variables: {@code CAPSTAN_API_SERVER},
   * {@code CAPSTAN_TOKEN} or {@code CAPSTAN_TOKEN_FILE}, {@code CAPSTAN_CA_FILE},
   * {@code CAPSTAN_INSECURE}, {@code CAPSTAN_NODE_NAME}, {@code CAPSTAN_NODE_IP},
   * {@code DOCKER_HOST}, {@code CAPSTAN_MESSAGING_URL}, {@code CAPSTAN_MESSAGING_USER},
   * {@code CAPSTAN_MESSAGING_PASSWORD} or {@code CAPSTAN_MESSAGING_PASSWORD_FILE},
   * {@code CAPSTAN_SANDBOX_IMAGE}, {@code CAPSTAN_AGENT_DIR}, {@code CAPSTAN_MAX_PODS},
   * {@code CAPSTAN_KUBELET_PORT}, {@code CAPSTAN_KUBELET_CLIENT_TOKEN} or
   * {@code CAPSTAN_KUBELET_CLIENT_TOKEN_FILE}, {@code CAPSTAN_STATIC_POD_DIR}.
   *
   * @throws IllegalArgumentException naming the first setting that is missing or wrong
   */
  public static AgentConfig fromEnvironment(Map<String, String> env) {
    String apiServer = required(env, "CAPSTAN_API_SERVER");
    String token = secret(env, "CAPSTAN_TOKEN")
        .orElseThrow(() -> new IllegalArgumentException(
            "set CAPSTAN_TOKEN or CAPSTAN_TOKEN_FILE to this node's API token"));
    String nodeName = optional(env, "CAPSTAN_NODE_NAME").orElseGet(AgentConfig::hostName);
    return new AgentConfig(
        apiServer,
        token,
        optional(env, "CAPSTAN_CA_FILE").map(Path::of),
        Boolean.parseBoolean(env.getOrDefault("CAPSTAN_INSECURE", "false")),
        nodeName,
        optional(env, "CAPSTAN_NODE_IP").orElseGet(NodeAddresses::internalIp),
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
        secret(env, "CAPSTAN_KUBELET_CLIENT_TOKEN"),
        optional(env, "CAPSTAN_STATIC_POD_DIR").map(Path::of));
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
