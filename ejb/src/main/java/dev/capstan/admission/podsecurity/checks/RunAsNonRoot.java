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
 * Restricted: the pod or every container sets {@code runAsNonRoot: true}, and none sets it
 * false; relaxed for pods in a user namespace ({@code hostUsers: false}).
 */
final class RunAsNonRoot implements PodSecurityCheck {

  @Override
  public String id() {
    return "runAsNonRoot";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    if (inUserNamespace(spec)) {
      return Optional.empty();
    }
    List<String> setters = new ArrayList<>();
    boolean podNonRoot = isTrue(securityContext(spec), "runAsNonRoot");
    if (isFalse(securityContext(spec), "runAsNonRoot")) {
      setters.add("pod");
    }
    List<String> explicit = new ArrayList<>();
    List<String> implicit = new ArrayList<>();
    for (JsonObject container : containers(spec)) {
      JsonObject context = securityContext(container);
      if (isFalse(context, "runAsNonRoot")) {
        explicit.add(name(container));
      } else if (!isTrue(context, "runAsNonRoot") && !podNonRoot) {
        implicit.add(name(container));
      }
    }
    if (!explicit.isEmpty()) {
      setters.add(containersNamed(explicit));
    }
    if (!setters.isEmpty()) {
      return Optional.of(new CheckResult("runAsNonRoot != true", String.join(" and ", setters)
          + " must not set securityContext.runAsNonRoot=false"));
    }
    if (!implicit.isEmpty()) {
      return Optional.of(new CheckResult("runAsNonRoot != true", "pod or "
          + containersNamed(implicit) + " must set securityContext.runAsNonRoot=true"));
    }
    return Optional.empty();
  }
}
