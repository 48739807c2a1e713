// Nodes: the list as `kubectl get nodes` and `kubectl top nodes` print it (status, roles, age,
// version, allocatable/capacity, CPU and memory in use, pods, taints), cordon, uncordon and drain
// as kubectl does them, and a node's own page with its capacity, taints, addresses, system and the
// pods bound to it.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, post, setFields } from './api';
import { age, cpuUse, memoryUse, nodeReady, nodeRoles, nodeStatus, podReady, podStatus } from './format';
import { kindNamed, objectHref } from './kinds';
import type { List, Node, Pod } from './model';
import { href } from './route';
import { byName, Problem, Table } from './views';
import { useWatchedList } from './watching';

/** One NodeMetrics of metrics.k8s.io, as metrics-server (and Capstan) serve it. */
interface NodeMetrics {
  metadata: { name: string };
  usage?: { cpu?: string; memory?: string };
}

/** How often the usage is read again: the agents sample every 10 s, so oftener shows nothing new. */
const METRICS_PERIOD_MS = 10_000;

/**
 * The nodes' CPU and memory in use (`kubectl top nodes`), read now and every 10 s: the metrics API
 * serves no watch. A user not allowed to read it (403) just gets no figures.
 */
function useNodeMetrics(): Map<string, NodeMetrics> {
  const [metrics, setMetrics] = useState(new Map<string, NodeMetrics>());
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const list = await api<List<NodeMetrics>>('/apis/metrics.k8s.io/v1beta1/nodes', { signal: controller.signal });
        setMetrics(new Map(list.items.map((m) => [m.metadata.name, m])));
      } catch (e) {
        if (controller.signal.aborted || (e instanceof ApiError && e.code === 403)) return;
      }
      timer = setTimeout(read, METRICS_PERIOD_MS);
    };
    read();
    return () => { controller.abort(); clearTimeout(timer); };
  }, []);
  return metrics;
}

function taints(node: Node): string {
  return (node.spec?.taints ?? []).map((t) => `${t.key}${t.value ? '=' + t.value : ''}:${t.effect}`).join(', ') || '<none>';
}

function nodePath(node: string): string {
  return `/api/v1/nodes/${encodeURIComponent(node)}`;
}

function cordon(node: string, unschedulable: boolean): Promise<unknown> {
  return setFields(nodePath(node), { spec: { unschedulable: unschedulable || null } });
}

/** Pods `kubectl drain --ignore-daemonsets` leaves where they are: DaemonSet pods and static (mirror) pods. */
function staysOnDrain(pod: Pod): boolean {
  return (pod.metadata.ownerReferences ?? []).some((r) => r.controller && r.kind === 'DaemonSet')
    || pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined;
}

function podsOn(node: string): Promise<List<Pod>> {
  return api<List<Pod>>(`/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=' + node)}`);
}

/**
 * `kubectl drain NODE --ignore-daemonsets --delete-emptydir-data --force`: cordon, then evict
 * every pod on the node but DaemonSet and mirror pods through the eviction subresource, so
 * PodDisruptionBudgets are honoured (a 429 is reported, the pod left; draining again retries).
 * Resolves with what kubectl prints, line by line.
 */
async function drain(node: string): Promise<string[]> {
  const said: string[] = [];
  await cordon(node, true);
  said.push(`node/${node} cordoned`);
  const pods = (await podsOn(node)).items.filter((p) => !p.metadata.deletionTimestamp);
  const ignored = pods.filter(staysOnDrain);
  if (ignored.length) {
    said.push(`Warning: ignoring DaemonSet-managed Pods: ${ignored.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).join(', ')}`);
  }
  const refused: string[] = [];
  await Promise.all(pods.filter((p) => !staysOnDrain(p)).map(async (pod) => {
    const ns = pod.metadata.namespace ?? '';
    said.push(`evicting pod ${ns}/${pod.metadata.name}`);
    try {
      await post(`/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(pod.metadata.name)}/eviction`, {
        apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: ns },
      });
      said.push(`pod/${pod.metadata.name} evicted`);
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return;
      refused.push(`error when evicting pods/"${pod.metadata.name}" -n "${ns}": ${(e as Error).message}`);
    }
  }));
  if (refused.length) throw new Error([...said, ...refused].join('\n'));
  said.push(`node/${node} drained`);
  return said;
}

