package dev.capstan.store;

import dev.capstan.jsonp.Json;
import dev.capstan.selection.FieldSelector;
import dev.capstan.selection.LabelSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates a {@link ListQuery} into one SQL statement over {@code api_object}, so selectors and
 * paging are done by PostgreSQL (with the GIN index on labels), not by loading every object.
 *
 * <p>Label requirements use jsonb containment and {@code jsonb_exists} (the {@code ?} operator
 * would clash with JDBC placeholders). Field requirements on name and namespace use the columns;
 * any other field path reads the body ({@code body #>> '{spec,nodeName}'}, missing = ""); a
 * body the column holds as a JSON string (encrypted, or JSON {@code jsonb} cannot hold) is
 * selected whatever the field, for the store to match it once opened.
 */
final class ListSql {

  final String sql;
  final List<Object> parameters;

  private ListSql(String sql, List<Object> parameters) {
    this.sql = sql;
    this.parameters = parameters;
  }

  static ListSql of(ListQuery query) {
    StringBuilder where = new StringBuilder("o.api_group = ?1 AND o.kind = ?2");
    List<Object> parameters = new ArrayList<>(List.of(query.apiGroup(), query.kind()));
    query.namespace().ifPresent(namespace -> and(where, parameters, "o.namespace = ?", namespace));
    for (LabelSelector.Requirement requirement : query.labels().requirements()) {
      label(where, parameters, requirement);
    }
    for (FieldSelector.FieldRequirement requirement : query.fields().requirements()) {
      field(where, parameters, requirement);
    }
    query.after().ifPresent(position -> {
      parameters.add(position.namespace());
      parameters.add(position.name());
      where.append(" AND (o.namespace, o.name) > (?").append(parameters.size() - 1)
          .append(", ?").append(parameters.size()).append(')');
    });
    String sql = "SELECT o.* FROM api_object o WHERE " + where + " ORDER BY o.namespace, o.name";
    if (query.limit() > 0) {
      // One more than asked for tells whether another page follows.
      sql += " LIMIT " + (query.limit() + 1);
    }
    return new ListSql(sql, parameters);
  }

  private static void label(StringBuilder where, List<Object> parameters,
      LabelSelector.Requirement requirement) {
    String key = requirement.key();
    switch (requirement.operator()) {
      case EQUALS -> and(where, parameters, "o.labels @> CAST(? AS jsonb)", pair(key, requirement.values().get(0)));
      case NOT_EQUALS -> and(where, parameters, "NOT (o.labels @> CAST(? AS jsonb))", pair(key, requirement.values().get(0)));
      case EXISTS -> and(where, parameters, "jsonb_exists(o.labels, ?)", key);
      case DOES_NOT_EXIST -> and(where, parameters, "NOT jsonb_exists(o.labels, ?)", key);
      case IN, NOT_IN -> {
        parameters.add(key);
        int keyIndex = parameters.size();
        List<String> placeholders = new ArrayList<>();
        for (String value : requirement.values()) {
          parameters.add(value);
          placeholders.add("?" + parameters.size());
        }
        String set = "(" + String.join(", ", placeholders) + ")";
        where.append(requirement.operator() == LabelSelector.Operator.IN
            ? " AND o.labels ->> ?" + keyIndex + " IN " + set
            : " AND (o.labels ->> ?" + keyIndex + " IS NULL OR o.labels ->> ?" + keyIndex
                + " NOT IN " + set + ")");
      }
      case GREATER_THAN, LESS_THAN -> {
        // Only labels holding an integer compare; the CASE keeps the cast from failing on others
        // (no braces or question marks in the pattern: Hibernate parses native SQL for both).
        parameters.add(key);
        int keyIndex = parameters.size();
        parameters.add(Long.parseLong(requirement.values().get(0)));
        where.append(" AND CASE WHEN o.labels ->> ?").append(keyIndex)
            .append(" SIMILAR TO '(-|)[0-9]+' AND length(o.labels ->> ?").append(keyIndex)
            .append(") < 19 THEN (o.labels ->> ?").append(keyIndex)
            .append(")::bigint ").append(requirement.operator() == LabelSelector.Operator.GREATER_THAN ? ">" : "<")
            .append(" ?").append(parameters.size()).append(" ELSE false END");
      }
      default -> throw new IllegalStateException("unknown operator " + requirement.operator());
    }
  }

  private static void field(StringBuilder where, List<Object> parameters,
      FieldSelector.FieldRequirement requirement) {
    String operator = requirement.equals() ? " = ?" : " <> ?";
    switch (requirement.field()) {
      case "metadata.name" -> and(where, parameters, "o.name" + operator, requirement.value());
      case "metadata.namespace" -> and(where, parameters, "o.namespace" + operator, requirement.value());
      default -> {
        parameters.add("{" + requirement.field().replace('.', ',') + "}");
        int pathIndex = parameters.size();
        parameters.add(requirement.value());
        // a body kept as a JSON string (BodyTransformer.isEnvelope) is matched by the caller
        where.append(" AND (jsonb_typeof(o.body) = 'string' OR coalesce(o.body #>> CAST(?")
            .append(pathIndex).append(" AS text[]), '')")
            .append(requirement.equals() ? " = ?" : " <> ?").append(parameters.size()).append(')');
      }
    }
  }

  /** Appends {@code AND <condition>}, numbering its single {@code ?} as the next parameter. */
  private static void and(StringBuilder where, List<Object> parameters, String condition,
      Object value) {
    parameters.add(value);
    where.append(" AND ").append(condition.replace("?", "?" + parameters.size()));
  }

  private static String pair(String key, String value) {
    return Json.createObjectBuilder().add(key, value).build().toString();
  }
}
