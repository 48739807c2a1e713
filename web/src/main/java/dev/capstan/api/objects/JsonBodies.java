package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.core.MediaType;
import java.io.StringReader;

/** Decodes request bodies into JSON objects, turning every kind of bad input into a 4xx Status. */
final class JsonBodies {

  private JsonBodies() {}

  static JsonObject decode(MediaType contentType, String body) {
    if (contentType != null && !contentType.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
      throw Statuses.unsupportedMediaType(contentType.toString());
    }
    if (body == null || body.isBlank()) {
      throw Statuses.badRequest("the request body is empty; expected a JSON object");
    }
    try (JsonReader reader = Json.createReader(new StringReader(body))) {
      JsonValue value = reader.readValue();
      if (value.getValueType() != JsonValue.ValueType.OBJECT) {
        throw Statuses.badRequest("the request body must be a JSON object, not "
            + value.getValueType().name().toLowerCase());
      }
      return value.asJsonObject();
    } catch (JsonParsingException e) {
      throw Statuses.badRequest("json parse error at line " + e.getLocation().getLineNumber()
          + ", column " + e.getLocation().getColumnNumber() + ": " + e.getMessage());
    } catch (JsonException e) {
      throw Statuses.badRequest("json parse error: " + e.getMessage());
    }
  }
}
