package dev.capstan.store;

import dev.capstan.store.entity.ObjectKey;

/**
 * Which objects' history goes with them when they are deleted: Secrets', so that a deleted
 * Secret's values cannot be read back through the {@code history} subresource or the change
 * log. When a Secret is deleted, its earlier changes are removed from the log in the deleting
 * transaction; the DELETED change itself stays (encrypted like the Secret was) for watchers,
 * until compaction, and the history subresource no longer shows the deleted incarnation.
 *
 * <p>An administrator who needs the trail keeps it with the server setting
 * {@value #KEEP_PROPERTY}{@code =true}; the change log's own window (compaction) still applies.
 */
public final class HistoryRetention {

  public static final String KEEP_PROPERTY = "capstan.secrets.keep-history";

  private HistoryRetention() {}

  /** Whether deleting this object removes its history. */
  public static boolean dropsOnDelete(ObjectKey key) {
    return key.apiGroup().isEmpty() && key.kind().equals("Secret")
        && !Boolean.getBoolean(KEEP_PROPERTY);
  }
}
