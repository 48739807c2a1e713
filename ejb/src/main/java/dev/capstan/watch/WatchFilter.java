package dev.capstan.watch;

import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.LabelSelector;
import dev.capstan.json.JsonFields;
import java.util.Optional;

/**
 * Which changes a watch wants: one kind, optionally one namespace, and the objects its label and
 * field selectors select (judged on the object as the change left it).
 */
public record WatchFilter(String group, String kind, Optional<String> namespace,
    LabelSelector labels, FieldSelector fields) {

  public boolean matches(Change change) {
    return change.key().apiGroup().equals(group)
        && change.key().kind().equals(kind)
        && namespace.map(ns -> ns.equals(change.key().namespace())).orElse(true)
        && (labels.isEmpty() || labels.matches(JsonFields.strings(
            JsonFields.object(JsonFields.object(change.object(), "metadata"), "labels"))))
        && (fields.isEmpty() || fields.matches(change.object()));
  }
}
