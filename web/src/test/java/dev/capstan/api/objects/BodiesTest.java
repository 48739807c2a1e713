package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.capstan.api.status.ApiException;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BodiesTest {

  private static final Optional<MediaType> JSON = Optional.of(MediaType.APPLICATION_JSON_TYPE);

  @Test
  void jsonNestedTenThousandDeepIsAccepted() {
    String body = "{\"x\":" + "[".repeat(9_999) + "]".repeat(9_999) + "}";

    JsonObject object = Bodies.decode(JSON, body.getBytes(StandardCharsets.UTF_8));

    assertThat(object.containsKey("x")).isTrue();
  }

  @Test
  void jsonNestedDeeperIsABadRequest() {
    String body = "{\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";

    assertThatThrownBy(() -> Bodies.decode(JSON, body.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status().getInt("code")).isEqualTo(400);
          assertThat(e.status().getString("message")).isEqualTo("json parse error: exceeded max depth");
        });
  }

  @Test
  void trailingGarbageIsABadRequest() {
    assertThatThrownBy(() -> Bodies.decode(JSON, "{\"a\":1} x".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status().getString("message"))
            .isEqualTo("json parse error: invalid character 'x' after top-level value"));
    assertThatThrownBy(() -> Bodies.decodeValue("[1]]"))
        .isInstanceOf(ApiException.class);
    assertThat(Bodies.decodeValue("  {\"a\":1}\n\n").asJsonObject().getInt("a")).isEqualTo(1);
  }

  @Test
  void aBodyOverThreeMebibytesIs413() {
    byte[] body = new byte[3 * 1024 * 1024 + 1];

    assertThatThrownBy(() -> Bodies.decode(JSON, body))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status().getInt("code")).isEqualTo(413);
          assertThat(e.status().getString("reason")).isEqualTo("RequestEntityTooLarge");
          assertThat(e.status().getString("message"))
              .isEqualTo("Request entity too large: limit is 3145728");
        });
  }

  @Test
  void yamlNestedAHundredThousandDeepIsABadRequestNotAStackOverflow() {
    String body = "x: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n";

    assertThatThrownBy(() -> YamlBodies.decode(body))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status().getInt("code")).isEqualTo(400);
          assertThat(e.status().getString("message")).isEqualTo("yaml: exceeded max depth of 1000");
        });
  }
}
