package dev.capstan.admission.podsecurity;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster's Pod Security configuration, as kube-apiserver's PodSecurity
 * AdmissionConfiguration gives it ({@code defaults} and {@code exemptions}), from system
 * properties the launcher may set:
 *
 * <ul>
 *   <li>{@code capstan.pod-security.enforce}, {@code .audit}, {@code .warn}: the level of a
 *       namespace without that label (defaults {@code baseline}, {@code privileged},
 *       {@code privileged}), with {@code .enforce-version} etc. (default {@code latest});
 *   <li>{@code capstan.pod-security.exempt-namespaces}: comma-separated namespaces whose pods
 *       are never checked (default {@code kube-system}, which runs the cluster's own
 *       privileged pods);
 *   <li>{@code capstan.pod-security.exempt-usernames}: comma-separated users whose requests are
 *       never checked (default none; as on Kubernetes, a controller's pods are not exempt because
 *       a user created the workload);
 *   <li>{@code capstan.pod-security.exempt-runtime-classes}: comma-separated RuntimeClass names
 *       whose pods are never checked (default none).
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
    return names("exempt-namespaces", "kube-system");
  }

  public static Set<String> exemptUsernames() {
    return names("exempt-usernames", "");
  }

  public static Set<String> exemptRuntimeClasses() {
    return names("exempt-runtime-classes", "");
  }

  private static Set<String> names(String property, String fallback) {
    return Arrays.stream(System.getProperty(PREFIX + property, fallback).split(","))
        .map(String::trim).filter(name -> !name.isEmpty())
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
