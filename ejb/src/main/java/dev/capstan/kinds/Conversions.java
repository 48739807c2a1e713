package dev.capstan.kinds;

import dev.capstan.kinds.conversion.HorizontalPodAutoscalerV1;
import jakarta.json.JsonObject;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds served in more than one version and how each older version is converted to and from
 * the version objects are stored in, as kube-apiserver converts through its internal version:
 * a request's body is converted to the stored version before defaulting, validation and the
 * store see it, and every object answered (get, list, watch, write responses) is converted back
 * to the version the request named. Only the objects are converted; everything between (the
 * store, controllers, tables) sees the stored version.
 */
public final class Conversions {

  /** One older version of a kind. */
  public interface Conversion {

    /** The object in the stored version (its {@code apiVersion} included). */
    JsonObject toStored(JsonObject served);

    /** The stored object in the served version (its {@code apiVersion} included). */
    JsonObject toServed(JsonObject stored);
  }

  private static final Map<ResourceType, ResourceType> STORED_AS = Map.of(
      ResourceTypes.HORIZONTAL_POD_AUTOSCALER_V1, ResourceTypes.HORIZONTAL_POD_AUTOSCALER);
  private static final Map<ResourceType, Conversion> BY_TYPE = Map.of(
      ResourceTypes.HORIZONTAL_POD_AUTOSCALER_V1, new HorizontalPodAutoscalerV1());

  private Conversions() {}

  /** The kind in the version its objects are stored in: itself unless converted. */
  public static ResourceType stored(ResourceType served) {
    return STORED_AS.getOrDefault(served, served);
  }

  /** Whether objects of this served version are converted. */
  public static boolean converts(ResourceType served) {
    return BY_TYPE.containsKey(served);
  }

  /** A request's object, in the stored version. */
  public static JsonObject toStored(ResourceType served, JsonObject object) {
    return conversion(served, object).map(c -> c.toStored(object)).orElse(object);
  }

  /**
   * An answered object in the version the request named; anything else (a Status, an object of
   * another kind) as it is.
   */
  public static JsonObject toServed(ResourceType served, JsonObject stored) {
    return conversion(served, stored).map(c -> c.toServed(stored)).orElse(stored);
  }

  private static Optional<Conversion> conversion(ResourceType served, JsonObject object) {
    Conversion conversion = BY_TYPE.get(served);
    if (conversion == null || !served.kind().equals(object.getString("kind", served.kind()))) {
      return Optional.empty();
    }
    return Optional.of(conversion);
  }
}
