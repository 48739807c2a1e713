package dev.capstan.admission.podsecurity;

import java.util.Optional;

/** The Pod Security Standards' levels, from least to most strict. */
public enum Level {
  PRIVILEGED("privileged"),
  BASELINE("baseline"),
  RESTRICTED("restricted");

  private final String label;

  Level(String label) {
    this.label = label;
  }

  /** The level as namespace labels and messages spell it. */
  public String label() {
    return label;
  }

  /** The level a label value names, if it names one. */
  public static Optional<Level> parse(String value) {
    for (Level level : values()) {
      if (level.label.equals(value)) {
        return Optional.of(level);
      }
    }
    return Optional.empty();
  }

  /** Kubernetes' message for a value that is not a level. */
  public static String problem() {
    return "must be one of privileged, baseline, restricted";
  }
}
