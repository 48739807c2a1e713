package dev.capstan.validation;

import static dev.capstan.json.JsonFields.object;

import dev.capstan.selection.InvalidSelectorException;
import dev.capstan.selection.LabelSelector;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.List;
import java.util.Optional;

/**
 * The API form of a label selector ({@code matchLabels}, {@code matchExpressions}) as
 * Kubernetes' {@code ValidateLabelSelector} checks it, with its field paths and words: label
 * keys and values, an operator of the four, values for {@code In}/{@code NotIn} and none for
 * {@code Exists}/{@code DoesNotExist}. A selector stored without these checks is one that the
 * controllers cannot evaluate and {@code kubectl describe} refuses to print.
 */
final class SelectorRules {

  private SelectorRules() {}

  /** Adds the problems of the selector at {@code path} (say {@code spec.selector}). */
  static void validate(JsonObject selector, String path, List<FieldError> errors) {
    object(selector, "matchLabels").forEach((key, value) -> {
      Names.labelKeyProblem(key).ifPresent(problem ->
          errors.add(FieldError.invalid(path + ".matchLabels", key, problem)));
      if (value instanceof JsonString text) {
        Names.labelValueProblem(text.getString()).ifPresent(problem ->
            errors.add(FieldError.invalid(path + ".matchLabels", text.getString(), problem)));
      }
    });
    if (!(selector.get("matchExpressions") instanceof JsonArray expressions)) {
      return;
    }
    for (int i = 0; i < expressions.size(); i++) {
      if (expressions.get(i) instanceof JsonObject expression) {
        requirement(expression, path + ".matchExpressions[" + i + "]", errors);
      }
    }
  }

  private static void requirement(JsonObject expression, String path, List<FieldError> errors) {
    String operator = expression.getString("operator", "");
    int values = expression.get("values") instanceof JsonArray array ? array.size() : 0;
    switch (operator) {
      case "In", "NotIn" -> {
        if (values == 0) {
          errors.add(FieldError.required(path + ".values",
              "must be specified when `operator` is 'In' or 'NotIn'"));
        }
      }
      case "Exists", "DoesNotExist" -> {
        if (values > 0) {
          errors.add(new FieldError(path + ".values", "FieldValueForbidden",
              "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
      }
      default -> errors.add(FieldError.invalid(path + ".operator", operator,
          "not a valid selector operator"));
    }
    String key = expression.getString("key", "");
    Names.labelKeyProblem(key).ifPresent(problem ->
        errors.add(FieldError.invalid(path + ".key", key, problem)));
  }

  /**
   * Whether the selector has no requirement at all: one that would select every pod of the
   * namespace, which the workload kinds refuse.
   */
  static boolean isEmpty(JsonObject selector) {
    return object(selector, "matchLabels").isEmpty()
        && !(selector.get("matchExpressions") instanceof JsonArray expressions
            && !expressions.isEmpty());
  }

  /**
   * The selector as the controllers evaluate it, or empty when it cannot be evaluated (a value
   * in {@code In} that is no label value, say): Kubernetes then says "invalid label selector".
   */
  static Optional<LabelSelector> parsed(JsonObject selector) {
    try {
      return Optional.of(LabelSelector.fromJson(selector));
    } catch (InvalidSelectorException | ClassCastException e) {
      return Optional.empty();
    }
  }
}
