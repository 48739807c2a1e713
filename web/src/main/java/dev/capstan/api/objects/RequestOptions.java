package dev.capstan.api.objects;

import dev.capstan.api.status.Statuses;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Optional;

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

  boolean flag(String name) {
    String value = query.getFirst(name);
    return value != null && !value.equals("false") && !value.equals("0");
  }

  /** {@code dryRun=All}: validate and answer as if written, write nothing. */
  boolean dryRun() {
    List<String> values = query.get("dryRun");
    if (values == null || values.isEmpty()) {
      return false;
    }
    for (String value : values) {
      if (!value.equals("All")) {
        throw Statuses.badRequest("Invalid dry run value: " + value + " (supported: All)");
      }
    }
    return true;
  }

  int intParam(String name, int fallback) {
    Optional<String> value = param(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("invalid value for " + name + ": " + value.get());
    }
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
