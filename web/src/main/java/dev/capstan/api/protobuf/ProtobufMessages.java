package dev.capstan.api.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1beta1Authentication;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which protobuf message describes a given {@code apiVersion} and {@code kind}. Kinds of
 * {@code meta/v1} (DeleteOptions, ...) travel under every group's version, as in Kubernetes.
 */
final class ProtobufMessages {

  private static final Map<String, FileDescriptor> FILES_BY_API_VERSION = Map.of(
      "v1", V1.getDescriptor(),
      "apps/v1", V1Apps.getDescriptor(),
      "batch/v1", V1Batch.getDescriptor(),
      "policy/v1", V1Policy.getDescriptor(),
      "autoscaling/v1", V1Autoscaling.getDescriptor(),
      "rbac.authorization.k8s.io/v1", V1Rbac.getDescriptor(),
      "authorization.k8s.io/v1", V1Authorization.getDescriptor(),
      // kubectl create token posts its TokenRequest as protobuf
      "authentication.k8s.io/v1", V1Authentication.getDescriptor(),
      "authentication.k8s.io/v1beta1", V1beta1Authentication.getDescriptor());

  private static final Map<String, Descriptor> BY_TYPE = index();

  private ProtobufMessages() {}

  static Optional<Descriptor> forType(String apiVersion, String kind) {
    Descriptor descriptor = BY_TYPE.get(apiVersion + "/" + kind);
    if (descriptor == null && FILES_BY_API_VERSION.containsKey(apiVersion)) {
      descriptor = Meta.getDescriptor().findMessageTypeByName(kind);
    }
    return Optional.ofNullable(descriptor);
  }

  private static Map<String, Descriptor> index() {
    Map<String, Descriptor> index = new HashMap<>();
    FILES_BY_API_VERSION.forEach((apiVersion, file) -> {
      for (Descriptor message : file.getMessageTypes()) {
        index.put(apiVersion + "/" + message.getName(), message);
      }
    });
    return Map.copyOf(index);
  }
}
