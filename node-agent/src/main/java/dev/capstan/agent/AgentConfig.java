package dev.capstan.agent;

import dev.capstan.agent.credentials.CredentialFile;
import dev.capstan.agent.server.ServingTls;
import dev.capstan.contract.Topics;
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
 * @param token a credential of this node given outright; empty when it keeps its own
 * @param caFile the CA that signed the API's certificate; empty to trust the JVM's CAs
 * @param insecure trust any certificate (tests against a throw-away CA)
 * @param nodeName this node's name (unique in the cluster; also labels its containers)
 * @param nodeIp the address other machines reach this node at
 * @param dockerHost the Docker engine, e.g. {@code unix:///var/run/docker.sock}
 * @param messagingUrl the control plane's Artemis broker; empty to rely on resyncs alone
 * @param messagingUser the node's own broker user, which may consume its node's work alone
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
 * @param bootstrapToken the token that may ask for this node's credential (the kubelet's
 *     bootstrap kubeconfig); with it, or without {@code token}, the agent keeps its own
 *     credential in {@code agentDir/pki/node-token} and renews it
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
    Optional<Path> staticPodDir,
    Optional<String> bootstrapToken) {

  public static final String DEFAULT_SANDBOX_IMAGE = "registry.k8s.io/pause:3.10";

  /** A configuration with a credential given outright (no bootstrap token). */
  public AgentConfig(String apiServer, String token, Optional<Path> caFile, boolean insecure,
      String nodeName, String nodeIp, String dockerHost, Optional<String> messagingUrl,
      String messagingUser, String messagingPassword, String sandboxImage, Path agentDir,
      int maxPods, Duration resyncInterval, Duration statusInterval, int kubeletPort,
      Optional<ServingTls> servingTls, Optional<Path> staticPodDir) {
    this(apiServer, token, caFile, insecure, nodeName, nodeIp, dockerHost, messagingUrl,
        messagingUser, messagingPassword, sandboxImage, agentDir, maxPods, resyncInterval,
        statusInterval, kubeletPort, servingTls, staticPodDir, Optional.empty());
  }

  /**
   * Reads the configuration from environment variables: {@code CAPSTAN_API_SERVER},
   * {@code CAPSTAN_BOOTSTRAP_TOKEN} or {@code CAPSTAN_BOOTSTRAP_TOKEN_FILE} (the agent then keeps
   * and renews its own credential), or {@code CAPSTAN_TOKEN} or {@code CAPSTAN_TOKEN_FILE} (a
   * credential given outright), {@code CAPSTAN_CA_FILE},
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
    String nodeName = optional(env, "CAPSTAN_NODE_NAME").orElseGet(AgentConfig::hostName);
    Path agentDir = optional(env, "CAPSTAN_AGENT_DIR").map(Path::of)
        .orElse(Path.of("/var/lib/capstan-agent", nodeName));
    Optional<String> bootstrapToken = secret(env, "CAPSTAN_BOOTSTRAP_TOKEN");
    // a credential kept from an earlier run will do without either
    String token = secret(env, "CAPSTAN_TOKEN").orElse("");
    if (token.isEmpty() && bootstrapToken.isEmpty()
        && !Files.exists(CredentialFile.in(agentDir).path())) {
      throw new IllegalArgumentException("set CAPSTAN_BOOTSTRAP_TOKEN_FILE to this node's"
          + " bootstrap token (or CAPSTAN_TOKEN_FILE to a credential of its own)");
    }
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
        env.getOrDefault("CAPSTAN_MESSAGING_USER", Topics.nodeBrokerUser(nodeName)),
        secret(env, "CAPSTAN_MESSAGING_PASSWORD").orElse(""),
        optional(env, "CAPSTAN_SANDBOX_IMAGE").orElse(DEFAULT_SANDBOX_IMAGE),
        agentDir,
        Integer.parseInt(env.getOrDefault("CAPSTAN_MAX_PODS", "110")),
        Duration.ofSeconds(10),
        Duration.ofSeconds(10),
        Integer.parseInt(env.getOrDefault("CAPSTAN_KUBELET_PORT", "10250")),
        servingTls,
        optional(env, "CAPSTAN_STATIC_POD_DIR").map(Path::of),
        bootstrapToken);
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
