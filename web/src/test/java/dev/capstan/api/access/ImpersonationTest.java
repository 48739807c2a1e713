package dev.capstan.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.access.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ImpersonationTest {

  private static final User BOB = new User("bob", "", List.of(User.AUTHENTICATED));

  /** Records what was asked; allows only what {@code allowed} names (resource/name). */
  private static final class Recorder {
    final List<RequestInfo> asked = new ArrayList<>();
    final List<String> allowed;

    Recorder(String... allowed) {
      this.allowed = List.of(allowed);
    }

    Decision authorize(User user, RequestInfo request) {
      asked.add(request);
      return allowed.contains(request.resourceWithSubresource() + "/" + request.name())
          ? Decision.allow("") : Decision.noOpinion("");
    }
  }

  private static Impersonation.Outcome run(Recorder recorder, Map<String, List<String>> headers) {
    Impersonation.Headers view = new Impersonation.Headers() {
      @Override
      public String get(String name) {
        return Optional.ofNullable(headers.get(name)).map(v -> v.get(0)).orElse(null);
      }

      @Override
      public List<String> all(String name) {
        return headers.getOrDefault(name, List.of());
      }

      @Override
      public List<String> names() {
        return List.copyOf(headers.keySet());
      }
    };
    return Impersonation.impersonate(BOB, view, "/api/v1/pods", recorder::authorize);
  }

  @Test
  void aServiceAccountIsCheckedInItsNamespaceAndGetsItsGroups() {
    Recorder recorder = new Recorder("serviceaccounts/reader");

    Impersonation.Outcome outcome = run(recorder,
        Map.of("Impersonate-User", List.of("system:serviceaccount:team-a:reader")));

    assertThat(recorder.asked).singleElement().satisfies(check -> {
      assertThat(check.verb()).isEqualTo("impersonate");
      assertThat(check.namespace()).isEqualTo("team-a");
      assertThat(check.apiGroup()).isEmpty();
    });
    assertThat(outcome.user().name()).isEqualTo("system:serviceaccount:team-a:reader");
    assertThat(outcome.user().groups()).containsExactly("system:serviceaccounts",
        "system:serviceaccounts:team-a", User.AUTHENTICATED);
  }

  @Test
  void everyGroupUidAndExtraIsCheckedAndOneRefusalRefusesAll() {
    Recorder recorder = new Recorder("users/jane", "groups/devs", "uids/1234",
        "userextras/scopes/view");

    Impersonation.Outcome allowed = run(recorder, Map.of("Impersonate-User", List.of("jane"),
        "Impersonate-Group", List.of("devs"), "Impersonate-Uid", List.of("1234"),
        "Impersonate-Extra-Scopes", List.of("view")));

    assertThat(allowed.user()).isEqualTo(new User("jane", "1234",
        List.of("devs", User.AUTHENTICATED), Map.of("scopes", List.of("view"))));
    Impersonation.Outcome refused = run(new Recorder("users/jane"), Map.of(
        "Impersonate-User", List.of("jane"), "Impersonate-Group", List.of("system:masters")));
    assertThat(refused.user()).isNull();
    assertThat(refused.refusal().getString("message")).isEqualTo("groups \"system:masters\" is"
        + " forbidden: User \"bob\" cannot impersonate resource \"groups\" in API group \"\" at"
        + " the cluster scope");
    assertThat(refused.refusal().getInt("code")).isEqualTo(403);
  }

  @Test
  void groupsWithoutAUserAreAnError() {
    Impersonation.Outcome outcome = run(new Recorder(),
        Map.of("Impersonate-Group", List.of("devs")));

    assertThat(outcome.user()).isNull();
    assertThat(outcome.refusal().getInt("code")).isEqualTo(500);
  }
}
