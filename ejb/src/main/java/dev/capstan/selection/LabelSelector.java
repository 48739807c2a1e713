package dev.capstan.selection;

import dev.capstan.validation.Names;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector: requirements that all must hold. Parsed from the string form of
 * {@code ?labelSelector=} and {@code kubectl -l} ({@code a=b}, {@code a==b}, {@code a!=b},
 * {@code a in (x,y)}, {@code a notin (x,y)}, {@code a}, {@code !a}, comma-separated), or built
 * from an object's {@code matchLabels}/{@code matchExpressions} or a plain map.
 *
 * <p>Semantics as in Kubernetes: {@code !=} and {@code notin} also match objects without the
 * label; {@code in} and {@code =} require it. The requirements are plain data so the store can
 * evaluate them in SQL.
 */
public final class LabelSelector {

  /** A selector's test on one label. */
  public enum Operator {
    EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST,
    /** {@code x>1}: the label holds an integer greater than the value. */
    GREATER_THAN,
    /** {@code x<1}: the label holds an integer less than the value. */
    LESS_THAN
  }

  /**
   * One requirement: a key, an operator and its values (one for EQUALS/NOT_EQUALS, several for
   * IN/NOT_IN, none for EXISTS/DOES_NOT_EXIST).
   */
  public record Requirement(String key, Operator operator, List<String> values) {

    public Requirement {
      Objects.requireNonNull(key);
      Objects.requireNonNull(operator);
      values = List.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case EQUALS -> values.get(0).equals(value);
        case NOT_EQUALS -> !values.get(0).equals(value);
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
        case GREATER_THAN -> integer(value) != null && integer(value) > Long.parseLong(values.get(0));
        case LESS_THAN -> integer(value) != null && integer(value) < Long.parseLong(values.get(0));
      };
    }

    @Override
    public String toString() {
      return switch (operator) {
        case EQUALS -> key + "=" + values.get(0);
        case NOT_EQUALS -> key + "!=" + values.get(0);
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case GREATER_THAN -> key + ">" + values.get(0);
        case LESS_THAN -> key + "<" + values.get(0);
      };
    }

    private static Long integer(String value) {
      try {
        return value == null ? null : Long.parseLong(value);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of());

  private final List<Requirement> requirements;

  private LabelSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** Parses the string form; blank selects everything. */
  public static LabelSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    return new LabelSelector(new LabelSelectorParser(selector).parse());
  }

  /** An equality selector, as ReplicationController and Service {@code spec.selector} are. */
  public static LabelSelector fromMap(Map<String, String> labels) {
    List<Requirement> requirements = new ArrayList<>();
    new TreeMap<>(labels).forEach((key, value) -> {
      validateKey(key);
      validateValue(value);
      requirements.add(new Requirement(key, Operator.EQUALS, List.of(value)));
    });
    return new LabelSelector(requirements);
  }

  /** The API object form: {@code matchLabels} and {@code matchExpressions}; empty selects everything. */
  public static LabelSelector fromJson(JsonObject selector) {
    List<Requirement> requirements = new ArrayList<>();
    if (selector.get("matchLabels") instanceof JsonObject matchLabels) {
      new TreeMap<>(matchLabels).forEach((key, value) -> {
        if (!(value instanceof JsonString string)) {
          throw new InvalidSelectorException("matchLabels." + key + ": must be a string");
        }
        validateKey(key);
        validateValue(string.getString());
        requirements.add(new Requirement(key, Operator.EQUALS, List.of(string.getString())));
      });
    }
    if (selector.get("matchExpressions") instanceof JsonArray expressions) {
      for (int i = 0; i < expressions.size(); i++) {
        requirements.add(expression(expressions.get(i), "matchExpressions[" + i + "]"));
      }
    }
    return new LabelSelector(requirements);
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  public boolean isEmpty() {
    return requirements.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    return requirements.stream().allMatch(requirement -> requirement.matches(labels));
  }

  /** The canonical string form, e.g. {@code app=web,tier in (a,b)}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  private static Requirement expression(JsonValue value, String path) {
    if (!(value instanceof JsonObject expression)) {
      throw new InvalidSelectorException(path + ": must be an object");
    }
    String key = expression.getString("key", "");
    validateKey(key);
    List<String> values = expression.get("values") instanceof JsonArray array
        ? array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList()
        : List.of();
    String operator = expression.getString("operator", "");
    return switch (operator) {
      case "In", "NotIn" -> {
        if (values.isEmpty()) {
          throw new InvalidSelectorException(path + ".values: Required value: must be specified"
              + " when `operator` is 'In' or 'NotIn'");
        }
        values.forEach(LabelSelector::validateValue);
        yield new Requirement(key, operator.equals("In") ? Operator.IN : Operator.NOT_IN, values);
      }
      case "Exists", "DoesNotExist" -> {
        if (!values.isEmpty()) {
          throw new InvalidSelectorException(path + ".values: Forbidden: may not be specified"
              + " when `operator` is 'Exists' or 'DoesNotExist'");
        }
        yield new Requirement(key, operator.equals("Exists") ? Operator.EXISTS
            : Operator.DOES_NOT_EXIST, List.of());
      }
      default -> throw new InvalidSelectorException(path + ".operator: Invalid value: \""
          + operator + "\": not a valid selector operator");
    };
  }

  static void validateKey(String key) {
    Names.labelKeyProblem(key).ifPresent(problem -> {
      throw new InvalidSelectorException("invalid label key \"" + key + "\": " + problem);
    });
  }

  static void validateValue(String value) {
    Names.labelValueProblem(value).ifPresent(problem -> {
      throw new InvalidSelectorException("invalid label value: \"" + value + "\": " + problem);
    });
  }
}
