package dev.capstan.it.fuzz;

import java.nio.charset.StandardCharsets;

/**
 * One request the fuzzer sends.
 *
 * @param method the HTTP method
 * @param path the path and query, already encoded as it goes on the wire
 * @param contentType the body's media type, or {@code null} for none
 * @param body the body's bytes (not necessarily UTF-8), or {@code null}
 * @param streaming whether a 2xx answer is a stream that does not end (a watch, a followed log):
 *     then only its status and first bytes are awaited
 */
public record FuzzRequest(String method, String path, String contentType, byte[] body,
    boolean streaming) {

  static FuzzRequest json(String method, String path, String contentType, String body) {
    return new FuzzRequest(method, path, contentType,
        body == null ? null : body.getBytes(StandardCharsets.UTF_8), false);
  }

  static FuzzRequest get(String path) {
    return new FuzzRequest("GET", path, null, null, false);
  }

  boolean writes() {
    return !method.equals("GET") && !path.contains("dryRun=All");
  }

  /** The request as a curl command line (a long body is cut; its seed regenerates it whole). */
  public String curl(String api) {
    StringBuilder command = new StringBuilder("curl -sk -X ").append(method)
        .append(" -H \"Authorization: Bearer $TOKEN\"");
    if (contentType != null) {
      command.append(" -H 'Content-Type: ").append(contentType).append('\'');
    }
    command.append(" '").append(api).append(path).append('\'');
    if (body != null) {
      boolean cut = body.length > 2000;
      byte[] shown = cut ? java.util.Arrays.copyOf(body, 2000) : body;
      boolean plain = true;
      for (byte b : shown) {
        plain &= b >= 0x20 && b < 0x7f && b != '\'';
      }
      if (plain) {
        command.append(" --data-binary '").append(new String(shown, StandardCharsets.US_ASCII))
            .append('\'');
      } else {
        command.insert(0, "printf '%b' '" + escape(shown) + "' | ").append(" --data-binary @-");
      }
      if (cut) {
        command.append("   # body cut at 2000 of ").append(body.length).append(" bytes");
      }
    }
    return command.toString();
  }

  private static String escape(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
        out.append((char) c);
      } else {
        out.append(String.format("\\x%02x", c));
      }
    }
    return out.toString();
  }

  public int size() {
    return body == null ? 0 : body.length;
  }
}
