package dev.capstan.limits;

/**
 * The sizes a request may reach, as kube-apiserver bounds them, so that no single request can
 * make the control plane run out of memory or stack: each is a system property (read once, at
 * first use) with Kubernetes' default.
 *
 * <ul>
 *   <li>{@code capstan.limits.max-request-bytes}: a request body, 3 MiB (kube-apiserver's
 *       {@code --max-request-body-bytes}); more is 413.
 *   <li>{@code capstan.limits.max-object-bytes}: an object as stored, 1.5 MiB (etcd's request
 *       limit); more is 413.
 *   <li>{@code capstan.limits.max-json-depth}: nesting of a JSON body, 10,000 (Go's decoder);
 *       deeper is 400.
 *   <li>{@code capstan.limits.max-yaml-depth}: nesting of a YAML body, 1,000; deeper is 400.
 *   <li>{@code capstan.limits.max-patch-copy-bytes}: what the {@code copy} operations of one JSON
 *       Patch may add, 3 MiB (kube-apiserver's {@code JSONPatchMaxCopyBytes}); more is 422.
 *   <li>{@code capstan.limits.max-patch-operations}: operations in one JSON Patch, 10,000; more is
 *       413.
 * </ul>
 */
public final class RequestLimits {

  public static final long MAX_REQUEST_BYTES =
      Long.getLong("capstan.limits.max-request-bytes", 3L * 1024 * 1024);
  public static final long MAX_OBJECT_BYTES =
      Long.getLong("capstan.limits.max-object-bytes", 3L * 512 * 1024);
  public static final int MAX_JSON_DEPTH = Integer.getInteger("capstan.limits.max-json-depth", 10_000);
  public static final int MAX_YAML_DEPTH = Integer.getInteger("capstan.limits.max-yaml-depth", 1_000);
  public static final long MAX_PATCH_COPY_BYTES =
      Long.getLong("capstan.limits.max-patch-copy-bytes", MAX_REQUEST_BYTES);
  public static final int MAX_PATCH_OPERATIONS =
      Integer.getInteger("capstan.limits.max-patch-operations", 10_000);

  /** Kubernetes' bound on a ConfigMap's or Secret's data ({@code core.MaxSecretSize}). */
  public static final int MAX_DATA_BYTES = 1024 * 1024;
  /** Kubernetes' bound on all annotations of an object, keys and values together. */
  public static final int MAX_ANNOTATION_BYTES = 256 * 1024;

  private RequestLimits() {}
}
