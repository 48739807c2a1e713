// The console's views. Each reads its objects through useWatchedList, so it updates in place as
// the cluster changes.
import { Component, type ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, del, setFields } from './api';
import { age, nodeReady, podReady, podRestarts, podStatus } from './format';
import type { Event, Node, Pod, Workload } from './model';
import { kindNamed, objectHref } from './kinds';
import { href } from './route';
import { useWatchedList } from './watching';
import { CronJobs, DaemonSets, Jobs, ReplicaSets } from './workloads';

/** Where a namespaced collection lives: in one namespace, or in all ('' = all namespaces). */
export function collection(group: string, resource: string, namespace: string): string {
  const base = group === '' ? '/api/v1' : `/apis/${group}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${base}/${resource}`;
}

export function Problem({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return <p class="error" role="alert">{error.code === 403 ? `Not allowed: ${error.message}` : error.message}</p>;
}

export function Table({ label, head, children, empty }: { label: string; head: string[]; children: ComponentChildren; empty: boolean }) {
  return (
    <div class="table-wrap">
      <table aria-label={label}>
        <thead><tr>{head.map((h) => <th scope="col">{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
      {empty && <p class="empty">No {label.toLowerCase()}.</p>}
    </div>
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byName<T extends { metadata: { name: string; namespace?: string } }>(a: T, b: T): number {
  // byte order, as kubectl sorts names (and a plain comparison is many times cheaper than a locale's)
  return compare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || compare(a.metadata.name, b.metadata.name);
}

function desired(w: Workload, kind: string): { want: number; ready: number } {
  if (kind === 'DaemonSet') return { want: w.status?.desiredNumberScheduled ?? 0, ready: w.status?.numberReady ?? 0 };
  return { want: w.spec?.replicas ?? 1, ready: w.status?.readyReplicas ?? 0 };
}

/** An event's object, linked to its page when the console has one. */
function involvedLink(e: Event) {
  const involved = e.involvedObject ?? {};
  const kind = kindNamed(involved.kind, involved.apiVersion);
  const label = `${involved.kind}/${involved.name}`;
  return kind && involved.name ? <a href={objectHref(kind, involved.namespace ?? e.metadata.namespace, involved.name)}>{label}</a> : label;
}

export function Overview({ namespace }: { namespace: string }) {
  const nodes = useWatchedList<Node>('/api/v1/nodes');
  const pods = useWatchedList<Pod>(collection('', 'pods', namespace));
  const deployments = useWatchedList<Workload>(collection('apps/v1', 'deployments', namespace));
  const daemonSets = useWatchedList<Workload>(collection('apps/v1', 'daemonsets', namespace));
  const events = useWatchedList<Event>(collection('', 'events', namespace));
  useEffect(() => {
    // the first overview with its figures: bench/console.sh times opening the URL to here
    if (nodes.loaded && pods.loaded && performance.getEntriesByName('capstan:overview-rendered').length === 0) {
      performance.mark('capstan:overview-rendered');
    }
  }, [nodes.loaded, pods.loaded]);

  const phases = new Map<string, number>();
  for (const pod of pods.items) {
    const phase = pod.status?.phase ?? 'Unknown';
    phases.set(phase, (phases.get(phase) ?? 0) + 1);
  }
  const behind = [
    ...deployments.items.map((w) => ({ w, kind: 'Deployment' })),
    ...daemonSets.items.map((w) => ({ w, kind: 'DaemonSet' })),
  ].filter(({ w, kind }) => { const d = desired(w, kind); return d.ready < d.want; });
  const warnings = events.items.filter((e) => e.type === 'Warning')
    .sort((a, b) => (b.lastTimestamp ?? b.eventTime ?? '').localeCompare(a.lastTimestamp ?? a.eventTime ?? ''))
    .slice(0, 10);

  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <div class="cards">
        <div class="card" id="nodes-ready">
          <h3>Nodes ready</h3>
          <p class="figure">{nodes.items.filter(nodeReady).length} / {nodes.items.length}</p>
          <a href={href('nodes')}>Nodes</a>
        </div>
        <div class="card" id="pods-by-phase">
          <h3>Pods</h3>
          <ul>{['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'].map((phase) =>
            <li><span class={`phase phase-${phase}`}>{phase}</span> {phases.get(phase) ?? 0}</li>)}</ul>
          <a href={href('pods')}>Pods</a>
        </div>
        <div class="card" id="workloads-behind">
          <h3>Workloads not at their desired count</h3>
          {behind.length === 0 ? <p>None: every workload is at its desired count.</p> : (
            <ul>{behind.map(({ w, kind }) => { const d = desired(w, kind); return (
              <li>{kind} {w.metadata.namespace}/{w.metadata.name}: {d.ready}/{d.want} ready</li>); })}</ul>)}
          <a href={href('workloads')}>Workloads</a>
        </div>
      </div>
      <h3>Latest warnings <a class="more" href={href('events')}>All events</a></h3>
      <Problem error={events.error} />
      <Table label="Warning events" head={['Last seen', 'Object', 'Reason', 'Message']} empty={events.loaded && warnings.length === 0}>
        {warnings.map((e) => (
          <tr key={e.metadata.uid}>
            <td>{age(e.lastTimestamp ?? e.eventTime)}</td>
            <td>{involvedLink(e)}</td>
            <td>{e.reason}</td>
            <td>{e.message}</td>
          </tr>))}
      </Table>
    </section>
  );
}

/**
 * Rows of a list shown at once. A browser lays a table out whole, so with every row of a namespace
 * of 1,000 pods on the page each status change re-laid out all of them; the Dashboard and
 * Headlamp page their lists too.
 */
const PAGE_ROWS = 200;

function Pager({ first, shown, total, page, pages, onPage }:
    { first: number; shown: number; total: number; page: number; pages: number; onPage: (page: number) => void }) {
  return (
    <nav class="pager" aria-label="Pages of pods">
      <button type="button" class="secondary" disabled={page === 0} onClick={() => onPage(page - 1)}>Previous</button>
      <span id="pod-page">{first + 1}–{first + shown} of {total}</span>
      <button type="button" class="secondary" disabled={page >= pages - 1} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}

/** A pod's row as text, for the text filter: what the row shows. */
function podText(pod: Pod): string {
  return [pod.metadata.namespace, pod.metadata.name, podStatus(pod), pod.spec?.nodeName, pod.status?.podIP]
    .filter(Boolean).join(' ').toLowerCase();
}

/**
 * One pod's row. Rendered again only when its pod changed: the watched list keeps the same object
 * for a pod no event touched, so a burst of changes to a few pods among thousands re-renders a few
 * rows (with every row re-rendered, 1,000 pods changing kept the page busy 15 s in 32).
 */
class PodRow extends Component<{ pod: Pod; showNamespace: boolean }> {
  shouldComponentUpdate(next: { pod: Pod; showNamespace: boolean }): boolean {
    return next.pod !== this.props.pod || next.showNamespace !== this.props.showNamespace;
  }

  render() {
    const { pod, showNamespace } = this.props;
    return (
      <tr data-pod={pod.metadata.name}>
        {showNamespace && <td>{pod.metadata.namespace}</td>}
        <th scope="row"><a href={href('pods', pod.metadata.namespace ?? '', pod.metadata.name)}>{pod.metadata.name}</a></th>
        <td>{podReady(pod)}</td>
        <td class="pod-status">{podStatus(pod)}</td>
        <td>{podRestarts(pod)}</td>
        <td>{age(pod.metadata.creationTimestamp)}</td>
        <td>{pod.status?.podIP ?? '<none>'}</td>
        <td>{pod.spec?.nodeName ?? '<none>'}</td>
      </tr>
    );
  }
}

/**
 * The pods, as `kubectl get pods [-l SELECTOR]` prints them. The label selector goes to the API,
 * as kubectl's does (so its syntax and its errors are the API's); the text filter narrows what
 * is shown by any word of a row. The first page of the list is shown as soon as it comes, the
 * rest as it follows. Marks the page's performance timeline, which bench/console.sh reads:
 * `capstan:pods-first-rows` from the view's first render to its first rows painted,
 * `capstan:pods-list` to the whole list painted, and within it `capstan:pods-render` from the
 * whole list's arrival to its paint.
 */
export function Pods({ namespace }: { namespace: string }) {
  // what is typed, kept as typed: a render while one types (the list changing) must not put the
  // field back to the selector last applied, which is applied on Enter or leaving the field
  const [draftSelector, setDraftSelector] = useState('');
  const [selector, setSelector] = useState('');
  const path = collection('', 'pods', namespace) + (selector ? `?labelSelector=${encodeURIComponent(selector)}` : '');
  useState(() => performance.mark('capstan:pods-view'));
  const pods = useWatchedList<Pod>(path);
  const listed = useRef<string | null>(null);
  if (pods.loaded && listed.current !== path) {
    listed.current = path;
    performance.mark('capstan:pods-listed');
  }
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const matching = (words.length ? pods.items.filter((p) => { const text = podText(p); return words.every((w) => text.includes(w)); }) : [...pods.items])
    .sort(byName);
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_ROWS));
  const first = Math.min(page, pages - 1) * PAGE_ROWS;
  const shown = matching.slice(first, first + PAGE_ROWS);
  const firstRows = useRef<string | null>(null);
  useEffect(() => {
    if ((pods.items.length > 0 || pods.loaded) && firstRows.current !== path) {
      firstRows.current = path;
      performance.mark('capstan:pods-first-rendered');
      performance.measure('capstan:pods-first-rows', { start: 'capstan:pods-view', end: 'capstan:pods-first-rendered' });
    }
    if (!pods.loaded) return;
    performance.mark('capstan:pods-rendered');
    performance.measure('capstan:pods-list', { start: 'capstan:pods-view', end: 'capstan:pods-rendered', detail: { pods: pods.items.length } });
    performance.measure('capstan:pods-render', { start: 'capstan:pods-listed', end: 'capstan:pods-rendered' });
  }, [pods.loaded, pods.items.length > 0, path]);
  return (
    <section aria-labelledby="pods-title">
      <h2 id="pods-title">Pods</h2>
      <div class="filters">
        <label for="pod-selector">Label selector</label>
        <input id="pod-selector" type="search" placeholder="app=web,tier!=db" spellcheck={false} value={draftSelector}
          onInput={(e) => setDraftSelector((e.target as HTMLInputElement).value)}
          onChange={(e) => { const value = (e.target as HTMLInputElement).value; setDraftSelector(value); setSelector(value.trim()); }} />
        <label for="pod-filter">Filter by text</label>
        <input id="pod-filter" type="search" placeholder="name, status, node, IP" value={filter}
          onInput={(e) => { setFilter((e.target as HTMLInputElement).value); setPage(0); }} />
        <span id="pod-count" role="status">{pods.loaded ? `${matching.length} of ${pods.items.length} pods`
          : pods.listing ? `${matching.length} of ${pods.items.length} pods so far, loading more…` : 'Loading…'}</span>
      </div>
      {pages > 1 && <Pager first={first} shown={shown.length} total={matching.length} page={Math.min(page, pages - 1)} pages={pages} onPage={setPage} />}
      <Problem error={pods.error} />
      <Table label="Pods" head={[...(namespace ? [] : ['Namespace']), 'Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node']}
        empty={pods.loaded && matching.length === 0}>
        {shown.map((pod) => <PodRow key={pod.metadata.uid} pod={pod} showNamespace={!namespace} />)}
      </Table>
    </section>
  );
}

export function Workloads({ namespace }: { namespace: string }) {
  const deployments = useWatchedList<Workload>(collection('apps/v1', 'deployments', namespace));
  const [problem, setProblem] = useState<string | null>(null);
  const path = (d: Workload) => `/apis/apps/v1/namespaces/${encodeURIComponent(d.metadata.namespace ?? '')}/deployments/${encodeURIComponent(d.metadata.name)}`;
  const scale = async (d: Workload) => {
    const answer = window.prompt(`Scale ${d.metadata.name} to how many pods?`, String(d.spec?.replicas ?? 1));
    if (answer === null) return;
    setProblem(null);
    try {
      await setFields(`${path(d)}/scale`, { spec: { replicas: Number(answer) } });
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const remove = async (d: Workload) => {
    if (!window.confirm(`Delete the Deployment ${d.metadata.namespace}/${d.metadata.name} and its pods?`)) return;
    setProblem(null);
    try {
      await del(path(d));
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  return (
    <section aria-labelledby="workloads-title">
      <p><a href={href('deploy')} class="button-link">Deploy an app</a></p>
      <h2 id="workloads-title">Workloads</h2>
      <h3>Deployments</h3>
      <Problem error={deployments.error} />
      {problem && <p class="error" role="alert">{problem}</p>}
      <Table label="Deployments" head={[...(namespace ? [] : ['Namespace']), 'Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Images', '']}
        empty={deployments.loaded && deployments.items.length === 0}>
        {[...deployments.items].sort(byName).map((d) => (
          <tr key={d.metadata.uid} data-deployment={d.metadata.name}>
            {!namespace && <td>{d.metadata.namespace}</td>}
            <th scope="row"><a href={objectHref(kindNamed('Deployment')!, d.metadata.namespace, d.metadata.name)}>{d.metadata.name}</a></th>
            <td>{d.status?.readyReplicas ?? 0}/{d.spec?.replicas ?? 1}</td>
            <td>{d.status?.updatedReplicas ?? 0}</td>
            <td>{d.status?.availableReplicas ?? 0}</td>
            <td>{age(d.metadata.creationTimestamp)}</td>
            <td>{(d.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', ')}</td>
            <td class="actions">
              <button type="button" onClick={() => scale(d)}>Scale</button>
              <button type="button" class="danger" onClick={() => remove(d)}>Delete</button>
            </td>
          </tr>))}
      </Table>
      <ReplicaSets namespace={namespace} kindName="ReplicaSet" />
      <ReplicaSets namespace={namespace} kindName="ReplicationController" />
      <DaemonSets namespace={namespace} />
      <Jobs namespace={namespace} />
      <CronJobs namespace={namespace} />
    </section>
  );
}
