package dev.capstan.api.access.audit;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;

/**
 * The first bytes of a body, kept for its audit event: past the bound the copy is abandoned
 * (the event then has no body), so a large body costs no more than the bound.
 */
final class BoundedCopy {

  /** The largest body an audit event carries. */
  static final int LIMIT = 256 * 1024;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private boolean overflowed;

  synchronized void add(byte[] buffer, int offset, int length) {
    if (overflowed || length <= 0) {
      return;
    }
    if (bytes.size() + length > LIMIT) {
      overflowed = true;
      bytes.reset();
      return;
    }
    bytes.write(buffer, offset, length);
  }

  synchronized void add(int b) {
    add(new byte[] {(byte) b}, 0, 1);
  }

  /** The body as a JSON object, or null when it is not one (or was too large). */
  synchronized JsonObject json() {
    if (overflowed || bytes.size() == 0) {
      return null;
    }
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      JsonValue value = reader.readValue();
      return value instanceof JsonObject object ? object : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
