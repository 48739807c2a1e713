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

/** Baseline: probes and lifecycle handlers do not name a {@code host} (another machine). */
final class HostProbesAndHostLifecycle implements PodSecurityCheck {

  @Override
  public String id() {
    return "hostProbesAndHostLifecycle";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    Set<String> bad = new TreeSet<>();
    Set<String> hosts = new TreeSet<>();
    for (JsonObject container : containers(spec)) {
      List<JsonObject> handlers = new ArrayList<>();
      for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
        handlers.add(object(container, probe));
      }
      JsonObject lifecycle = object(container, "lifecycle");
      handlers.add(object(lifecycle, "postStart"));
      handlers.add(object(lifecycle, "preStop"));
      for (JsonObject handler : handlers) {
        for (String action : List.of("httpGet", "tcpSocket")) {
          String host = object(handler, action).getString("host", "");
          if (!host.isEmpty()) {
            bad.add(name(container));
            hosts.add(host);
          }
        }
      }
    }
    return bad.isEmpty() ? Optional.empty() : Optional.of(new CheckResult(
        "probe or lifecycle host", containersNamed(new ArrayList<>(bad)) + " "
            + pluralize("uses", "use", bad.size()) + " "
            + pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.size()) + " "
            + joinQuote(hosts)));
  }
}
