package dev.capstan.api.table;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.kinds.ResourceType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Renders objects as a {@code meta.k8s.io/v1 Table}, what {@code kubectl get} asks for: column
 * definitions, one row of cells per object, and per row the object as {@code includeObject}
 * says: {@code Metadata} (a PartialObjectMetadata, the default), {@code Object} or {@code None}.
 */
@ApplicationScoped
public class Tables {

  private final KindColumns columns = new KindColumns(Clock.systemUTC());

  public JsonObject list(ResourceType type, JsonObject list, Optional<String> includeObject) {
    return table(type, list.getJsonArray("items").getValuesAs(JsonObject.class),
        list.getJsonObject("metadata"), includeObject);
  }

  public JsonObject single(ResourceType type, JsonObject object, Optional<String> includeObject) {
    JsonObject metadata = object.getJsonObject("metadata");
    JsonObjectBuilder listMetadata = Json.createObjectBuilder();
    if (metadata != null && metadata.containsKey("resourceVersion")) {
      listMetadata.add("resourceVersion", metadata.get("resourceVersion"));
    }
    return table(type, List.of(object), listMetadata.build(), includeObject);
  }

  private JsonObject table(ResourceType type, List<JsonObject> objects, JsonObject listMetadata,
      Optional<String> includeObject) {
    String include = includeObject.orElse("Metadata");
    if (!List.of("None", "Metadata", "Object").contains(include)) {
      throw Statuses.badRequest("includeObject: Unsupported value: \"" + include
          + "\": supported values: \"None\", \"Metadata\", \"Object\"");
    }
    List<Column> kindColumns = columns.of(type.group(), type.kind());
    JsonArrayBuilder definitions = Json.createArrayBuilder();
    for (Column column : kindColumns) {
      definitions.add(Json.createObjectBuilder()
          .add("name", column.name())
          .add("type", column.type())
          .add("format", column.format())
          .add("description", column.description())
          .add("priority", column.priority()));
    }
    JsonArrayBuilder rows = Json.createArrayBuilder();
    for (JsonObject object : objects) {
      JsonArrayBuilder cells = Json.createArrayBuilder();
      for (Column column : kindColumns) {
        cells.add(column.cell().apply(object));
      }
      JsonObjectBuilder row = Json.createObjectBuilder().add("cells", cells);
      switch (include) {
        case "Object" -> row.add("object", object);
        case "Metadata" -> row.add("object", Json.createObjectBuilder()
            .add("kind", "PartialObjectMetadata")
            .add("apiVersion", "meta.k8s.io/v1")
            .add("metadata", object.getOrDefault("metadata", JsonValue.EMPTY_JSON_OBJECT)));
        default -> { }
      }
      rows.add(row);
    }
    return Json.createObjectBuilder()
        .add("kind", "Table")
        .add("apiVersion", "meta.k8s.io/v1")
        .add("metadata", listMetadata)
        .add("columnDefinitions", definitions)
        .add("rows", rows)
        .build();
  }
}
