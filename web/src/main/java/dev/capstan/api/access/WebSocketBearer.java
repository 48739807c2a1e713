package dev.capstan.api.access;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bearer token of a WebSocket upgrade that cannot carry an {@code Authorization} header: a
 * browser's {@code new WebSocket(url, protocols)} sets no header but its subprotocols, so, as
 * kube-apiserver's WebSocket protocol authenticator does, the token may come as the subprotocol
 * {@code base64url.bearer.authorization.k8s.io.<token in unpadded base64url>} beside the real
 * one (such as {@code v5.channel.k8s.io}), which the server then selects. Only WebSocket upgrade
 * requests are read this way: an ordinary request naming that protocol carries no token.
 */
public final class WebSocketBearer {

  /** The subprotocol prefix kube-apiserver reads the token from. */
  public static final String PROTOCOL_PREFIX = "base64url.bearer.authorization.k8s.io.";

  private WebSocketBearer() {}

  /**
   * The token of a WebSocket upgrade's subprotocols. Empty when the request is no WebSocket
   * upgrade, names no token, or names it wrongly as kube-apiserver refuses it: twice, not in
   * base64url, not UTF-8, or with no other subprotocol for the server to answer with.
   *
   * @param headers a request header's values by its name (any case), empty when absent
   */
  public static Optional<String> token(Function<String, List<String>> headers) {
    if (!isWebSocketUpgrade(headers)) {
      return Optional.empty();
    }
    String token = null;
    int others = 0;
    for (String header : headers.apply("Sec-WebSocket-Protocol")) {
      for (String protocol : header.split(",")) {
        String name = protocol.strip();
        if (!name.startsWith(PROTOCOL_PREFIX)) {
          others += name.isEmpty() ? 0 : 1;
          continue;
        }
        if (token != null) {
          return Optional.empty();
        }
        Optional<String> decoded = decode(name.substring(PROTOCOL_PREFIX.length()));
        if (decoded.isEmpty()) {
          return Optional.empty();
        }
        token = decoded.get();
      }
    }
    return token == null || token.isEmpty() || others == 0 ? Optional.empty() : Optional.of(token);
  }

  /** Whether the request asks to upgrade to WebSocket ({@code Connection: Upgrade}, {@code Upgrade: websocket}). */
  static boolean isWebSocketUpgrade(Function<String, List<String>> headers) {
    boolean upgrade = false;
    for (String connection : headers.apply("Connection")) {
      for (String option : connection.split(",")) {
        upgrade |= option.strip().equalsIgnoreCase("upgrade");
      }
    }
    return upgrade && headers.apply("Upgrade").stream()
        .anyMatch(value -> value.strip().toLowerCase(Locale.ROOT).equals("websocket"));
  }

  private static Optional<String> decode(String encoded) {
    if (encoded.contains("=")) {
      // kube-apiserver reads the raw (unpadded) alphabet only
      return Optional.empty();
    }
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(encoded);
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (IllegalArgumentException | CharacterCodingException e) {
      return Optional.empty();
    }
  }

  /** A header lookup over a map whose names may be in any case (a WebSocket handshake's). */
  public static Function<String, List<String>> headersOf(
      java.util.Map<String, List<String>> headers) {
    return name -> {
      List<String> values = new ArrayList<>();
      headers.forEach((key, value) -> {
        if (key.equalsIgnoreCase(name) && value != null) {
          values.addAll(value);
        }
      });
      return values;
    };
  }
}
