package dev.capstan.api.objects;

import dev.capstan.api.protobuf.ProtobufBodies;
import dev.capstan.api.status.Statuses;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.core.MediaType;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decodes request bodies (JSON, YAML, or the protobuf kubectl's typed commands send), turning every kind of bad input into a 4xx Status. A
 * body without a Content-Type is read as JSON, as kube-apiserver does (kubectl sends some
 * requests that way).
 */
final class Bodies {

  private Bodies() {}

  static final MediaType YAML = new MediaType("application", "yaml");

  static JsonObject decode(Optional<MediaType> contentType, byte[] body) {
    if (contentType.isPresent() && ProtobufBodies.isProtobuf(contentType.get())) {
      return ProtobufBodies.decode(body);
    }
    return decode(contentType, text(body));
  }

  static JsonObject decode(Optional<MediaType> contentType, String body) {
    boolean yaml = contentType.map(type -> type.isCompatible(YAML)).orElse(false);
    contentType.ifPresent(type -> {
      if (!type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isCompatible(YAML)) {
        throw Statuses.unsupportedMediaType(type.toString());
      }
    });
    if (yaml && (body == null || body.isBlank())) {
      throw Statuses.badRequest("the request body is empty");
    }
    JsonValue value = yaml ? YamlBodies.decode(body) : decodeValue(body);
    if (value.getValueType() != JsonValue.ValueType.OBJECT) {
      throw Statuses.badRequest("the request body must be a JSON object, not "
          + value.getValueType().name().toLowerCase());
    }
    return value.asJsonObject();
  }

  static String text(byte[] body) {
    return body == null ? "" : new String(body, StandardCharsets.UTF_8);
  }

  /** Any JSON value (a JSON Patch is an array). */
  static JsonValue decodeValue(String body) {
    if (body == null || body.isBlank()) {
      throw Statuses.badRequest("the request body is empty");
    }
    try (JsonReader reader = Json.createReader(new StringReader(body))) {
      return reader.readValue();
    } catch (JsonParsingException e) {
      throw Statuses.badRequest("json parse error at line " + e.getLocation().getLineNumber()
          + ", column " + e.getLocation().getColumnNumber() + ": " + e.getMessage());
    } catch (JsonException e) {
      throw Statuses.badRequest("json parse error: " + e.getMessage());
    }
  }
}
