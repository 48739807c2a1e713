// One object's page, for every kind the console knows: what `kubectl describe` and Headlamp show
// for any object (metadata, owners, conditions, events) and its YAML as `kubectl get -o yaml`
// prints it, all followed live through watches. Kinds with more to say (Services, ConfigMaps,
// Secrets, workloads) add a summary above.
import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { age, endpointAddresses, lastSeen, selectorText, serviceExternalIp } from './format';
import { apiVersionOf, collectionPath, kindNamed, objectHref, qualifiedResource, type Kind } from './kinds';
import type { Condition, DataObject, Endpoints, Event, KubeObject, Node, Service, Workload } from './model';
import { Problem, Table } from './views';
import { useWatchedList } from './watching';
import { objectYaml, YamlEditor } from './edit';
import { DaemonSetRollout, DeploymentRollout } from './rollout';
import { HistorySection } from './history';
import { NodeSummary } from './nodes';

function nameSelected(kind: Kind, namespace: string, name: string): string {
  return `${collectionPath(kind, namespace)}?fieldSelector=${encodeURIComponent('metadata.name=' + name)}`;
}

/**
 * One object, kept current by a watch on its name (as `kubectl get -w` on one name). Objects in a
 * list carry no apiVersion and kind; they are put back, as a GET of the object answers.
 */
export function useWatchedObject<T extends KubeObject>(kind: Kind, namespace: string, name: string):
    { object: T | null; loaded: boolean; error: ApiError | null } {
  const watched = useWatchedList<T>(nameSelected(kind, namespace, name));
  const found = watched.items[0];
  const object = found ? { apiVersion: apiVersionOf(kind), kind: kind.kind, ...found } as T : null;
  return { object, loaded: watched.loaded, error: watched.error };
}

function Pairs({ id, values }: { id: string; values: Record<string, string> | undefined }) {
  const entries = Object.entries(values ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (!entries.length) return <dd id={id}>&lt;none&gt;</dd>;
  return (
    <dd id={id}><ul class="pairs">{entries.map(([k, v]) => <li><span class="pair-key">{k}</span>={v}</li>)}</ul></dd>
  );
}

/** What a kind's controller makes, so an object's page can list what it owns (Deployment → ReplicaSets → Pods). */
const OWNED: Record<string, string[]> = {
  Deployment: ['ReplicaSet'], ReplicaSet: ['Pod'], DaemonSet: ['Pod'], StatefulSet: ['Pod'],
  ReplicationController: ['Pod'], Job: ['Pod'], CronJob: ['Job'],
};

/** The objects of one kind in the owner's namespace whose owner references name it (by UID). */
function Owned({ owner, kind }: { owner: KubeObject; kind: Kind }) {
  const listed = useWatchedList<KubeObject>(collectionPath(kind, owner.metadata.namespace ?? ''));
  const owned = listed.items.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === owner.metadata.uid))
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  return (
    <>{owned.map((o) => <li><a href={objectHref(kind, o.metadata.namespace, o.metadata.name)} data-owned={kind.kind}>
      {kind.kind}/{o.metadata.name}</a></li>)}</>
  );
}

function Metadata({ object, kind }: { object: KubeObject; kind: Kind }) {
  const ownedKinds = (OWNED[kind.kind] ?? []).map((k) => kindNamed(k)!);
  const meta = object.metadata;
  return (
    <>
      <h3>Metadata</h3>
      <dl class="summary" id="object-metadata">
        <dt>Name</dt><dd>{meta.name}</dd>
        {meta.namespace && <><dt>Namespace</dt><dd>{meta.namespace}</dd></>}
        <dt>Created</dt><dd>{age(meta.creationTimestamp)} ago ({meta.creationTimestamp})</dd>
        {meta.deletionTimestamp && <><dt>Deleting since</dt><dd>{meta.deletionTimestamp}</dd></>}
        <dt>UID</dt><dd>{meta.uid}</dd>
        <dt>Labels</dt><Pairs id="object-labels" values={meta.labels} />
        <dt>Annotations</dt><Pairs id="object-annotations" values={meta.annotations} />
        <dt>Controlled by</dt>
        <dd id="object-owners">{(meta.ownerReferences ?? []).length === 0 ? '<none>' : (
          <ul class="pairs">{meta.ownerReferences!.map((owner) => {
            const kind = kindNamed(owner.kind, owner.apiVersion);
            const label = `${owner.kind}/${owner.name}`;
            return <li>{kind ? <a href={objectHref(kind, meta.namespace, owner.name)} data-owner={owner.kind}>{label}</a> : label}
              {owner.controller ? ' (controller)' : ''}</li>;
          })}</ul>)}
        </dd>
        {ownedKinds.length > 0 && <><dt>Owns</dt>
          <dd><ul class="pairs" id="object-owned">{ownedKinds.map((k) => <Owned owner={object} kind={k} />)}</ul></dd></>}
      </dl>
    </>
  );
}

