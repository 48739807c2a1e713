package dev.capstan.store.encryption;

import static org.assertj.core.api.Assertions.assertThat;

import dev.capstan.store.entity.ObjectKey;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import org.junit.jupiter.api.Test;

/** Bodies holding U+0000, which {@code jsonb} refuses, are kept as a string and read back exact. */
class NulEscapeTest {

  private static final ObjectKey CONFIG_MAP = new ObjectKey("", "ConfigMap", "default", "cm");
  private static final ObjectKey SECRET = new ObjectKey("", "Secret", "default", "s");

  private final BodyTransformer plain = EncryptionConfigurationTest.transformer("- identity: {}\n");

  @Test
  void aBodyWithNulIsKeptAsAStringAndReadBackExact() {
    String json = Json.createObjectBuilder()
        .add("data", Json.createObjectBuilder().add("k", "a\u0000b\"\\c"))
        .build().toString();

    String stored = plain.toStorage(CONFIG_MAP, json);

    assertThat(stored).startsWith("\"capstan:json:").doesNotContain("\u0000");
    assertThat(BodyTransformer.isEnvelope(stored)).isTrue();
    assertThat(BodyTransformer.prefixOf(stored)).isEmpty();
    String read = plain.fromStorage(CONFIG_MAP, stored).json();
    assertThat(read).isEqualTo(json);
    JsonObject object = Json.createReader(new StringReader(read)).readObject();
    assertThat(object.getJsonObject("data").getString("k")).isEqualTo("a\u0000b\"\\c");
  }

  @Test
  void aBodyWithoutNulStaysTheObject() {
    String json = "{\"data\":{\"k\":\"a\\\\u0000b\"}}"; // an escaped backslash before "u0000"

    assertThat(plain.toStorage(CONFIG_MAP, json)).isEqualTo(json);
    assertThat(BodyTransformer.holdsNul(json)).isFalse();
    assertThat(BodyTransformer.holdsNul("{\"k\":\"a\\\\\\u0000b\"}")).isTrue();
  }

  @Test
  void anEncryptedKindWritingPlainEscapesToo() {
    BodyTransformer identityFirst = EncryptionConfigurationTest.transformer("- identity: {}\n"
        + EncryptionConfigurationTest.aes("aesgcm", "key1", EncryptionConfigurationTest.key(32)));
    String json = "{\"metadata\":{\"annotations\":{\"a\":\"x\\u0000\"}}}";

    String stored = identityFirst.toStorage(SECRET, json);

    assertThat(stored).startsWith("\"capstan:json:");
    assertThat(identityFirst.fromStorage(SECRET, stored).json()).isEqualTo(json);
  }
}
