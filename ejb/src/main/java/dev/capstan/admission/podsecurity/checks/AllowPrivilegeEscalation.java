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

/** Restricted: every container sets {@code allowPrivilegeEscalation: false} (not Windows pods). */
final class AllowPrivilegeEscalation implements PodSecurityCheck {

  @Override
  public String id() {
    return "allowPrivilegeEscalation";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    if (windows(spec)) {
      return Optional.empty();
    }
    List<String> bad = containers(spec).stream()
        .filter(c -> !isFalse(securityContext(c), "allowPrivilegeEscalation"))
        .map(PodFields::name).toList();
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult(
        "allowPrivilegeEscalation != false",
        containersNamed(bad) + " must set securityContext.allowPrivilegeEscalation=false"));
  }
}
