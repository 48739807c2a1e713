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

/** Restricted: the default /proc masks stay, even in a user namespace. */
final class ProcMountRestricted implements PodSecurityCheck {

  @Override
  public String id() {
    return "procMount_restricted";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  @Override
  public Set<String> overrides() {
    return Set.of(ProcMount.ID);
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    return ProcMount.unmasked(spec);
  }
}
