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

/** Baseline: containers add no capability beyond the container runtime's default set. */
final class CapabilitiesBaseline implements PodSecurityCheck {

  static final String ID = "capabilities_baseline";
  private static final Set<String> ALLOWED = Set.of("AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE",
      "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP",
      "SETUID", "SYS_CHROOT");

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
    List<String> bad = new ArrayList<>();
    Set<String> added = new TreeSet<>();
    for (JsonObject container : containers(spec)) {
      List<String> forbidden = strings(object(securityContext(container), "capabilities"), "add")
          .stream().filter(c -> !ALLOWED.contains(c)).toList();
      if (!forbidden.isEmpty()) {
        bad.add(name(container));
        added.addAll(forbidden);
      }
    }
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult(
        "non-default capabilities", containersNamed(bad) + " must not include "
            + joinQuote(added) + " in securityContext.capabilities.add"));
  }
}
