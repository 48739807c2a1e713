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
 * Restricted: the pod or every container sets a seccomp profile of type {@code RuntimeDefault}
 * or {@code Localhost} (not Windows pods). Replaces the baseline seccomp check.
 */
final class SeccompProfileRestricted implements PodSecurityCheck {

  @Override
  public String id() {
    return "seccompProfile_restricted";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  @Override
  public Set<String> overrides() {
    return Set.of(SeccompProfileBaseline.ID);
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    if (windows(spec)) {
      return Optional.empty();
    }
    List<String> setters = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    boolean podSet = false;
    if (has(securityContext(spec), "seccompProfile")) {
      String type = object(securityContext(spec), "seccompProfile").getString("type", "");
      if (SeccompProfileBaseline.valid(type)) {
        podSet = true;
      } else {
        setters.add("pod");
        values.add(type);
      }
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonObject container : containers(spec)) {
      if (has(securityContext(container), "seccompProfile")) {
        String type = object(securityContext(container), "seccompProfile").getString("type", "");
        if (!SeccompProfileBaseline.valid(type)) {
          explicit.add(name(container));
          values.add(type);
        }
      } else if (!podSet) {
        implicit.add(name(container));
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containersNamed(explicit));
    }
    if (!setters.isEmpty()) {
      return Optional.of(new CheckResult("seccompProfile", String.join(" and ", setters)
          + " must not set securityContext.seccompProfile.type to " + joinQuote(values)));
    }
    if (!implicit.isEmpty()) {
      return Optional.of(new CheckResult("seccompProfile", "pod or " + containersNamed(implicit)
          + " must set securityContext.seccompProfile.type to \"RuntimeDefault\" or"
          + " \"Localhost\""));
    }
    return Optional.empty();
  }
}