function Conditions({ conditions }: { conditions: Condition[] | undefined }) {
  if (!conditions?.length) return null;
  return (
    <>
      <h3>Conditions</h3>
      <Table label="Conditions" head={['Type', 'Status', 'Reason', 'Message', 'Last transition']} empty={false}>
        {conditions.map((c) => (
          <tr><th scope="row">{c.type}</th><td class={c.status === 'True' ? 'ok' : ''}>{c.status}</td>
            <td>{c.reason}</td><td class="wrap">{c.message}</td><td>{age(c.lastTransitionTime)}</td></tr>))}
      </Table>
    </>
  );
}

/** The events about one object, by its UID (as `kubectl describe` finds them), newest first. */
export function ObjectEvents({ object }: { object: KubeObject }) {
  const uid = object.metadata.uid ?? '';
  const where = object.metadata.namespace ? `/api/v1/namespaces/${encodeURIComponent(object.metadata.namespace)}/events` : '/api/v1/events';
  const events = useWatchedList<Event>(`${where}?fieldSelector=${encodeURIComponent('involvedObject.uid=' + uid)}`);
  const shown = [...events.items].sort((a, b) => (lastSeen(b) ?? '').localeCompare(lastSeen(a) ?? ''));
  return (
    <>
      <h3>Events</h3>
      <Problem error={events.error} />
      <div id="object-events">
        <Table label="Events" head={['Type', 'Reason', 'Age', 'From', 'Message']} empty={events.loaded && shown.length === 0}>
          {shown.map((e) => (
            <tr key={e.metadata.uid} class={e.type === 'Warning' ? 'warning' : ''}>
              <td>{e.type}</td><td>{e.reason}</td>
              <td>{age(lastSeen(e))}{(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}</td>
              <td>{e.source?.component ?? e.reportingComponent}</td><td class="wrap">{e.message}</td>
            </tr>))}
        </Table>
      </div>
    </>
  );
}

/**
 * The YAML, as `kubectl get -o yaml` prints it, kept current by the watch; "Edit" turns it into
 * an editor whose Save is a PUT of the text (see {@link YamlEditor}).
 */
function ObjectYaml({ object, kind, hidden }: { object: KubeObject; kind: Kind; hidden?: string }) {
  const [shown, setShown] = useState(!hidden);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  if (!shown) {
    return <><h3>YAML</h3><button type="button" id="show-yaml" onClick={() => setShown(true)}>{hidden}</button></>;
  }
  return (
    <>
      <h3>YAML {!editing && <button type="button" id="edit-yaml" class="inline"
        onClick={() => { setSaved(null); setEditing(true); }}>Edit</button>}</h3>
      {saved && <p role="status" id="edit-saved">{saved}</p>}
      {editing
        ? <YamlEditor object={object} kind={kind} onClose={(message) => { setSaved(message); setEditing(false); }} />
        : <pre id="object-yaml" class="yaml" tabIndex={0} aria-label="YAML">{objectYaml(object)}</pre>}
    </>
  );
}

/** The sections every object's page has; the pod page puts its own above them. */
export function ObjectSections({ object, kind }: { object: KubeObject; kind: Kind }) {
  const status = (object as { status?: { conditions?: Condition[] } }).status;
  return (
    <>
      <Metadata object={object} kind={kind} />
      {kind.kind !== 'Pod' && <Conditions conditions={status?.conditions} />}
      <ObjectEvents object={object} />
      <ObjectYaml object={object} kind={kind} hidden={kind.kind === 'Secret' ? 'Show YAML (shows the values)' : undefined} />
      <HistorySection object={object} kind={kind} />
    </>
  );
}

function ServiceSummary({ service }: { service: Service }) {
  const endpoints = useWatchedObject<Endpoints>(kindNamed('Endpoints')!, service.metadata.namespace ?? '', service.metadata.name);
  const addresses = endpointAddresses(endpoints.object ?? undefined);
  return (
    <dl class="summary" id="service-summary">
      <dt>Type</dt><dd>{service.spec?.type ?? 'ClusterIP'}</dd>
      <dt>Cluster IP</dt><dd>{service.spec?.clusterIP ?? '<none>'}</dd>
      <dt>External IP</dt><dd>{serviceExternalIp(service)}</dd>
      <dt>Ports</dt><dd>{(service.spec?.ports ?? []).map((p) =>
        <div>{p.name ? `${p.name} ` : ''}{p.port}/{p.protocol ?? 'TCP'} → {p.targetPort ?? p.port}{p.nodePort ? ` (node port ${p.nodePort})` : ''}</div>)}</dd>
      <dt>Selector</dt><dd>{selectorText(service.spec?.selector)}</dd>
      <dt>Session affinity</dt><dd>{service.spec?.sessionAffinity ?? 'None'}</dd>
      <dt>Endpoints</dt><dd id="service-endpoints">{addresses.length ? addresses.join(', ') : '<none>'}</dd>
    </dl>
  );
}

/** A Secret value, decoded from base64 as `kubectl get secret -o jsonpath | base64 -d` would. */
export function decodeBase64(value: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(value), (c) => c.charCodeAt(0)));
  } catch {
    return '<not base64>';
  }
}

