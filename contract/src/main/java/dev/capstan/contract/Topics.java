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

  /** Work for node agents: "look at pod X again". Agents reload the truth from the API. */
  public static final String NODE_WORK = "capstan.node-work";

  /** ADDED, MODIFIED or DELETED. */
  public static final String TYPE = "type";
  public static final String API_VERSION = "apiVersion";
  public static final String KIND = "kind";
  /** The object's namespace; empty for cluster-scoped objects. */
  public static final String NAMESPACE = "namespace";
  public static final String NAME = "name";
  /** The cluster revision of the change (a long), so {@code revision > 1200} works. */
  public static final String REVISION = "revision";
  /** The node a pod is bound to, empty otherwise; each agent selects its own work by it. */
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

  /** The selector with which a node agent takes only its own node's work. */
  public static String nodeSelector(String node) {
    return NODE + " = '" + node.replace("'", "''") + "'";
  }
}
