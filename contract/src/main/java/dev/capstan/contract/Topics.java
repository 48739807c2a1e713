package dev.capstan.contract;

/**
 * The JMS topics of the control plane, as seen by a client outside WildFly.
 *
 * <p>WildFly's embedded Artemis broker stores a JMS topic named {@code X} under the address
 * {@code jms.topic.X}; a plain Artemis client reaches it with {@code enable1xPrefixes=true} on its
 * connection URL (see {@link #clientUrl(String, int)}).
 */
public final class Topics {

  /** Cluster events (an object was added, modified or deleted) for any outside subscriber. */
  public static final String CLUSTER_EVENTS = "capstan.cluster-events";

  /** Work for node agents: "look at pod X again". Agents reload the truth from the API. */
  public static final String NODE_WORK = "capstan.node-work";

  /** Message property with the object's kind, so subscribers can filter with a JMS selector. */
  public static final String PROPERTY_KIND = "capstanKind";

  /** Message property with the node a work item is for, so each agent selects only its own. */
  public static final String PROPERTY_NODE = "capstanNode";

  private Topics() {}

  /** Connection URL for a standalone Artemis client talking to the control plane's broker. */
  public static String clientUrl(String host, int port) {
    return "tcp://" + host + ":" + port + "?enable1xPrefixes=true&reconnectAttempts=-1";
  }
}
