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

/** Baseline: no container port bound on the host ({@code hostPort}). */
final class HostPorts implements PodSecurityCheck {

  @Override
  public String id() {
    return "hostPorts";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> bad = new ArrayList<>();
    Set<String> ports = new TreeSet<>();
    for (JsonObject container : containers(spec)) {
      boolean uses = false;
      for (JsonObject port : objects(container, "ports")) {
        int hostPort = port.getInt("hostPort", 0);
        if (hostPort != 0) {
          uses = true;
          ports.add(Integer.toString(hostPort));
        }
      }
      if (uses) {
        bad.add(name(container));
      }
    }
    // Kubernetes sorts the ports as strings
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult("hostPort",
        containersNamed(bad) + " " + pluralize("uses", "use", bad.size()) + " "
            + pluralize("hostPort", "hostPorts", ports.size()) + " " + String.join(", ", ports)));
  }
}