function SecretValue({ name, value }: { name: string; value: string }) {
  const [revealed, setRevealed] = useState(false);
  const bytes = Math.floor(value.length * 3 / 4) - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
  return (
    <tr data-key={name}>
      <th scope="row">{name}</th>
      <td class="secret-value">{revealed ? <pre class="value">{decodeBase64(value)}</pre> : `${bytes} bytes`}</td>
      <td><button type="button" aria-label={`${revealed ? 'Hide' : 'Reveal'} ${name}`} onClick={() => setRevealed(!revealed)}>
        {revealed ? 'Hide' : 'Reveal'}</button></td>
    </tr>
  );
}

function DataSection({ object, secret }: { object: DataObject; secret: boolean }) {
  const keys = Object.keys(object.data ?? {}).sort();
  const binary = Object.keys(object.binaryData ?? {}).sort();
  return (
    <>
      {secret && <dl class="summary"><dt>Type</dt><dd>{object.type ?? 'Opaque'}</dd></dl>}
      <h3>Data</h3>
      <div id="object-data">
        <Table label="Data" head={secret ? ['Key', 'Value', ''] : ['Key', 'Value']} empty={keys.length + binary.length === 0}>
          {keys.map((k) => secret
            ? <SecretValue name={k} value={object.data![k]} />
            : <tr data-key={k}><th scope="row">{k}</th><td><pre class="value">{object.data![k]}</pre></td></tr>)}
          {binary.map((k) => <tr data-key={k}><th scope="row">{k}</th><td>{Math.floor(object.binaryData![k].length * 3 / 4)} bytes (binary)</td></tr>)}
        </Table>
      </div>
    </>
  );
}

function WorkloadSummary({ workload }: { workload: Workload }) {
  const s = workload.status ?? {};
  return (
    <dl class="summary">
      {workload.spec?.replicas !== undefined && <><dt>Replicas</dt>
        <dd>{workload.spec.replicas} desired, {s.updatedReplicas ?? 0} updated, {s.replicas ?? 0} total, {s.availableReplicas ?? 0} available, {s.readyReplicas ?? 0} ready</dd></>}
      <dt>Images</dt><dd>{(workload.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', ') || '<none>'}</dd>
    </dl>
  );
}

export function ObjectDetail({ kind, namespace, name }: { kind: Kind; namespace: string; name: string }) {
  const { object, loaded, error } = useWatchedObject<KubeObject>(kind, namespace, name);
  const title = `${kind.kind} ${kind.namespaced ? `${namespace}/` : ''}${name}`;
  let summary = null;
  if (object) {
    switch (kind.kind) {
      case 'Service': summary = <ServiceSummary service={object as Service} />; break;
      case 'ConfigMap': summary = <DataSection object={object as DataObject} secret={false} />; break;
      case 'Secret': summary = <DataSection object={object as DataObject} secret={true} />; break;
      case 'Deployment':
        summary = <><WorkloadSummary workload={object as Workload} /><DeploymentRollout deployment={object as Workload} /></>; break;
      case 'Node': summary = <NodeSummary node={object as Node} />; break;
      case 'DaemonSet':
        summary = <><WorkloadSummary workload={object as Workload} /><DaemonSetRollout daemonSet={object as Workload} /></>; break;
      case 'ReplicaSet': case 'StatefulSet': case 'ReplicationController':
        summary = <WorkloadSummary workload={object as Workload} />; break;
      default:
    }
  }
  return (
    <section aria-labelledby="object-title">
      <h2 id="object-title">{title}</h2>
      <Problem error={error} />
      {!object && loaded && !error && <p class="error" role="alert">{qualifiedResource(kind)} "{name}" not found</p>}
      {!object && !loaded && <p>Loading…</p>}
      {object && <>{summary}<ObjectSections object={object} kind={kind} /></>}
    </section>
  );
}

/** The list pages' link to an object's page. */
export function ObjectLink({ kind, object }: { kind: Kind; object: KubeObject }) {
  return <a href={objectHref(kind, object.metadata.namespace, object.metadata.name)}>{object.metadata.name}</a>;
}
