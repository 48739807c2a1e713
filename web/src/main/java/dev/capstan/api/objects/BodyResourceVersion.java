package dev.capstan.api.objects;

import dev.capstan.api.options.QueryValues;
import dev.capstan.api.status.Statuses;
import dev.capstan.store.ObjectMetadata;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/**
 * The {@code metadata.resourceVersion} of a written object (a PUT's body, a patch's result) must
 * be a revision this server could have issued before the store compares it: anything else
 * ({@code "abc"}, a number beyond 2^63) is the client's mistake, a 400 naming the field and Go's
 * {@code strconv.ParseUint} error, as kube-apiserver's storage parses it — never a 500.
 */
final class BodyResourceVersion {

  private BodyResourceVersion() {}

  /** Returns the object when its resourceVersion is absent, empty or a revision; else a 400. */
  static JsonObject check(JsonObject object) {
    if (ObjectMetadata.metadata(object).get("resourceVersion") instanceof JsonString version
        && !version.getString().isEmpty()) {
      QueryValues.ParsedUnsigned parsed = QueryValues.parseUint64(version.getString());
      if (parsed.value().isEmpty()) {
        throw Statuses.badRequest("metadata.resourceVersion: Invalid value: "
            + QueryValues.quote(version.getString()) + ": " + parsed.error());
      }
    }
    return object;
  }
}
