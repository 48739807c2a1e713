package dev.capstan.agent.server;

import java.nio.file.Path;

/**
 * How the agent's endpoint (kubelet's port 10250) is served: on one address only (kubelet's
 * {@code --address}, here the node's own address, never all interfaces), over TLS with a serving
 * certificate the installation's CA issued for the node's name and addresses (kubelet's
 * {@code --tls-cert-file}, {@code --tls-private-key-file}), to clients whose certificate that CA
 * signed ({@code --client-ca-file}).
 *
 * @param address the address to listen on, e.g. the node's InternalIP
 * @param certificateFile the serving certificate (PEM, chain allowed)
 * @param keyFile its PKCS#8 private key (PEM)
 * @param clientCaFile the CA client certificates must chain to
 */
public record ServingTls(String address, Path certificateFile, Path keyFile, Path clientCaFile) {}
