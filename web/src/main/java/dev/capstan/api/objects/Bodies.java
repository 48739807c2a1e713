package dev.capstan.api.objects;

import dev.capstan.api.protobuf.ProtobufBodies;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.core.MediaType;
import dev.capstan.limits.RequestLimits;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Decodes request bodies (JSON, YAML, or the protobuf kubectl's typed commands send), turning every kind of bad input into a 4xx Status. A
 * body without a Content-Type is read as JSON, as kube-apiserver does (kubectl sends some
 * requests that way).
 *
 * <p>As kube-apiserver, a body may be at most {@link RequestLimits#MAX_REQUEST_BYTES} (413), JSON
 * may nest up to {@link RequestLimits#MAX_JSON_DEPTH} levels (Go's decoder; Parsson's own default
 * of 1,000 would refuse what Kubernetes accepts) and nothing but white space may follow the value
 * (Go's {@code invalid character 'x' after top-level value}).
 */
final class Bodies {

  /** Parsson's name for its nesting limit ({@code org.eclipse.parsson.api.JsonConfig.MAX_DEPTH}). */
  private static final String PARSSON_MAX_DEPTH = "org.eclipse.parsson.maxDepth";

  private static final JsonParserFactory PARSERS = Json.createParserFactory(
      // Parsson refuses a value as deep as its maxDepth; Go's decoder accepts as deep as its limit
      Map.of(PARSSON_MAX_DEPTH, RequestLimits.MAX_JSON_DEPTH + 1));

  private Bodies() {}

  static final MediaType YAML = new MediaType("application", "yaml");

  static JsonObject decode(Optional<MediaType> contentType, byte[] body) {
    requireWithinLimit(body);
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

  /** The body as text, once it is known to be no larger than a request may be. */
  static String text(byte[] body) {
    requireWithinLimit(body);
    return body == null ? "" : new String(body, StandardCharsets.UTF_8);
  }

  /** 413 as kube-apiserver answers a body over {@code --max-request-body-bytes}. */
  static void requireWithinLimit(byte[] body) {
    if (body != null && body.length > RequestLimits.MAX_REQUEST_BYTES) {
      throw Statuses.requestEntityTooLarge("limit is " + RequestLimits.MAX_REQUEST_BYTES);
    }
  }

  /** Any JSON value (a JSON Patch is an array). */
  static JsonValue decodeValue(String body) {
    if (body == null || body.isBlank()) {
      throw Statuses.badRequest("the request body is empty");
    }
    try (JsonParser parser = PARSERS.createParser(new StringReader(body))) {
      JsonValue value = FlatJson.read(parser);
      long end = parser.getLocation().getStreamOffset();
      boolean trailing;
      try {
        trailing = parser.hasNext();
      } catch (JsonParsingException e) {
        trailing = true;
      }
      if (trailing) {
        throw Statuses.badRequest("json parse error: " + afterValue(body, end));
      }
      return value;
    } catch (JsonParsingException e) {
      throw Statuses.badRequest("json parse error at line " + e.getLocation().getLineNumber()
          + ", column " + e.getLocation().getColumnNumber() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof dev.capstan.api.status.ApiException api) {
        throw api;
      }
      if (e.getMessage() != null && e.getMessage().startsWith("Input is too deeply nested")) {
        // Parsson's maxDepth (a plain RuntimeException)
        throw Statuses.badRequest("json parse error: exceeded max depth");
      }
      throw Statuses.badRequest("json parse error: " + e.getMessage());
    }
  }

  /** Go's words for what follows a complete value: {@code invalid character 'x' after ...}. */
  private static String afterValue(String body, long end) {
    int i = (int) Math.max(0, Math.min(end, body.length()));
    while (i < body.length() && Character.isWhitespace(body.charAt(i))) {
      i++;
    }
    String character = i < body.length() ? String.valueOf(body.charAt(i)) : "?";
    return "invalid character '" + character + "' after top-level value";
  }
}
