package dev.capstan.api.objects;

import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Builds one JSON value from a parser's events with a stack of its own, not the thread's: JSON-P's
 * {@code getValue()} recurses once per level and runs out of stack near 5,000 levels on a 1 MB
 * thread stack, while Kubernetes accepts 10,000 (the parser's {@code maxDepth} bounds them).
 * Strings come out as Go's decoder makes them: no lone UTF-16 surrogates
 * ({@link #withoutLoneSurrogates}).
 */
final class FlatJson {

  private static final JsonBuilderFactory BUILDERS = Json.createBuilderFactory(Map.of());

  private FlatJson() {}

  /**
   * A string with every UTF-16 surrogate that is not half of a pair replaced by U+FFFD, as Go's
   * {@code encoding/json} decodes an escape such as <code>&#92;ud800</code> that names no
   * character: Kubernetes stores U+FFFD, and UTF-8 (the API's, PostgreSQL's) cannot hold a lone
   * surrogate at all. The same string when there is none (the common case allocates nothing).
   */
  static String withoutLoneSurrogates(String text) {
    StringBuilder valid = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        if (valid != null) {
          valid.append(c);
        }
        continue;
      }
      boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        if (valid != null) {
          valid.append(c).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (valid == null) {
        valid = new StringBuilder(text.length()).append(text, 0, i);
      }
      valid.append('\uFFFD');
    }
    return valid == null ? text : valid.toString();
  }

  /** The next complete value of the parser (which is left after its last event). */
  static JsonValue read(JsonParser parser) {
    Deque<Object> open = new ArrayDeque<>();
    Deque<String> keys = new ArrayDeque<>();
    String key = null;
    while (true) {
      if (!parser.hasNext()) {
        throw new JsonParsingException("unexpected end of JSON input", parser.getLocation());
      }
      JsonParser.Event event = parser.next();
      JsonValue complete;
      switch (event) {
        case KEY_NAME -> {
          key = withoutLoneSurrogates(parser.getString());
          continue;
        }
        case START_OBJECT, START_ARRAY -> {
          open.push(event == JsonParser.Event.START_OBJECT
              ? BUILDERS.createObjectBuilder() : BUILDERS.createArrayBuilder());
          keys.push(key == null ? "" : key);
          key = null;
          continue;
        }
        case END_OBJECT -> {
          complete = ((JsonObjectBuilder) open.pop()).build();
          key = keys.pop();
        }
        case END_ARRAY -> {
          complete = ((JsonArrayBuilder) open.pop()).build();
          key = keys.pop();
        }
        case VALUE_STRING -> {
          String text = parser.getString();
          String valid = withoutLoneSurrogates(text);
          complete = valid == text ? parser.getValue() : Json.createValue(valid);
        }
        default -> complete = parser.getValue();
      }
      if (open.isEmpty()) {
        return complete;
      }
      if (open.peek() instanceof JsonObjectBuilder object) {
        object.add(key, complete);
      } else {
        ((JsonArrayBuilder) open.peek()).add(complete);
      }
      key = null;
    }
  }
}
