package dev.capstan.validation;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kubernetes' rules for object names, with its error wording, so clients that parse messages
 * (and people who read them) see what they would see from a Kubernetes API server.
 */
public final class Names {

  /** Longest RFC 1123 label: namespaces, services and other names used in DNS labels. */
  public static final int DNS1123_LABEL_MAX_LENGTH = 63;

  private static final String DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_LABEL_PATTERN = Pattern.compile(DNS1123_LABEL);

  /** Longest RFC 1123 subdomain: most object names. */
  public static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

  private static final String DNS1123_SUBDOMAIN = DNS1123_LABEL + "(\\." + DNS1123_LABEL + ")*";
  private static final Pattern DNS1123_SUBDOMAIN_PATTERN = Pattern.compile(DNS1123_SUBDOMAIN);

  private static final String LABEL_NAME = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern LABEL_NAME_PATTERN = Pattern.compile(LABEL_NAME);
  private static final int LABEL_MAX_LENGTH = 63;

  private Names() {}

  /** Checks a name that must be an RFC 1123 subdomain (most kinds). */
  public static Optional<String> dns1123SubdomainProblem(String name) {
    if (name.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      return Optional.of("must be no more than " + DNS1123_SUBDOMAIN_MAX_LENGTH + " characters");
    }
    if (!DNS1123_SUBDOMAIN_PATTERN.matcher(name).matches()) {
      return Optional.of("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
          + " characters, '-' or '.', and must start and end with an alphanumeric character"
          + " (e.g. 'example.com', regex used for validation is '" + DNS1123_SUBDOMAIN + "')");
    }
    return Optional.empty();
  }

  /** Checks a label (or annotation) key: an optional DNS subdomain prefix and '/', then a name. */
  public static Optional<String> labelKeyProblem(String key) {
    int slash = key.indexOf('/');
    String name = slash < 0 ? key : key.substring(slash + 1);
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      if (prefix.isEmpty()) {
        return Optional.of("prefix part must be non-empty");
      }
      Optional<String> prefixProblem = dns1123SubdomainProblem(prefix);
      if (prefixProblem.isPresent()) {
        return Optional.of("prefix part " + prefixProblem.get());
      }
    }
    if (name.isEmpty()) {
      return Optional.of("name part must be non-empty");
    }
    if (name.length() > LABEL_MAX_LENGTH) {
      return Optional.of("name part must be no more than " + LABEL_MAX_LENGTH + " characters");
    }
    if (!LABEL_NAME_PATTERN.matcher(name).matches()) {
      return Optional.of("name part must consist of alphanumeric characters, '-', '_' or '.',"
          + " and must start and end with an alphanumeric character (e.g. 'MyName',  or"
          + " 'my.name',  or '123-abc', regex used for validation is '" + LABEL_NAME + "')");
    }
    return Optional.empty();
  }

  /** Checks a label value: empty, or up to 63 name characters. */
  public static Optional<String> labelValueProblem(String value) {
    if (value.length() > LABEL_MAX_LENGTH) {
      return Optional.of("must be no more than " + LABEL_MAX_LENGTH + " characters");
    }
    if (!value.isEmpty() && !LABEL_NAME_PATTERN.matcher(value).matches()) {
      return Optional.of("a valid label must be an empty string or consist of alphanumeric"
          + " characters, '-', '_' or '.', and must start and end with an alphanumeric character"
          + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '("
          + LABEL_NAME + ")?')");
    }
    return Optional.empty();
  }

  /**
   * Checks a name that must be an RFC 1123 label (namespaces, services).
   *
   * @return the problem, in Kubernetes' words, or empty if the name is valid
   */
  public static Optional<String> dns1123LabelProblem(String name) {
    if (name.length() > DNS1123_LABEL_MAX_LENGTH) {
      return Optional.of("must be no more than " + DNS1123_LABEL_MAX_LENGTH + " characters");
    }
    if (!DNS1123_LABEL_PATTERN.matcher(name).matches()) {
      return Optional.of("a lowercase RFC 1123 label must consist of lower case alphanumeric"
          + " characters or '-', and must start and end with an alphanumeric character"
          + " (e.g. 'my-name',  or '123-abc', regex used for validation is '"
          + DNS1123_LABEL + "')");
    }
    return Optional.empty();
  }

  private static final String CONFIG_KEY = "[-._a-zA-Z0-9]+";
  private static final Pattern CONFIG_KEY_PATTERN = Pattern.compile(CONFIG_KEY);

  /**
   * Checks a key of a ConfigMap's or Secret's data: it becomes a file name where the object is
   * mounted, so {@code ../x} (a path out of the volume) is refused, as Kubernetes'
   * {@code IsConfigMapKey} refuses it.
   *
   * @return every problem, in Kubernetes' words; empty if the key is valid
   */
  public static java.util.List<String> configKeyProblems(String key) {
    java.util.List<String> problems = new java.util.ArrayList<>();
    if (key.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      problems.add("must be no more than " + DNS1123_SUBDOMAIN_MAX_LENGTH + " characters");
    }
    if (!CONFIG_KEY_PATTERN.matcher(key).matches()) {
      problems.add("a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
          + " (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '"
          + CONFIG_KEY + "')");
    }
    if (key.equals(".")) {
      problems.add("must not be '.'");
    } else if (key.equals("..")) {
      problems.add("must not be '..'");
    } else if (key.startsWith("..")) {
      problems.add("must not start with '..'");
    }
    return problems;
  }
}
