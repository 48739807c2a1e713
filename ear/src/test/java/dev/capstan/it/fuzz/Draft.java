package dev.capstan.it.fuzz;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A request body being mutated: a JSON tree, plus raw text spliced in where a tree cannot say it
 * (nesting deeper than JSON-P writes, duplicate keys, numbers beyond any type), plus what was
 * done to it, for the report.
 */
final class Draft {

  private JsonValue tree;
  private final Map<String, String> raw;
  private final List<String> edits = new ArrayList<>();

  Draft(JsonValue tree) {
    this(tree, new LinkedHashMap<>());
  }

  private Draft(JsonValue tree, Map<String, String> raw) {
    this.tree = tree;
    this.raw = raw;
  }

  /** A draft of a part, whose raw splices render with this one. */
  Draft part(JsonValue tree) {
    return new Draft(tree, raw);
  }

  JsonValue tree() {
    return tree;
  }

  void tree(JsonValue tree, String edit) {
    this.tree = tree;
    edits.add(edit);
  }

  /** A placeholder value that {@link #render()} replaces by the raw JSON text. */
  JsonValue raw(String json) {
    String marker = "@@fuzz-raw-" + raw.size() + "-" + System.identityHashCode(raw) + "@@";
    raw.put(marker, json);
    return Json.createValue(marker);
  }

  void note(String edit) {
    edits.add(edit);
  }

  List<String> edits() {
    return edits;
  }

  /** A short account of a value for the report: its start and size, control characters escaped. */
  String describe(JsonValue value) {
    String text = JsonTrees.write(value);
    for (Map.Entry<String, String> splice : raw.entrySet()) {
      text = text.replace("\"" + splice.getKey() + "\"", splice.getValue());
    }
    return Mutator.escape(text);
  }

  String render() {
    String text = JsonTrees.write(tree);
    for (Map.Entry<String, String> splice : raw.entrySet()) {
      text = text.replace("\"" + splice.getKey() + "\"", splice.getValue());
    }
    return text;
  }
}
