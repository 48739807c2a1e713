package dev.capstan.patch;

import java.util.Locale;
import java.util.Optional;

/** The patch formats the API accepts, by their media types. */
public enum PatchType {
  /** RFC 6902: a list of operations. */
  JSON_PATCH("application/json-patch+json"),
  /** RFC 7386: a partial object; null deletes. */
  MERGE_PATCH("application/merge-patch+json"),
  /** Kubernetes' strategic merge: lists merged by key where the field has one. */
  STRATEGIC_MERGE_PATCH("application/strategic-merge-patch+json");

  private final String mediaType;

  PatchType(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The patch type of a Content-Type header (parameters such as charset are ignored). */
  public static Optional<PatchType> forMediaType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String bare = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    for (PatchType type : values()) {
      if (type.mediaType.equals(bare)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
