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

/** Baseline: no privileged container. */
final class Privileged implements PodSecurityCheck {

  @Override
  public String id() {
    return "privileged";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> bad = containers(spec).stream()
        .filter(c -> isTrue(securityContext(c), "privileged")).map(PodFields::name).toList();
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult("privileged",
        containersNamed(bad) + " must not set securityContext.privileged=true"));
  }
}
