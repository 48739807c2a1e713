package dev.capstan.selection;

import dev.capstan.json.JsonFields;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A Kubernetes field selector ({@code ?fieldSelector=metadata.name=x,status.phase!=Running}):
 * equality and inequality tests on dotted field paths, all of which must hold. Values may escape
 * {@code , = ! \} with a backslash, as Kubernetes' {@code fields.EscapeValue} writes them.
 */
public final class FieldSelector {

  /**
   * One test: the field's path, whether it must equal (or differ from) the value.
   *
   * @param field a dotted path such as {@code spec.nodeName}
   * @param equals true for {@code =}/{@code ==}, false for {@code !=}
   * @param value the value, unescaped
   */
  public record FieldRequirement(String field, boolean equals, String value) {}

  private final List<FieldRequirement> requirements;

  private FieldSelector(List<FieldRequirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** Parses the string form; blank selects everything. */
  public static FieldSelector parse(String selector) {
    List<FieldRequirement> requirements = new ArrayList<>();
    if (selector == null || selector.isBlank()) {
      return new FieldSelector(requirements);
    }
    for (String term : splitUnescaped(selector)) {
      requirements.add(requirement(term.strip(), selector));
    }
    return new FieldSelector(requirements);
  }

  public List<FieldRequirement> requirements() {
    return requirements;
  }

  /** The requirements a predicate keeps, as a selector of their own. */
  public FieldSelector only(java.util.function.Predicate<FieldRequirement> keep) {
    return new FieldSelector(requirements.stream().filter(keep).toList());
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  /** Whether an object passes; a missing field reads as the empty string. */
  public boolean matches(JsonObject object) {
    return requirements.stream()
        .allMatch(r -> r.equals() == r.value().equals(JsonFields.text(object, r.field())));
  }

  /** Refuses fields this kind cannot be selected by, with Kubernetes' message. */
  public void requireSupported(Set<String> supportedFields) {
    for (FieldRequirement requirement : requirements) {
      if (!supportedFields.contains(requirement.field())) {
        throw new InvalidSelectorException("field label not supported: " + requirement.field());
      }
    }
  }

  @Override
  public String toString() {
    return requirements.stream()
        .map(r -> r.field() + (r.equals() ? "=" : "!=") + r.value())
        .collect(Collectors.joining(","));
  }

  private static FieldRequirement requirement(String term, String selector) {
    int operator = firstUnescaped(term);
    if (operator <= 0) {
      throw new InvalidSelectorException("invalid selector: '" + selector
          + "'; can't understand '" + term + "'");
    }
    String field = term.substring(0, operator).strip();
    String rest = term.substring(operator);
    boolean equals;
    String value;
    if (rest.startsWith("!=")) {
      equals = false;
      value = rest.substring(2);
    } else if (rest.startsWith("==")) {
      equals = true;
      value = rest.substring(2);
    } else if (rest.startsWith("=")) {
      equals = true;
      value = rest.substring(1);
    } else {
      throw new InvalidSelectorException("invalid selector: '" + selector
          + "'; can't understand '" + term + "'");
    }
    return new FieldRequirement(field, equals, unescape(value.strip(), selector));
  }

  /** The index of the first {@code =} or {@code !} not escaped by a backslash, or -1. */
  private static int firstUnescaped(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '=' || c == '!') {
        return i;
      }
    }
    return -1;
  }

  private static List<String> splitUnescaped(String selector) {
    List<String> terms = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < selector.length(); i++) {
      char c = selector.charAt(i);
      if (c == '\\' && i + 1 < selector.length()) {
        current.append(c).append(selector.charAt(++i));
      } else if (c == ',') {
        terms.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    terms.add(current.toString());
    return terms;
  }

  private static String unescape(String value, String selector) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 >= value.length() || "\\,=!".indexOf(value.charAt(i + 1)) < 0) {
          throw new InvalidSelectorException("invalid field selector: '" + selector
              + "': invalid escape sequence");
        }
        out.append(value.charAt(++i));
      } else if (c == '=' || c == '!' || c == ',') {
        throw new InvalidSelectorException("invalid field selector: '" + selector
            + "': unescaped '" + c + "' in value");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
