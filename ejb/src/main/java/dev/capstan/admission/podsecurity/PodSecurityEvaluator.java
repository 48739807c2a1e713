package dev.capstan.admission.podsecurity;

import dev.capstan.admission.podsecurity.checks.StandardChecks;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Evaluates a pod (or pod template) against a level, as Kubernetes' check registry does:
 * baseline runs the baseline checks; restricted runs the restricted checks and the baseline
 * checks none of them replaces. Checks run in Kubernetes' order (baseline ids sorted, then
 * restricted ids sorted), which is the order of the message's parts.
 */
public final class PodSecurityEvaluator {

  private static final List<PodSecurityCheck> BASELINE;
  private static final List<PodSecurityCheck> RESTRICTED;

  static {
    List<PodSecurityCheck> all = StandardChecks.all();
    Comparator<PodSecurityCheck> byId = Comparator.comparing(PodSecurityCheck::id);
    List<PodSecurityCheck> baseline = all.stream().filter(c -> c.level() == Level.BASELINE)
        .sorted(byId).toList();
    List<PodSecurityCheck> restricted = all.stream().filter(c -> c.level() == Level.RESTRICTED)
        .sorted(byId).toList();
    Set<String> overridden = new HashSet<>();
    restricted.forEach(check -> overridden.addAll(check.overrides()));
    BASELINE = baseline;
    List<PodSecurityCheck> strict = new ArrayList<>(baseline.stream()
        .filter(check -> !overridden.contains(check.id())).toList());
    strict.addAll(restricted);
    RESTRICTED = List.copyOf(strict);
  }

  private PodSecurityEvaluator() {}

  /** The violations of the level, in Kubernetes' order; empty when the pod meets it. */
  public static List<CheckResult> evaluate(Level level, JsonObject metadata, JsonObject spec) {
    List<PodSecurityCheck> checks = switch (level) {
      case PRIVILEGED -> List.of();
      case BASELINE -> BASELINE;
      case RESTRICTED -> RESTRICTED;
    };
    List<CheckResult> results = new ArrayList<>();
    for (PodSecurityCheck check : checks) {
      check.check(metadata, spec).ifPresent(results::add);
    }
    return results;
  }

  /** {@code reason (detail), reason (detail)}: what follows {@code violates PodSecurity "..."}. */
  public static String detail(List<CheckResult> results) {
    return results.stream().map(CheckResult::toString).collect(Collectors.joining(", "));
  }

  /** The reasons alone, as the warnings about existing pods give them. */
  public static String reasons(List<CheckResult> results) {
    return results.stream().map(CheckResult::reason).collect(Collectors.joining(", "));
  }

  /** The message of a violation, or empty. */
  static Optional<String> violation(LevelVersion level, JsonObject metadata, JsonObject spec,
      String verb) {
    List<CheckResult> results = evaluate(level.level(), metadata, spec);
    return results.isEmpty() ? Optional.empty()
        : Optional.of(verb + " PodSecurity \"" + level + "\": " + detail(results));
  }
}
