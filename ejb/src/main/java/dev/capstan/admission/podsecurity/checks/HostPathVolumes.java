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

/** Baseline: no hostPath volume. */
final class HostPathVolumes implements PodSecurityCheck {

  static final String ID = "hostPathVolumes";

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
    List<String> bad = objects(spec, "volumes").stream().filter(v -> has(v, "hostPath"))
        .map(PodFields::name).toList();
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult("hostPath volumes",
        pluralize("volume", "volumes", bad.size()) + " " + joinQuote(bad)));
  }
}
