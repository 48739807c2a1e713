package dev.capstan.it.fuzz;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;

/**
 * Decodes stored objects into the fabric8 model as strictly as Go's {@code encoding/json}
 * decodes them into the Kubernetes types kubectl uses: no number where a string is declared
 * (Jackson would quietly coerce {@code 5} into {@code "5"}), no string or fraction where an
 * integer is, no value outside its integer type. An object the server stored that fails here
 * is one that breaks {@code kubectl describe} for everyone who reads it.
 */
public final class StrictDecoder {

  /** Reads any response, however deep or large, as Go's decoder would (10,000 levels). */
  static final ObjectMapper TREES = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .withCoercionConfig(LogicalType.Textual, config -> config
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Integer, config -> config
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Float, config -> config
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Boolean, config -> config
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.POJO, config -> config
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.String, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Map, config -> config
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Collection, config -> config
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
      .build();

  static {
    StreamReadConstraints generous = StreamReadConstraints.builder()
        .maxNestingDepth(10_001).maxStringLength(200_000_000).maxNumberLength(200_000)
        .maxDocumentLength(-1).build();
    TREES.getFactory().setStreamReadConstraints(generous);
    STRICT.getFactory().setStreamReadConstraints(generous);
  }

  private StrictDecoder() {}

  /** Parses a response body; throws on anything that is not one JSON value. */
  static JsonNode tree(String json) throws java.io.IOException {
    return TREES.readTree(json);
  }

  /**
   * Decodes the object into its model class, or says why it cannot be: the message Jackson gives
   * (field path and type), or {@code null} when it decodes.
   */
  public static String problem(JsonNode object, Class<?> model) {
    try {
      STRICT.treeToValue(object, model);
      return null;
    } catch (Exception e) {
      String message = e.getMessage();
      String text = (message == null ? e.toString() : message).replaceAll("\\s+", " ");
      return text.length() > 400 ? text.substring(0, 400) + "..." : text;
    }
  }
}
