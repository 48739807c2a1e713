package dev.capstan.api.serviceaccounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.access.User;
import dev.capstan.access.tokens.TokenClaims;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceAccountUserTest {

  @Test
  void aPodBoundTokenNamesTheAccountItsGroupsAndThePod() {
    TokenClaims claims = new TokenClaims("https://kubernetes.default.svc.cluster.local",
        List.of("https://kubernetes.default.svc.cluster.local"), Instant.EPOCH,
        Instant.EPOCH.plusSeconds(3607), "4b1c", "team-a",
        new TokenClaims.Ref("reader", "sa-uid"), Optional.of(new TokenClaims.Ref("web-0", "p-uid")),
        Optional.empty(), Optional.of(new TokenClaims.Ref("worker-1", "n-uid")));

    User user = ServiceAccountTokenService.userOf(claims);

    assertThat(user.name()).isEqualTo("system:serviceaccount:team-a:reader");
    assertThat(user.uid()).isEqualTo("sa-uid");
    assertThat(user.groups()).containsExactly("system:serviceaccounts",
        "system:serviceaccounts:team-a");
    assertThat(user.extra()).isEqualTo(Map.of(
        "authentication.kubernetes.io/pod-name", List.of("web-0"),
        "authentication.kubernetes.io/pod-uid", List.of("p-uid"),
        "authentication.kubernetes.io/node-name", List.of("worker-1"),
        "authentication.kubernetes.io/node-uid", List.of("n-uid"),
        "authentication.kubernetes.io/credential-id", List.of("JTI=4b1c")));
  }
}
