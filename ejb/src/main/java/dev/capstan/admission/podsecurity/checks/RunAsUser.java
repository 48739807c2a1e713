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
 * Restricted: neither the pod nor a container sets {@code runAsUser: 0}; relaxed for pods in a
 * user namespace.
 */
final class RunAsUser implements PodSecurityCheck {

  @Override
  public String id() {
    return "runAsUser";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  private static boolean root(JsonObject context) {
    return context.get("runAsUser") instanceof jakarta.json.JsonNumber user
        && user.longValue() == 0;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    if (inUserNamespace(spec)) {
      return Optional.empty();
    }
    List<String> setters = new ArrayList<>();
    if (root(securityContext(spec))) {
      setters.add("pod");
    }
    List<String> bad = containers(spec).stream().filter(c -> root(securityContext(c)))
        .map(PodFields::name).toList();
    if (!bad.isEmpty()) {
      setters.add(containersNamed(bad));
    }
    return setters.isEmpty() ? Optional.empty() : Optional.of(new CheckResult("runAsUser=0",
        String.join(" and ", setters) + " must not set runAsUser=0"));
  }
}
