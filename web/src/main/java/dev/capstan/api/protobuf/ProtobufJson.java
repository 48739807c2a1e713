package dev.capstan.api.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.capstan.api.status.Statuses;
import dev.capstan.jsonp.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a decoded Kubernetes protobuf message into the JSON Kubernetes would have written for the
 * same Go value.
 *
 * <p>Go's protobuf encoder writes every non-pointer field, zero or not, so presence on the wire
 * says little; Go's JSON encoder then leaves out zero scalars ({@code omitempty}). The same rule
 * applies here, except for the optional (pointer) fields whose zero value means something of its
 * own ({@code replicas: 0}, {@code runAsUser: 0}, {@code optional: false}, ...), which are kept.
 * Messages are kept even when empty ({@code emptyDir: {}} chooses a volume type). The types
 * apimachinery encodes specially (times, quantities, int-or-string, raw JSON) get their JSON form.
 */
final class ProtobufJson {

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";

  /** Pointer fields of Kubernetes' types whose zero value differs from leaving them out. */
  private static final Set<String> MEANINGFUL_ZERO = Set.of(
      "replicas", "parallelism", "completions", "backoffLimit", "backoffLimitPerIndex",
      "maxFailedIndexes", "activeDeadlineSeconds", "terminationGracePeriodSeconds",
      "gracePeriodSeconds", "revisionHistoryLimit", "progressDeadlineSeconds",
      "ttlSecondsAfterFinished", "startingDeadlineSeconds", "successfulJobsHistoryLimit",
      "failedJobsHistoryLimit", "suspend", "manualSelector", "automountServiceAccountToken",
      "privileged", "readOnlyRootFilesystem", "runAsNonRoot", "runAsUser", "runAsGroup",
      "fsGroup", "allowPrivilegeEscalation", "hostUsers", "enableServiceLinks",
      "shareProcessNamespace", "optional", "defaultMode", "mode", "immutable", "readOnly",
      "expirationSeconds", "tolerationSeconds", "priority", "allocateLoadBalancerNodePorts",
      "publishNotReadyAddresses", "ready", "serving", "terminating", "orphanDependents",
      "blockOwnerDeletion", "controller", "unschedulable",
      "healthCheckNodePort");

  /**
   * Go structs embedded with {@code json:",inline"}: a field of their own in protobuf, their
   * fields spread into the parent in JSON.
   */
  private static final Set<String> INLINE = Set.of(
      "k8s.io.api.core.v1.Volume.volumeSource",
      "k8s.io.api.core.v1.Probe.handler",
      "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource",
      "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon");

  private ProtobufJson() {}

  static JsonObject toJson(Message message, String apiVersion, String kind) {
    JsonObjectBuilder object = Json.createObjectBuilder();
    if (!apiVersion.isEmpty()) {
      object.add("apiVersion", apiVersion);
    }
    object.add("kind", kind);
    object.addAll(messageFields(message, kind));
    return object.build();
  }

