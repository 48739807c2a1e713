package dev.capstan.api.objects;

import dev.capstan.api.options.QueryValues;
import dev.capstan.api.status.Statuses;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The query parameters and headers the handler reads, decoded once.
 *
 * @param query the query parameters
 * @param contentType the body's media type; empty when the client sent none (read as JSON)
 * @param accept the media types the client accepts, best first
 */
record RequestOptions(MultivaluedMap<String, String> query, Optional<MediaType> contentType,
    List<MediaType> accept, boolean webSocketUpgrade) {

  static RequestOptions of(UriInfo uri, HttpHeaders headers) {
    String upgrade = headers.getHeaderString("Upgrade");
    return new RequestOptions(uri.getQueryParameters(), Optional.ofNullable(headers.getMediaType()),
        headers.getAcceptableMediaTypes(), upgrade != null && upgrade.equalsIgnoreCase("websocket"));
  }

  Optional<String> param(String name) {
    return Optional.ofNullable(query.getFirst(name)).filter(value -> !value.isEmpty());
  }

  /** A boolean parameter as Kubernetes reads one ({@link QueryValues#bool}). */
  boolean flag(String name) {
    return QueryValues.bool(query, name);
  }

  /**
   * {@code dryRun=All}: validate and answer as if written, write nothing. Other values were
   * refused with the verb's options ({@link dev.capstan.api.options.MetaOptions}).
   */
  boolean dryRun() {
    List<String> values = query.get("dryRun");
    if (values == null || values.isEmpty()) {
      return false;
    }
    for (String value : values) {
      if (!value.equals("All")) {
        throw Statuses.badRequest("dryRun: Unsupported value: \"" + value
            + "\": supported values: \"All\"");
      }
    }
    return true;
  }

  /** An int64 parameter ({@link QueryValues#int64}), capped to what an int holds. */
  int intParam(String name, int fallback) {
    OptionalLong value = QueryValues.int64(query, name);
    return value.isEmpty() ? fallback
        : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value.getAsLong()));
  }

  /** Whether the client asked for a {@code meta.k8s.io/v1} Table rather than the objects. */
  boolean wantsTable() {
    for (MediaType type : accept) {
      if ("Table".equals(type.getParameters().get("as"))
          && "meta.k8s.io".equals(type.getParameters().get("g"))) {
        return true;
      }
      if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE) && !type.isWildcardType()
          && type.getParameters().get("as") == null) {
        return false;
      }
    }
    return false;
  }
}
