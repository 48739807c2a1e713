package dev.capstan.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.kinds.ResourceTypes;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigDataTest {

  @Test
  void aKeyOutOfTheVolumeIsInvalidInKubernetesWords() {
    List<FieldError> errors = ObjectValidation.validateCreate(ResourceTypes.CONFIG_MAP,
        configMap(Json.createObjectBuilder().add("../x", "y").add("ok.key_-1", "z").build()));

    assertThat(errors).extracting(FieldError::toString).containsExactly(
        "data[../x]: Invalid value: \"../x\": a valid config key must consist of alphanumeric"
            + " characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name',"
            + " regex used for validation is '[-._a-zA-Z0-9]+')",
        "data[../x]: Invalid value: \"../x\": must not start with '..'");
  }

  @Test
  void dotAndDotDotAreNotKeys() {
    assertThat(ObjectValidation.validateCreate(ResourceTypes.CONFIG_MAP,
        configMap(Json.createObjectBuilder().add(".", "a").add("..", "b").build())))
        .extracting(FieldError::message)
        .containsExactly("Invalid value: \".\": must not be '.'", "Invalid value: \"..\": must not be '..'");
  }

  @Test
  void aKeyInBothDataAndBinaryDataIsRefused() {
    JsonObject object = Json.createObjectBuilder(configMap(Json.createObjectBuilder().add("a", "b").build()))
        .add("binaryData", Json.createObjectBuilder().add("a", "Yg==")).build();

    assertThat(ObjectValidation.validateCreate(ResourceTypes.CONFIG_MAP, object))
        .extracting(FieldError::toString).containsExactly(
            "data[a]: Invalid value: \"a\": duplicate of key present in binaryData",
            "binaryData[a]: Invalid value: \"a\": duplicate of key present in data");
  }

  @Test
  void dataOverOneMebibyteIsTooLong() {
    JsonObject exactly = configMap(Json.createObjectBuilder().add("a", "x".repeat(1024 * 1024)).build());
    JsonObject over = configMap(Json.createObjectBuilder().add("a", "x".repeat(1024 * 1024))
        .add("b", "x".repeat(10)).build());

    assertThat(ObjectValidation.validateCreate(ResourceTypes.CONFIG_MAP, exactly)).isEmpty();
    assertThat(ObjectValidation.validateCreate(ResourceTypes.CONFIG_MAP, over))
        .extracting(FieldError::toString)
        .containsExactly("[]: Too long: must have at most 1048576 bytes");
  }

  @Test
  void secretDataIsCountedDecoded() {
    // 1 MiB of data is 1,398,104 characters of base64
    String base64 = java.util.Base64.getEncoder().encodeToString(new byte[1024 * 1024]);
    JsonObject exactly = secret(base64);
    JsonObject over = secret(java.util.Base64.getEncoder().encodeToString(new byte[1024 * 1024 + 3]));

    assertThat(ObjectValidation.validateCreate(ResourceTypes.SECRET, exactly)).isEmpty();
    assertThat(ObjectValidation.validateCreate(ResourceTypes.SECRET, over))
        .extracting(FieldError::toString)
        .containsExactly("data: Too long: must have at most 1048576 bytes");
  }

  @Test
  void annotationsOver256KiBAreTooLong() {
    JsonObject object = Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "cm").add("annotations",
            Json.createObjectBuilder().add("a", "x".repeat(256 * 1024)))).build();

    assertThat(ObjectValidation.validateCreate(ResourceTypes.CONFIG_MAP, object))
        .extracting(FieldError::toString)
        .containsExactly("metadata.annotations: Too long: must have at most 262144 bytes");
  }

  private static JsonObject configMap(JsonObject data) {
    return Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "cm"))
        .add("data", data).build();
  }

  private static JsonObject secret(String value) {
    return Json.createObjectBuilder()
        .add("metadata", Json.createObjectBuilder().add("name", "s"))
        .add("data", Json.createObjectBuilder().add("a", value)).build();
  }
}
