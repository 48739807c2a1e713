package dev.capstan.admission.podsecurity.checks;

import static dev.capstan.admission.podsecurity.checks.PodFields.*;

import dev.capstan.admission.podsecurity.CheckResult;
import dev.capstan.admission.podsecurity.Level;
import dev.capstan.admission.podsecurity.PodSecurityCheck;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Baseline: the default /proc masks stay ({@code procMount} unset or {@code Default}), unless
 * the pod runs in a user namespace ({@code hostUsers: false}).
 */
final class ProcMount implements PodSecurityCheck {

  static final String ID = "procMount";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    return inUserNamespace(spec) ? Optional.empty() : unmasked(spec);
  }

  /** The check without the user-namespace relaxation (the restricted level's). */
  static Optional<CheckResult> unmasked(JsonObject spec) {
    List<String> bad = new ArrayList<>();
    Set<String> types = new TreeSet<>();
    for (JsonObject container : containers(spec)) {
      if (securityContext(container).get("procMount") instanceof jakarta.json.JsonString type
          && !type.getString().equals("Default")) {
        bad.add(name(container));
        types.add(type.getString());
      }
    }
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult("procMount",
        containersNamed(bad) + " must not set securityContext.procMount to " + joinQuote(types)));
  }
}
