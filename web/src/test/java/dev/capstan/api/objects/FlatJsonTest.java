package dev.capstan.api.objects;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

  private static JsonObject decode(String json) {
    return Bodies.decode(Optional.empty(), json);
  }

  @Test
  void loneSurrogateEscapesDecodeToTheReplacementCharacterAsGosDecoder() {
    JsonObject object = decode("{\"a\":\"x\\ud800y\",\"b\":\"\\udc00\",\"c\":\"\\ud800\\ud800\","
        + "\"d\":\"\\ud800\\u0041\",\"\\udbff\":\"key\"}");

    assertThat(object.getString("a")).isEqualTo("x\uFFFDy");
    assertThat(object.getString("b")).isEqualTo("\uFFFD");
    assertThat(object.getString("c")).isEqualTo("\uFFFD\uFFFD");
    assertThat(object.getString("d")).isEqualTo("\uFFFDA");
    assertThat(object.getString("\uFFFD")).isEqualTo("key");
  }

  @Test
  void pairsAndPlainStringsStayAsTheyAre() {
    String plain = "no surrogates here";
    assertThat(FlatJson.withoutLoneSurrogates(plain)).isSameAs(plain);
    assertThat(decode("{\"a\":\"\\ud83d\\ude00 \\ud800\\udc00\"}").getString("a"))
        .isEqualTo("\uD83D\uDE00 \uD800\uDC00");
  }
}
