package dev.capstan.api.objects;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The {@code Warning} response headers of a request's warnings, made as kube-apiserver makes
 * them (its warning recorder, {@code k8s.io/apiserver/pkg/endpoints/filters/warning.go}, and
 * {@code net.NewWarningHeader}), so that no warning can break a client's reading of the answer:
 *
 * <ul>
 *   <li>{@code 299 - "text"}, with {@code "} and {@code \} escaped in the quoted text;
 *   <li>a text holding a control character (a NUL, a line break...) or that is not valid UTF-8
 *       (a lone surrogate) is not sent at all, as Kubernetes drops it: a header cannot carry it;
 *   <li>empty and repeated texts are sent once or not at all;
 *   <li>once the texts add up to more than 4,096 characters, each is cut to 256 and those that
 *       still do not fit are left out;
 *   <li>at most {@value #MAX_HEADERS} headers: the one limit that is Capstan's own. Kubernetes
 *       counts characters only, so a body with a few hundred short unknown fields gets a few
 *       hundred {@code Warning} headers from it; Undertow holds at most 127 values of one header
 *       name and throws on the 128th while the answer is written, which is after the write
 *       committed: a stored object answered with a 500. So the count is bounded here, where the
 *       headers are made, and the warnings past it are left out as those past the 4,096
 *       characters are (Kubernetes adds no "N more" line either).
 * </ul>
 *
 * <p>Go writes a header's bytes as they are, UTF-8; the servlet container writes each character
 * of a header value as one byte. So the value is handed over as its UTF-8 bytes, one character
 * each, and a client reads the UTF-8 Kubernetes would have sent.
 */
final class WarningHeaders {

  static final int TRUNCATE_AT_TOTAL = 4 * 1024;
  static final int TRUNCATE_ITEM = 256;
  static final int MAX_HEADERS = 100;

  private WarningHeaders() {}

  /** The header values, in the order the warnings were given. */
  static List<String> of(List<String> warnings) {
    List<String> texts = new ArrayList<>(new LinkedHashSet<>(warnings));
    texts.removeIf(String::isEmpty);
    List<String> headers = new ArrayList<>();
    int written = 0;
    boolean truncating = false;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (truncating) {
        if (written >= TRUNCATE_AT_TOTAL) {
          break;
        }
        text = truncated(text);
      }
      if (headers.size() >= MAX_HEADERS) {
        break;
      }
      if (!sendable(text)) {
        continue;
      }
      int length = text.codePointCount(0, text.length());
      if (truncating || written + length <= TRUNCATE_AT_TOTAL) {
        written += length;
        headers.add(header(text));
        continue;
      }
      // over the limit: from now on every text is cut, those already written too
      truncating = true;
      written = 0;
      headers.clear();
      for (String earlier : texts.subList(0, i + 1)) {
        String cut = truncated(earlier);
        if (sendable(cut) && headers.size() < MAX_HEADERS) {
          written += cut.codePointCount(0, cut.length());
          headers.add(header(cut));
        }
      }
    }
    return headers;
  }

  /** The text cut to {@link #TRUNCATE_ITEM} characters (code points, as Go cuts runes). */
  private static String truncated(String text) {
    if (text.codePointCount(0, text.length()) <= TRUNCATE_ITEM) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, TRUNCATE_ITEM));
  }

  /** Go's {@code NewWarningHeader} refuses invalid UTF-8 and {@code unicode.IsControl}. */
  private static boolean sendable(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** {@code 299 - "..."}, its UTF-8 bytes as characters (see the class comment). */
  private static String header(String text) {
    StringBuilder value = new StringBuilder(text.length() + 8).append("299 - \"");
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') {
        value.append('\\');
      }
      value.append(c);
    }
    String header = value.append('"').toString();
    return new String(header.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }
}
