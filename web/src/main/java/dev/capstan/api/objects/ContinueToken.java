package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import dev.capstan.store.ListQuery;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque {@code continue} token of a paged list: the list's revision and the position the
 * page ended at, base64url-encoded JSON. A token that does not decode is a 400, as in Kubernetes.
 */
final class ContinueToken {

  private ContinueToken() {}

  static String encode(long revision, ListQuery.Position position) {
    String json = Json.createObjectBuilder()
        .add("v", "capstan.dev/v1")
        .add("rv", revision)
        .add("ns", position.namespace())
        .add("name", position.name())
        .build().toString();
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static ListQuery.Position decode(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
          || c == '_')) {
        // Go's base64.RawURLEncoding error, as kube-apiserver quotes it
        throw invalid("illegal base64 data at input byte " + i);
      }
    }
    try (JsonReader reader = Json.createReader(new StringReader(
        new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8)))) {
      JsonObject json = reader.readObject();
      return new ListQuery.Position(json.getString("ns"), json.getString("name"));
    } catch (RuntimeException e) {
      throw invalid(e.getMessage());
    }
  }

  /** kube-apiserver's words: {@code invalid continue token: continue key is not valid: ...}. */
  private static RuntimeException invalid(String why) {
    return Statuses.badRequest("invalid continue token: continue key is not valid: " + why);
  }
}
