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

  private Names() {}

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
}
