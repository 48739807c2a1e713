package dev.capstan.admission.podsecurity;

import java.util.regex.Pattern;

/**
 * A level at a version of the standards, as Kubernetes prints it: {@code baseline:latest},
 * {@code restricted:v1.30}. Capstan evaluates every version with the latest checks (the checks
 * of older versions differ only in fields older Kubernetes did not have), but names the version
 * the namespace asked for.
 */
public record LevelVersion(Level level, String version) {

  public static final String LATEST = "latest";
  private static final Pattern VERSION = Pattern.compile("^v1\\.(0|[1-9][0-9]*)$");

  public static LevelVersion latest(Level level) {
    return new LevelVersion(level, LATEST);
  }

  /** Whether a {@code -version} label's value is {@code latest} or {@code v1.x}. */
  public static boolean validVersion(String version) {
    return LATEST.equals(version) || VERSION.matcher(version).matches();
  }

  /** Kubernetes' message for a value that is not a version. */
  public static String versionProblem() {
    return "must be \"latest\" or \"v1.x\"";
  }

  /** Both privileged, or the same level and version (Kubernetes' {@code Equivalent}). */
  public boolean equivalent(LevelVersion other) {
    return (level == Level.PRIVILEGED && other.level == Level.PRIVILEGED) || equals(other);
  }

  @Override
  public String toString() {
    return level.label() + ":" + version;
  }
}
