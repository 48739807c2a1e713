package dev.capstan.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebSocketBearerTest {

  private static final Map<String, List<String>> UPGRADE = Map.of(
      "connection", List.of("keep-alive, Upgrade"), "upgrade", List.of("websocket"));

  private static String protocol(String token) {
    return WebSocketBearer.PROTOCOL_PREFIX + Base64.getUrlEncoder().withoutPadding()
        .encodeToString(token.getBytes(StandardCharsets.UTF_8));
  }

  private static Optional<String> token(Map<String, List<String>> base, String... protocols) {
    var headers = new java.util.HashMap<>(base);
    headers.put("sec-websocket-protocol", List.of(protocols));
    return WebSocketBearer.token(WebSocketBearer.headersOf(headers));
  }

  @Test
  void aBrowsersUpgradeCarriesItsTokenBesideTheChannelProtocol() {
    // a JWT's dots and an opaque token's characters survive the base64url round trip
    assertThat(token(UPGRADE, "v5.channel.k8s.io, " + protocol("eyJh.bG?c>i~"), "v4.channel.k8s.io"))
        .contains("eyJh.bG?c>i~");
    assertThat(token(UPGRADE, protocol("t0ken") + ",v4.channel.k8s.io")).contains("t0ken");
  }

  @Test
  void onlyAWebSocketUpgradeIsReadSo() {
    assertThat(token(Map.of(), "v5.channel.k8s.io", protocol("t0ken"))).isEmpty();
    assertThat(token(Map.of("connection", List.of("Upgrade"), "upgrade", List.of("SPDY/3.1")),
        "v5.channel.k8s.io", protocol("t0ken"))).isEmpty();
  }

  @Test
  void aTokenNamedWronglyIsNoToken() {
    // no other protocol for the server to answer with
    assertThat(token(UPGRADE, protocol("t0ken"))).isEmpty();
    // twice
    assertThat(token(UPGRADE, "v5.channel.k8s.io", protocol("a"), protocol("b"))).isEmpty();
    // padded, or not base64url, or not UTF-8
    assertThat(token(UPGRADE, "v5.channel.k8s.io", WebSocketBearer.PROTOCOL_PREFIX + "YQ==")).isEmpty();
    assertThat(token(UPGRADE, "v5.channel.k8s.io", WebSocketBearer.PROTOCOL_PREFIX + "a+b/")).isEmpty();
    assertThat(token(UPGRADE, "v5.channel.k8s.io", WebSocketBearer.PROTOCOL_PREFIX
        + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {(byte) 0xff}))).isEmpty();
    // empty
    assertThat(token(UPGRADE, "v5.channel.k8s.io", WebSocketBearer.PROTOCOL_PREFIX)).isEmpty();
    // none at all
    assertThat(token(UPGRADE, "v5.channel.k8s.io")).isEmpty();
  }
}
