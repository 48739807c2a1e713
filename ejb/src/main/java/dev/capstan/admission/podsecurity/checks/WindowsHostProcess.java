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

/** Baseline: no Windows HostProcess pod or container ({@code windowsOptions.hostProcess}). */
final class WindowsHostProcess implements PodSecurityCheck {

  @Override
  public String id() {
    return "windowsHostProcess";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> setters = new ArrayList<>();
    if (isTrue(object(securityContext(spec), "windowsOptions"), "hostProcess")) {
      setters.add("pod");
    }
    List<String> bad = containers(spec).stream()
        .filter(c -> isTrue(object(securityContext(c), "windowsOptions"), "hostProcess"))
        .map(PodFields::name).toList();
    if (!bad.isEmpty()) {
      setters.add(containersNamed(bad));
    }
    if (setters.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckResult("hostProcess", String.join(" and ", setters)
        + " must not set securityContext.windowsOptions.hostProcess=true"));
  }
}
