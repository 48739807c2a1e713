/**
 * The pods of this node, kept as their specs say: the kubelet's pod workers and sync loop.
 *
 * <p>Each pod ({@code namespace/name}) has a worker ({@link dev.capstan.agent.pods.PodWorkers})
 * that runs its syncs one at a time on a shared pool; nothing a sync does waits, so the pool
 * stays small however many pods wait for grace periods, back-offs, pulls or hooks:
 *
 * <pre>
 *   message, Docker event, probe change,      scheduler (one thread): wake-ups at a time,
 *   pull or hook ended: enqueue               retries, the resync (lists and enqueues only)
 *              |                                        |
 *              v                                        v
 *   IDLE ---enqueue---> QUEUED ---pool thread---> SYNCING ---done---> IDLE
 *    ^                                             |  ^                 |
 *    |                                     enqueue |  | done: run again |  sync asked for a
 *    |                                             v  |                 |  wake-up at T
 *    |                                        SYNCING_DIRTY             v
 *    +----------- forgotten when idle with nothing due ----------- (timer for T)
 * </pre>
 *
 * <p>One sync ({@link dev.capstan.agent.pods.PodSyncer}) takes the pod through its phases,
 * each a class of its own and each returning when to look again:
 *
 * <pre>
 *   pod in API, not deleted:  PodSandboxes --> ContainerStarts --> PodStatusReport
 *                             (pause)         (init, containers,    (status if changed)
 *                                              back-off, pulls)
 *   deleted, or gone:         PodTermination --> (API) delete for good
 *
 *   one container's stop (ContainerStops), advanced by each sync:
 *     requested --> preStop running --(hook ends | deadline)--> stop signal sent
 *               --(deadline, at least 2 s after the hook)--> SIGKILL --> exited
 * </pre>
 *
 * <p>The container engine is behind {@link dev.capstan.agent.runtime.ContainerRuntime}: no type
 * of an engine's client appears here.
 */
package dev.capstan.agent.pods;
