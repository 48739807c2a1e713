/**
 * What the control plane decides about nodes, as pure functions of their objects: whether a
 * node's agent is still heard from ({@link dev.capstan.nodes.NodeHealth}), which conditions and
 * taints a silent or unready node gets ({@link dev.capstan.nodes.NodeConditions},
 * {@link dev.capstan.nodes.NodeTaints}), and when a pod on a node with NoExecute taints must go
 * ({@link dev.capstan.nodes.TaintEviction}). The node lifecycle controller and the scheduler
 * both use them, so they judge a node alike.
 *
 * <pre>
 *  agent heartbeats ──▶ Lease renewTime, Ready.lastHeartbeatTime
 *                              │ silent longer than the grace period
 *                              ▼
 *  conditions Unknown (NodeStatusUnknown) ──▶ taints unreachable:NoSchedule + NoExecute
 *                                                 │ pod does not tolerate it, or its
 *                                                 │ tolerationSeconds are over
 *                                                 ▼
 *                                  pod deleted ──▶ its controller makes a new one elsewhere
 * </pre>
 */
package dev.capstan.nodes;
