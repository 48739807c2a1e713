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
 * Restricted: every container drops {@code ALL} capabilities and adds back none but
 * {@code NET_BIND_SERVICE} (not Windows pods). Replaces the baseline capabilities check.
 */
final class CapabilitiesRestricted implements PodSecurityCheck {

  @Override
  public String id() {
    return "capabilities_restricted";
  }

  @Override
  public Level level() {
    return Level.RESTRICTED;
  }

  @Override
  public Set<String> overrides() {
    return Set.of(CapabilitiesBaseline.ID);
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    if (windows(spec)) {
      return Optional.empty();
    }
    List<String> missingDropAll = new ArrayList<>();
    List<String> adding = new ArrayList<>();
    Set<String> forbidden = new TreeSet<>();
    for (JsonObject container : containers(spec)) {
      if (!has(securityContext(container), "capabilities")) {
        missingDropAll.add(name(container));
        continue;
      }
      JsonObject capabilities = object(securityContext(container), "capabilities");
      if (!strings(capabilities, "drop").contains("ALL")) {
        missingDropAll.add(name(container));
      }
      List<String> added = strings(capabilities, "add").stream()
          .filter(c -> !c.equals("NET_BIND_SERVICE")).toList();
      if (!added.isEmpty()) {
        adding.add(name(container));
        forbidden.addAll(added);
      }
    }
    List<String> details = new ArrayList<>();
    if (!missingDropAll.isEmpty()) {
      details.add(containersNamed(missingDropAll)
          + " must set securityContext.capabilities.drop=[\"ALL\"]");
    }
    if (!adding.isEmpty()) {
      details.add(containersNamed(adding) + " must not include " + joinQuote(forbidden)
          + " in securityContext.capabilities.add");
    }
    return details.isEmpty() ? Optional.empty()
        : Optional.of(new CheckResult("unrestricted capabilities", String.join("; ", details)));
  }
}
