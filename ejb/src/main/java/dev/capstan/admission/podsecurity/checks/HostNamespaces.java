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

/** Baseline: no sharing of the host's network, PID or IPC namespace. */
final class HostNamespaces implements PodSecurityCheck {

  @Override
  public String id() {
    return "hostNamespaces";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> shared = new ArrayList<>();
    for (String field : List.of("hostNetwork", "hostPID", "hostIPC")) {
      if (isTrue(spec, field)) {
        shared.add(field + "=true");
      }
    }
    return shared.isEmpty() ? Optional.empty()
        : Optional.of(new CheckResult("host namespaces", String.join(", ", shared)));
  }
}