  private static JsonObjectBuilder messageFields(Message message, String path) {
    if (!message.getUnknownFields().asMap().isEmpty()) {
      throw Statuses.badRequest("protobuf body: " + path + " holds fields numbered "
          + message.getUnknownFields().asMap().keySet()
          + " that this server's Kubernetes types do not know; send the object as JSON");
    }
    JsonObjectBuilder object = Json.createObjectBuilder();
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      String name = field.getJsonName();
      String fieldPath = path + "." + name;
      if (field.isMapField()) {
        JsonObjectBuilder map = Json.createObjectBuilder();
        for (Object item : (List<?>) entry.getValue()) {
          Message pair = (Message) item;
          FieldDescriptor keyField = pair.getDescriptorForType().findFieldByName("key");
          FieldDescriptor valueField = pair.getDescriptorForType().findFieldByName("value");
          String key = String.valueOf(pair.getField(keyField));
          JsonValue value = value(valueField, pair.getField(valueField), fieldPath + "[" + key + "]");
          if (value != null) {
            map.add(key, value);
          }
        }
        object.add(name, map);
      } else if (field.isRepeated()) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        List<?> items = (List<?>) entry.getValue();
        for (int i = 0; i < items.size(); i++) {
          JsonValue value = value(field, items.get(i), fieldPath + "[" + i + "]");
          array.add(value == null ? JsonValue.NULL : value);
        }
        object.add(name, array);
      } else if (INLINE.contains(field.getFullName())) {
        object.addAll(messageFields((Message) entry.getValue(), path));
      } else {
        JsonValue value = value(field, entry.getValue(), fieldPath);
        if (value != null && (!isZero(value) || MEANINGFUL_ZERO.contains(name))) {
          object.add(name, value);
        }
      }
    }
    return object;
  }

  /** The JSON for one value; null for a value Go's JSON leaves out (a zero time). */
  private static JsonValue value(FieldDescriptor field, Object value, String path) {
    return switch (field.getJavaType()) {
      case STRING -> Json.createValue((String) value);
      case INT -> Json.createValue((Integer) value);
      case LONG -> Json.createValue((Long) value);
      case FLOAT -> Json.createValue((double) (Float) value);
      case DOUBLE -> Json.createValue((Double) value);
      case BOOLEAN -> (Boolean) value ? JsonValue.TRUE : JsonValue.FALSE;
      case BYTE_STRING -> Json.createValue(
          Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case ENUM -> Json.createValue(value.toString());
      case MESSAGE -> message((Message) value, path);
    };
  }

  private static JsonValue message(Message message, String path) {
    Descriptor type = message.getDescriptorForType();
    return switch (type.getFullName()) {
      case META + "Time" -> time(message, false);
      case META + "MicroTime" -> time(message, true);
      case META + "Duration" -> Json.createValue(goDuration(longField(message, "duration")));
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" ->
          Json.createValue(stringField(message, "string"));
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" ->
          longField(message, "type") == 1
              ? Json.createValue(stringField(message, "strVal"))
              : Json.createValue((int) longField(message, "intVal"));
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1" ->
          rawJson(bytesField(message, "raw", "Raw"), path);
      default -> messageFields(message, path).build();
    };
  }

  private static JsonValue time(Message message, boolean micro) {
    long seconds = longField(message, "seconds");
    long nanos = longField(message, "nanos");
    if (seconds == 0 && nanos == 0) {
      return null;
    }
    Instant instant = Instant.ofEpochSecond(seconds, nanos);
    return Json.createValue(micro
        ? DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
            .withZone(java.time.ZoneOffset.UTC).format(instant)
        : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS)));
  }

  private static JsonValue rawJson(ByteString raw, String path) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    try (JsonReader reader = Json.createReader(new StringReader(raw.toString(StandardCharsets.UTF_8)))) {
      return reader.readValue();
    } catch (RuntimeException e) {
      throw Statuses.badRequest("protobuf body: " + path + " is not JSON: " + e.getMessage());
    }
  }

  /** Go's {@code time.Duration.String()}: 1h2m3.5s, 1.5s, 2ms, 0s. */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder text = new StringBuilder(nanos < 0 ? "-" : "");
    long magnitude = Math.abs(nanos);
    if (magnitude < 1_000_000_000L) {
      if (magnitude < 1_000) {
        return text.append(magnitude).append("ns").toString();
      }
      String unit = magnitude < 1_000_000 ? "µs" : "ms";
      long scale = magnitude < 1_000_000 ? 1_000 : 1_000_000;
      return text.append(fraction(magnitude, scale)).append(unit).toString();
    }
    long hours = magnitude / 3_600_000_000_000L;
    long minutes = magnitude / 60_000_000_000L % 60;
    long rest = magnitude % 60_000_000_000L;
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      text.append(minutes).append('m');
    }
    return text.append(fraction(rest, 1_000_000_000L)).append('s').toString();
  }

  private static String fraction(long value, long scale) {
    String whole = Long.toString(value / scale);
    long remainder = value % scale;
    if (remainder == 0) {
      return whole;
    }
    String digits = String.format("%0" + Long.toString(scale).length() + "d", remainder)
        .substring(1).replaceAll("0+$", "");
    return whole + "." + digits;
  }

  private static boolean isZero(JsonValue value) {
    return switch (value.getValueType()) {
      case STRING -> ((jakarta.json.JsonString) value).getString().isEmpty();
      case NUMBER -> ((jakarta.json.JsonNumber) value).doubleValue() == 0;
      case FALSE -> true;
      default -> false;
    };
  }

  private static long longField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    return field == null ? 0 : ((Number) message.getField(field)).longValue();
  }

  private static String stringField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    return field == null ? "" : (String) message.getField(field);
  }

  private static ByteString bytesField(Message message, String... names) {
    for (String name : names) {
      FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
      if (field != null) {
        return (ByteString) message.getField(field);
      }
    }
    return null;
  }
}
