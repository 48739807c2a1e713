package dev.capstan.admission.podsecurity;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's Pod Security configuration, as kube-apiserver's PodSecurity
 * AdmissionConfiguration gives it ({@code defaults} and {@code exemptions.namespaces}), from
 * system properties the launcher may set:
 *
 * <ul>
 *   <li>{@code capstan.pod-security.enforce}, {@code .audit}, {@code .warn}: the level of a
 *       namespace without that label (defaults {@code baseline}, {@code privileged},
 *       {@code privileged}), with {@code .enforce-version} etc. (default {@code latest});
 *   <li>{@code capstan.pod-security.exempt-namespaces}: comma-separated namespaces whose pods
 *       are never checked (default {@code kube-system}, which runs the cluster's own
 *       privileged pods).
 * </ul>
 */
public final class PodSecurityDefaults {

  private static final String PREFIX = "capstan.pod-security.";

  private PodSecurityDefaults() {}

  public static NamespacePolicy policy() {
    return new NamespacePolicy(mode("enforce", Level.BASELINE), mode("audit", Level.PRIVILEGED),
        mode("warn", Level.PRIVILEGED));
  }

  public static Set<String> exemptNamespaces() {
    return Arrays.stream(System.getProperty(PREFIX + "exempt-namespaces", "kube-system")
        .split(",")).map(String::trim).filter(name -> !name.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }

  private static LevelVersion mode(String mode, Level fallback) {
    String value = System.getProperty(PREFIX + mode, fallback.label());
    Level level = Level.parse(value).orElseThrow(() -> new IllegalStateException(
        PREFIX + mode + "=" + value + ": " + Level.problem()));
    String version = System.getProperty(PREFIX + mode + "-version", LevelVersion.LATEST);
    if (!LevelVersion.validVersion(version)) {
      throw new IllegalStateException(PREFIX + mode + "-version=" + version + ": "
          + LevelVersion.versionProblem());
    }
    return new LevelVersion(level, version);
  }
}
