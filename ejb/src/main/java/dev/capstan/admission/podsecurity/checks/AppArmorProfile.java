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
 * Baseline: AppArmor profiles may only be the runtime's default or a local one, whether set as
 * {@code appArmorProfile.type} or through the deprecated
 * {@code container.apparmor.security.beta.kubernetes.io/*} annotations.
 */
final class AppArmorProfile implements PodSecurityCheck {

  private static final String ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

  @Override
  public String id() {
    return "appArmorProfile";
  }

  @Override
  public Level level() {
    return Level.BASELINE;
  }

  private static boolean allowedType(String type) {
    return type.equals("RuntimeDefault") || type.equals("Localhost");
  }

  @Override
  public Optional<CheckResult> check(JsonObject metadata, JsonObject spec) {
    List<String> setters = new ArrayList<>();
    Set<String> values = new TreeSet<>();
    if (has(securityContext(spec), "appArmorProfile")) {
      String type = object(securityContext(spec), "appArmorProfile").getString("type", "");
      if (!allowedType(type)) {
        setters.add("pod");
        values.add(type);
      }
    }
    List<String> bad = new ArrayList<>();
    for (JsonObject container : containers(spec)) {
      if (has(securityContext(container), "appArmorProfile")) {
        String type = object(securityContext(container), "appArmorProfile").getString("type", "");
        if (!allowedType(type)) {
          bad.add(name(container));
          values.add(type);
        }
      }
    }
    if (!bad.isEmpty()) {
      setters.add(containersNamed(bad));
    }
    List<String> annotations = new ArrayList<>();
    object(metadata, "annotations").forEach((key, value) -> {
      String profile = value instanceof jakarta.json.JsonString s ? s.getString() : "";
      if (key.startsWith(ANNOTATION_PREFIX) && !profile.isEmpty()
          && !profile.equals("runtime/default") && !profile.startsWith("localhost/")) {
        annotations.add(key + "=" + quote(profile));
      }
    });
    List<String> all = new ArrayList<>(values);
    if (!annotations.isEmpty()) {
      annotations.sort(null);
      all.addAll(annotations);
      setters.add(pluralize("annotation", "annotations", annotations.size()));
    }
    if (setters.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CheckResult(
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", all.size()),
        String.join(" and ", setters) + " must not set AppArmor profile type to "
            + joinQuote(all)));
  }
}
