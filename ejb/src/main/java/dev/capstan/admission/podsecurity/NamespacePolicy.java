package dev.capstan.admission.podsecurity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A namespace's Pod Security policy: the level enforced (pods violating it are refused), audited
 * (recorded in the audit annotations) and warned about (returned to the client), read from its
 * {@code pod-security.kubernetes.io/<mode>} and {@code <mode>-version} labels over the cluster's
 * defaults, as Kubernetes' {@code PolicyToEvaluate} does: a bad enforce level fails closed
 * (restricted), a bad audit or warn level fails open (privileged), and an explicit enforce level
 * stricter than the warn level also warns unless warn is labelled.
 */
public record NamespacePolicy(LevelVersion enforce, LevelVersion audit, LevelVersion warn) {

  public static final String PREFIX = "pod-security.kubernetes.io/";
  public static final String ENFORCE = PREFIX + "enforce";
  public static final String AUDIT = PREFIX + "audit";
  public static final String WARN = PREFIX + "warn";

  /** A label whose value is not a level or version, with Kubernetes' message. */
  public record LabelProblem(String label, String value, String detail) {}

  /** The policy the labels give, and what is wrong with them. */
  public record Resolved(NamespacePolicy policy, List<LabelProblem> problems) {}

  public static Resolved resolve(Map<String, String> labels, NamespacePolicy defaults) {
    List<LabelProblem> problems = new ArrayList<>();
    if (labels.isEmpty()) {
      return new Resolved(defaults, problems);
    }
    LevelVersion enforce = mode(labels, ENFORCE, defaults.enforce, Level.RESTRICTED, problems);
    LevelVersion audit = mode(labels, AUDIT, defaults.audit, Level.PRIVILEGED, problems);
    LevelVersion warn = mode(labels, WARN, defaults.warn, Level.PRIVILEGED, problems);
    boolean enforceLabelled = labels.containsKey(ENFORCE)
        && Level.parse(labels.get(ENFORCE)).isPresent();
    if (!labels.containsKey(WARN) && enforceLabelled
        && enforce.level().compareTo(warn.level()) > 0) {
      warn = new LevelVersion(enforce.level(),
          labels.containsKey(WARN + "-version") ? warn.version() : enforce.version());
    }
    return new Resolved(new NamespacePolicy(enforce, audit, warn), problems);
  }

  private static LevelVersion mode(Map<String, String> labels, String label,
      LevelVersion fallback, Level onError, List<LabelProblem> problems) {
    Level level = fallback.level();
    String version = fallback.version();
    if (labels.containsKey(label)) {
      String value = labels.get(label);
      level = Level.parse(value).orElse(onError);
      if (Level.parse(value).isEmpty()) {
        problems.add(new LabelProblem(label, value, Level.problem()));
      }
    }
    String versionLabel = label + "-version";
    if (labels.containsKey(versionLabel)) {
      String value = labels.get(versionLabel);
      if (LevelVersion.validVersion(value)) {
        version = value;
      } else {
        version = LevelVersion.LATEST;
        problems.add(new LabelProblem(versionLabel, value, LevelVersion.versionProblem()));
      }
    }
    return new LevelVersion(level, version);
  }

  /** All three modes privileged: nothing to check. */
  public boolean fullyPrivileged() {
    return enforce.level() == Level.PRIVILEGED && audit.level() == Level.PRIVILEGED
        && warn.level() == Level.PRIVILEGED;
  }
}
