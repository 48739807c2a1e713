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
 * Baseline: a seccomp profile, where one is set, is the runtime's default or a local one, never
 * {@code Unconfined}.
 */
final class SeccompProfileBaseline implements PodSecurityCheck {

  static final String ID = "seccompProfile_baseline";

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  static boolean valid(String type) {
    return type.equals("RuntimeDefault") || type.equals("Localhost");
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> setters = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    if (has(securityContext(spec), "seccompProfile")) {
      String type = object(securityContext(spec), "seccompProfile").getString("type", "");
      if (!valid(type)) {
        setters.add("pod");
        values.add(type);
      }
    }
    List<String> bad = new ArrayList<>();
    for (JsonObject container : containers(spec)) {
      if (has(securityContext(container), "seccompProfile")) {
        String type = object(securityContext(container), "seccompProfile").getString("type", "");
        if (!valid(type)) {
          bad.add(name(container));
          values.add(type);
        }
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containersNamed(bad));
    }
    return setters.isEmpty() ? Optional.empty() : Optional.of(new CheckResult("seccompProfile",
        String.join(" and ", setters) + " must not set securityContext.seccompProfile.type to "
            + joinQuote(values)));
  }
}
