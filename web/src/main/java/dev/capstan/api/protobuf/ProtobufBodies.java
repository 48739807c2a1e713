package dev.capstan.api.protobuf;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Descriptors.Descriptor;
import dev.capstan.api.status.Statuses;
import io.kubernetes.client.proto.Runtime.Unknown;
import jakarta.json.JsonObject;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;

/**
 * Decodes a body of media type {@code application/vnd.kubernetes.protobuf}: the four bytes
 * {@code k8s\0}, then a {@code runtime.Unknown} envelope naming the type and holding the object's
 * own encoding.
 */
public final class ProtobufBodies {

  public static final MediaType MEDIA_TYPE = new MediaType("application", "vnd.kubernetes.protobuf");

  private static final byte[] MAGIC = {'k', '8', 's', 0};

  private ProtobufBodies() {}

  public static boolean isProtobuf(MediaType type) {
    return type.isCompatible(MEDIA_TYPE);
  }

  public static JsonObject decode(byte[] body) {
    if (body == null || body.length == 0) {
      throw Statuses.badRequest("the request body is empty");
    }
    if (body.length < MAGIC.length
        || !Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw Statuses.badRequest("protobuf body does not start with the Kubernetes prefix \"k8s\\x00\"");
    }
    try {
      Unknown envelope = Unknown.parseFrom(
          java.nio.ByteBuffer.wrap(body, MAGIC.length, body.length - MAGIC.length));
      String apiVersion = envelope.getTypeMeta().getApiVersion();
      String kind = envelope.getTypeMeta().getKind();
      if (kind.isEmpty()) {
        throw Statuses.badRequest("protobuf body names no kind");
      }
      if (!envelope.getContentEncoding().isEmpty()) {
        throw Statuses.badRequest("protobuf content encoding \"" + envelope.getContentEncoding()
            + "\" is not supported");
      }
      Descriptor descriptor = ProtobufMessages.forType(apiVersion, kind)
          .orElseThrow(() -> Statuses.unsupportedMediaType(
              "protobuf for " + apiVersion + " " + kind));
      DynamicMessage message = DynamicMessage.parseFrom(descriptor, envelope.getRaw());
      return ProtobufJson.toJson(message, apiVersion, kind);
    } catch (InvalidProtocolBufferException e) {
      throw Statuses.badRequest("protobuf body cannot be decoded: " + e.getMessage());
    }
  }
}
