package dev.capstan.api.access;

import dev.capstan.access.User;
import dev.capstan.api.nodes.NodeCredentialService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Node agents' own credentials ({@link NodeCredentialService}): {@code system:node:<name>} in
 * {@code system:nodes}, while the credential is unexpired; what the x509 client-certificate
 * authenticator is to a kubelet's certificate in kube-apiserver.
 */
@ApplicationScoped
public class NodeCredentialAuthenticator implements Authenticator {

  @Inject
  private NodeCredentialService credentials;

  @Override
  public Optional<User> authenticate(String bearerToken) {
    return credentials.authenticate(bearerToken);
  }
}
