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
 * Baseline: SELinux types only among the container types, and no custom SELinux user or role.
 */
final class SeLinuxOptions implements PodSecurityCheck {

  private static final Set<String> ALLOWED_TYPES = Set.of("", "container_t", "container_init_t",
      "container_kvm_t", "container_engine_t");

  @Override
  public String id() {
    return "seLinuxOptions";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    Set<String> badTypes = new TreeSet<>();
    boolean[] userRole = new boolean[2];
    List<String> setters = new ArrayList<>();
    if (has(securityContext(spec), "seLinuxOptions")
        && !valid(object(securityContext(spec), "seLinuxOptions"), badTypes, userRole)) {
      setters.add("pod");
    }
    List<String> bad = new ArrayList<>();
    for (JsonObject container : containers(spec)) {
      if (has(securityContext(container), "seLinuxOptions")
          && !valid(object(securityContext(container), "seLinuxOptions"), badTypes, userRole)) {
        bad.add(name(container));
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containersNamed(bad));
    }
    if (setters.isEmpty()) {
      return Optional.empty();
    }
    List<String> data = new ArrayList<>();
    if (!badTypes.isEmpty()) {
      data.add(pluralize("type", "types", badTypes.size()) + " " + joinQuote(badTypes));
    }
    if (userRole[0]) {
      data.add("user may not be set");
    }
    if (userRole[1]) {
      data.add("role may not be set");
    }
    return Optional.of(new CheckResult("seLinuxOptions", String.join(" and ", setters)
        + " set forbidden securityContext.seLinuxOptions: " + String.join("; ", data)));
  }

  private static boolean valid(JsonObject options, Set<String> badTypes, boolean[] userRole) {
    boolean valid = true;
    String type = options.getString("type", "");
    if (!ALLOWED_TYPES.contains(type)) {
      valid = false;
      badTypes.add(type);
    }
    if (!options.getString("user", "").isEmpty()) {
      valid = false;
      userRole[0] = true;
    }
    if (!options.getString("role", "").isEmpty()) {
      valid = false;
      userRole[1] = true;
    }
    return valid;
  }
}
