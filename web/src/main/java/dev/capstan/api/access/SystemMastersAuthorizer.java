package dev.capstan.api.access;

import dev.capstan.access.User;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Members of {@code system:masters} may do everything, whatever RBAC says (kube-apiserver's
 * privileged group authorizer, which runs before every configured mode).
 */
@ApplicationScoped
public class SystemMastersAuthorizer implements Authorizer {

  @Override
  public int order() {
    return 0;
  }

  @Override
  public Decision authorize(User user, RequestInfo request) {
    return user.inGroup(User.MASTERS) ? Decision.allow("") : Decision.noOpinion("");
  }
}
