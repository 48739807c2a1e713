package dev.capstan.store;

import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.LabelSelector;
import java.util.Optional;

/**
 * Which objects of one kind a list wants.
 *
 * @param apiGroup the kind's group
 * @param kind the kind
 * @param namespace only this namespace; empty for all namespaces (and for cluster-scoped kinds)
 * @param labels the label selector ({@link LabelSelector#parse} of "" selects everything)
 * @param fields the field selector
 * @param limit at most this many objects (0 = no limit)
 * @param after start after this position (from a previous page's continue token)
 */
public record ListQuery(
    String apiGroup,
    String kind,
    Optional<String> namespace,
    LabelSelector labels,
    FieldSelector fields,
    int limit,
    Optional<Position> after) {

  /** Every object of a kind, in one namespace or all, that the field selector selects. */
  public static ListQuery all(String apiGroup, String kind, Optional<String> namespace,
      String fieldSelector) {
    return new ListQuery(apiGroup, kind, namespace, LabelSelector.parse(""),
        FieldSelector.parse(fieldSelector), 0, Optional.empty());
  }

  /** Where a page ended: lists are ordered by namespace, then name. */
  public record Position(String namespace, String name) {}
}
