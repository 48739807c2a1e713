package dev.capstan.selection;

import dev.capstan.selection.LabelSelector.Operator;
import dev.capstan.selection.LabelSelector.Requirement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the string form of a label selector, token by token, as Kubernetes' {@code labels.Parse}
 * does: identifiers, {@code = == != ! , ( ) > <} and the words {@code in}/{@code notin}.
 */
final class LabelSelectorParser {

  private final String input;
  private int position;

  LabelSelectorParser(String input) {
    this.input = input;
  }

  List<Requirement> parse() {
    List<Requirement> requirements = new ArrayList<>();
    while (true) {
      requirements.add(requirement());
      skipSpaces();
      if (atEnd()) {
        return requirements;
      }
      expect(',');
    }
  }

  private Requirement requirement() {
    skipSpaces();
    if (peek() == '!') {
      position++;
      String key = identifier("a key");
      LabelSelector.validateKey(key);
      return new Requirement(key, Operator.DOES_NOT_EXIST, List.of());
    }
    String key = identifier("a key");
    LabelSelector.validateKey(key);
    skipSpaces();
    if (atEnd() || peek() == ',') {
      return new Requirement(key, Operator.EXISTS, List.of());
    }
    if (input.startsWith("==", position)) {
      position += 2;
      return single(key, Operator.EQUALS);
    }
    if (input.startsWith("!=", position)) {
      position += 2;
      return single(key, Operator.NOT_EQUALS);
    }
    if (peek() == '=') {
      position++;
      return single(key, Operator.EQUALS);
    }
    if (peek() == '>' || peek() == '<') {
      Operator operator = peek() == '>' ? Operator.GREATER_THAN : Operator.LESS_THAN;
      position++;
      String value = identifier("an integer");
      try {
        Long.parseLong(value);
      } catch (NumberFormatException e) {
        throw new InvalidSelectorException("unable to parse requirement: for 'Gt', 'Lt' operators,"
            + " the value must be an integer (in selector \"" + input + "\")");
      }
      return new Requirement(key, operator, List.of(value));
    }
    String word = identifier("'=', '!=', 'in', 'notin' or ','");
    return switch (word) {
      case "in" -> new Requirement(key, Operator.IN, set());
      case "notin" -> new Requirement(key, Operator.NOT_IN, set());
      default -> throw unexpected(word, "'=', '!=', 'in', 'notin' or ','");
    };
  }

  private Requirement single(String key, Operator operator) {
    skipSpaces();
    String value = atEnd() || peek() == ',' ? "" : identifier("a value");
    LabelSelector.validateValue(value);
    return new Requirement(key, operator, List.of(value));
  }

  private List<String> set() {
    skipSpaces();
    expect('(');
    List<String> values = new ArrayList<>();
    while (true) {
      skipSpaces();
      // As in Kubernetes, "x in ()" is the set holding only the empty value, not an error.
      String value = peek() == ',' || peek() == ')' ? "" : identifier("a value");
      LabelSelector.validateValue(value);
      values.add(value);
      skipSpaces();
      if (peek() == ')') {
        position++;
        return values;
      }
      expect(',');
    }
  }

  /** A run of characters up to whitespace or one of {@code = ! , ( )}. */
  private String identifier(String expected) {
    skipSpaces();
    int start = position;
    while (!atEnd() && !Character.isWhitespace(peek()) && "=!,()<>".indexOf(peek()) < 0) {
      position++;
    }
    if (start == position) {
      throw unexpected(atEnd() ? "end of string" : String.valueOf(peek()), expected);
    }
    return input.substring(start, position);
  }

  private void expect(char c) {
    if (atEnd() || peek() != c) {
      throw unexpected(atEnd() ? "end of string" : String.valueOf(peek()), "'" + c + "'");
    }
    position++;
  }

  private InvalidSelectorException unexpected(String found, String expected) {
    return new InvalidSelectorException("unable to parse requirement: found '" + found
        + "', expected: " + expected + " (in selector \"" + input + "\")");
  }

  private void skipSpaces() {
    while (!atEnd() && Character.isWhitespace(peek())) {
      position++;
    }
  }

  private boolean atEnd() {
    return position >= input.length();
  }

  private char peek() {
    return atEnd() ? '\0' : input.charAt(position);
  }
}
