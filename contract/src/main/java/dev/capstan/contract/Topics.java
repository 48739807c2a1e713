package dev.capstan.contract;

/**
 * The JMS topics of the control plane, and the message properties subscribers select on, as seen
 * by a client outside WildFly.
 *
 * <p>WildFly's embedded Artemis broker stores a JMS topic named {@code X} under the address
 * {@code jms.topic.X}; a plain Artemis client reaches it with {@code enable1xPrefixes=true} on its
 * connection URL (see {@link #clientUrl(String, int)}).
 *
 * <p>Every message carries the string properties {@link #TYPE}, {@link #API_VERSION},
 * {@link #KIND}, {@link #NAMESPACE}, {@link #NAME} and {@link #NODE}, and the long property
 * {@link #REVISION}; messages about Event objects also carry {@link #EVENT_TYPE},
 * {@link #REASON}, {@link #REGARDING_KIND} and {@link #REGARDING_NAME}. So a standard JMS
 * selector picks what a subscriber wants, e.g. {@code kind = 'Pod' AND namespace = 'prod'} or
 * {@code kind = 'Event' AND eventType = 'Warning'}.
 */
public final class Topics {

  /** Cluster events (an object was added, modified or deleted) for any outside subscriber. */
  public static final String CLUSTER_EVENTS = "capstan.cluster-events";

  /**
   * Work for node agents ("look at pod X again"; agents reload the truth from the API) goes on one
   * topic per node, {@code capstan.node-work.<node>} ({@link #nodeWork(String)}). Each node's
   * broker identity may consume its own node's topic only, so an agent cannot hear of another
   * node's pods through the broker; no one outside the control plane may publish there.
   */
  public static final String NODE_WORK_PREFIX = "capstan.node-work.";

  /**
   * The audit trail: each audit event the API server's policy writes (an {@code audit.k8s.io/v1}
   * {@code Event}, as JSON text), also published here when the server is configured to
   * ({@code capstan.audit.topic=true}, as {@code bin/capstan} does). Beyond Kubernetes, whose
   * second audit backend is a webhook: subscribers select what they follow with the properties
   * {@link #AUDIT_STAGE}, {@link #AUDIT_LEVEL}, {@link #VERB}, {@link #USER}, {@link #API_GROUP},
   * {@link #RESOURCE}, {@link #SUBRESOURCE}, {@link #NAMESPACE}, {@link #NAME} and the int
   * {@link #CODE}, e.g. {@code verb = 'delete' AND namespace = 'prod'}. Only the broker role
   * {@code capstan-auditor} may subscribe.
   */
  public static final String AUDIT = "capstan.audit";

  /** An audit event's stage: RequestReceived, ResponseStarted, ResponseComplete or Panic. */
  public static final String AUDIT_STAGE = "stage";
  /** An audit event's level: Metadata, Request or RequestResponse. */
  public static final String AUDIT_LEVEL = "level";
  /** The request's verb ({@code get}, {@code list}, {@code create}, ...). */
  public static final String VERB = "verb";
  /** The authenticated user's name. */
  public static final String USER = "user";
  /** The audited object's API group, empty for the core group. */
  public static final String API_GROUP = "apiGroup";
  /** The audited object's resource ({@code pods}); empty for non-resource requests. */
  public static final String RESOURCE = "resource";
  /** The audited subresource ({@code log}, {@code status}), empty if none. */
  public static final String SUBRESOURCE = "subresource";
  /** The response's HTTP status code (an int), absent before the response. */
  public static final String CODE = "code";

  /** ADDED, MODIFIED or DELETED. */
  public static final String TYPE = "type";
  public static final String API_VERSION = "apiVersion";
  public static final String KIND = "kind";
  /** The object's namespace; empty for cluster-scoped objects. */
  public static final String NAMESPACE = "namespace";
  public static final String NAME = "name";
  /** The cluster revision of the change (a long), so {@code revision > 1200} works. */
  public static final String REVISION = "revision";
  /** The node a pod is bound to, empty otherwise. */
  public static final String NODE = "node";
  /** An Event's type: {@code Normal} or {@code Warning}. */
  public static final String EVENT_TYPE = "eventType";
  /** An Event's reason, e.g. {@code FailedScheduling}. */
  public static final String REASON = "reason";
  /** The kind of the object an Event is about. */
  public static final String REGARDING_KIND = "regardingKind";
  /** The name of the object an Event is about. */
  public static final String REGARDING_NAME = "regardingName";

  private Topics() {}

  /** Connection URL for a standalone Artemis client talking to the control plane's broker. */
  public static String clientUrl(String host, int port) {
    return "tcp://" + host + ":" + port + "?enable1xPrefixes=true&reconnectAttempts=-1";
  }

  /** The topic of a node's work. */
  public static String nodeWork(String node) {
    return NODE_WORK_PREFIX + node;
  }

  /**
   * The broker user of a node's agent, and the role (a group of the same name) that may consume
   * the node's work topic and nothing else.
   */
  public static String nodeBrokerUser(String node) {
    return "capstan-node-" + node;
  }
}