export function Nodes() {
  const nodes = useWatchedList<Node>('/api/v1/nodes');
  const pods = useWatchedList<Pod>('/api/v1/pods');
  const metrics = useNodeMetrics();
  const [problem, setProblem] = useState<string | null>(null);
  const [report, setReport] = useState<string[] | null>(null);
  const podCount = new Map<string, number>();
  for (const pod of pods.items) {
    if (pod.spec?.nodeName) podCount.set(pod.spec.nodeName, (podCount.get(pod.spec.nodeName) ?? 0) + 1);
  }
  const run = async (request: () => Promise<unknown>) => {
    setProblem(null);
    setReport(null);
    try {
      const said = await request();
      if (Array.isArray(said)) setReport(said as string[]);
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const drainNode = (node: Node) => {
    const name = node.metadata.name;
    if (!window.confirm(`Drain ${name}? It is cordoned, and every pod on it but DaemonSet pods is evicted`
      + ' (as kubectl drain --ignore-daemonsets --delete-emptydir-data --force: pods no controller replaces are gone).')) return;
    run(() => drain(name));
  };
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      <Problem error={nodes.error} />
      {problem && <pre class="error" role="alert" id="nodes-error">{problem}</pre>}
      {report && <pre role="status" id="nodes-report" class="report">{report.join('\n')}</pre>}
      <Table label="Nodes" head={['Name', 'Status', 'Roles', 'Age', 'Version', 'CPU allocatable / capacity', 'Memory allocatable / capacity',
        'CPU use', 'Memory use', 'Pods', 'Taints', '']}
        empty={nodes.loaded && nodes.items.length === 0}>
        {[...nodes.items].sort(byName).map((node) => {
          const name = node.metadata.name;
          const usage = metrics.get(name)?.usage;
          const allocatable = node.status?.allocatable ?? {};
          return (
            <tr key={node.metadata.uid} data-node={name}>
              <th scope="row"><a href={objectHref(kindNamed('Node')!, undefined, name)}>{name}</a></th>
              <td class={nodeReady(node) ? 'ok' : 'bad'}>{nodeStatus(node)}</td>
              <td>{nodeRoles(node)}</td>
              <td>{age(node.metadata.creationTimestamp)}</td>
              <td>{node.status?.nodeInfo?.kubeletVersion}</td>
              <td>{allocatable.cpu} / {node.status?.capacity?.cpu}</td>
              <td>{allocatable.memory} / {node.status?.capacity?.memory}</td>
              <td class="node-cpu">{cpuUse(usage?.cpu, allocatable.cpu)}</td>
              <td class="node-memory">{memoryUse(usage?.memory, allocatable.memory)}</td>
              <td><a href={href('nodes', name)} aria-label={`Pods on ${name}`}>{podCount.get(name) ?? 0}</a></td>
              <td>{taints(node)}</td>
              <td class="actions">{node.spec?.unschedulable
                ? <button type="button" onClick={() => run(() => cordon(name, false))}>Uncordon</button>
                : <button type="button" onClick={() => run(() => cordon(name, true))}>Cordon</button>}
                <button type="button" class="danger" onClick={() => drainNode(node)}>Drain</button></td>
            </tr>);
        })}
      </Table>
    </section>
  );
}

function Resources({ node }: { node: Node }) {
  const names = [...new Set([...Object.keys(node.status?.capacity ?? {}), ...Object.keys(node.status?.allocatable ?? {})])].sort();
  return (
    <Table label="Capacity" head={['Resource', 'Capacity', 'Allocatable']} empty={names.length === 0}>
      {names.map((r) => <tr data-resource={r}><th scope="row">{r}</th>
        <td>{node.status?.capacity?.[r] ?? ''}</td><td>{node.status?.allocatable?.[r] ?? ''}</td></tr>)}
    </Table>
  );
}

/** The pods bound to one node (as `kubectl describe node` lists them), followed live. */
function NodePods({ node }: { node: string }) {
  const pods = useWatchedList<Pod>(`/api/v1/pods?fieldSelector=${encodeURIComponent('spec.nodeName=' + node)}`);
  return (
    <div id="node-pods">
      <Problem error={pods.error} />
      <Table label="Pods on this node" head={['Namespace', 'Name', 'Ready', 'Status', 'Age']} empty={pods.loaded && pods.items.length === 0}>
        {[...pods.items].sort(byName).map((pod) => (
          <tr key={pod.metadata.uid} data-pod={pod.metadata.name}>
            <td>{pod.metadata.namespace}</td>
            <th scope="row"><a href={href('pods', pod.metadata.namespace ?? '', pod.metadata.name)}>{pod.metadata.name}</a></th>
            <td>{podReady(pod)}</td><td class="pod-status">{podStatus(pod)}</td><td>{age(pod.metadata.creationTimestamp)}</td>
          </tr>))}
      </Table>
    </div>
  );
}

/** What a node's page shows above the sections every object has. */
export function NodeSummary({ node }: { node: Node }) {
  const info = node.status?.nodeInfo ?? {};
  return (
    <>
      <dl class="summary" id="node-summary">
        <dt>Status</dt><dd>{nodeStatus(node)}</dd>
        <dt>Roles</dt><dd>{nodeRoles(node)}</dd>
        <dt>Addresses</dt><dd>{(node.status?.addresses ?? []).map((a) => `${a.type}: ${a.address}`).join(', ') || '<none>'}</dd>
        <dt>Pod CIDR</dt><dd>{node.spec?.podCIDR ?? '<none>'}</dd>
        <dt>Taints</dt><dd id="node-taints">{taints(node)}</dd>
        <dt>System</dt><dd>{[info.osImage, info.kernelVersion, info.containerRuntimeVersion, info.kubeletVersion].filter(Boolean).join(', ') || '<unknown>'}</dd>
      </dl>
      <h3>Capacity and allocatable</h3>
      <Resources node={node} />
      <h3>Pods</h3>
      <NodePods node={node.metadata.name} />
    </>
  );
}
