package dev.capstan.api.access.audit;

import dev.capstan.jsonp.Json;
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

  /**
   * The body as a JSON object, or null when it is not one (or was too large). A protobuf body
   * (kubectl's typed commands send them; they start with Kubernetes' magic {@code k8s\0}) is
   * logged as the JSON object it decodes to, as kube-apiserver logs it.
   */
  synchronized JsonObject json() {
    if (overflowed || bytes.size() == 0) {
      return null;
    }
    byte[] body = bytes.toByteArray();
    if (body.length > 4 && body[0] == 'k' && body[1] == '8' && body[2] == 's' && body[3] == 0) {
      try {
        return dev.capstan.api.protobuf.ProtobufBodies.decode(body);
      } catch (RuntimeException e) {
        return null;
      }
    }
    try (JsonReader reader = Json.createReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      JsonValue value = reader.readValue();
      return value instanceof JsonObject object ? object : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
