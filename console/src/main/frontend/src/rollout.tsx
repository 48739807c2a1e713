// A Deployment's or DaemonSet's rollout, as `kubectl rollout` and `kubectl scale` drive it:
// restart, pause and resume, scale, and the revision history (a Deployment's ReplicaSets, a
// DaemonSet's ControllerRevisions) with a roll back to any earlier revision. Each action is the
// same API request kubectl makes, so the cluster's controllers take it from there and the page,
// following the watches, shows them doing it.
import { useState } from 'preact/hooks';
import { api, patch, setFields } from './api';
import { age } from './format';
import { collectionPath, kindNamed, objectHref } from './kinds';
import type { KubeObject, PodTemplate, Workload } from './model';
import { DiffText } from './diff';
import { Table } from './views';
import { useWatchedList } from './watching';
import { toYaml } from './yaml';

const REVISION = 'deployment.kubernetes.io/revision';

/** What `kubectl rollout undo` leaves of the Deployment's annotations rather than taking the ReplicaSet's. */
const ANNOTATIONS_KEPT = new Set([
  'kubectl.kubernetes.io/last-applied-configuration', REVISION, 'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'deprecated.deployment.rollback.to',
]);

function revisionOf(o: KubeObject): number {
  return Number(o.metadata.annotations?.[REVISION] ?? 0);
}

function images(w: Workload): string {
  return templateImages(w.spec?.template);
}

/** A ReplicaSet's pod template as its Deployment had it: without the pod-template-hash label the controller adds. */
function templateOf(template: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(template ?? {}));
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy;
}

/** A pod template's YAML as kubectl prints it (keys sorted): also how two templates compare. */
function templateYaml(template: unknown): string {
  return toYaml(templateOf(template));
}

function path(w: Workload, kind = 'Deployment'): string {
  return `${collectionPath(kindNamed(kind)!, w.metadata.namespace ?? '')}/${encodeURIComponent(w.metadata.name)}`;
}

/** kubectl rollout restart: a new template annotation, so new pods replace the old ones. */
export function restartPatch(): unknown {
  return { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } } } };
}

/** What an action did ("deployment.apps/web restarted") or why the API refused it. */
function useAction() {
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = async (what: string, request: () => Promise<unknown>) => {
    setProblem(null);
    setDone(null);
    try {
      await request();
      setDone(what);
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const messages = <>
    {problem && <p class="error" role="alert" id="rollout-error">{problem}</p>}
    {done && <p role="status" id="rollout-done">{done}</p>}
  </>;
  return { act, messages };
}

/** One revision of a workload's history, whatever object keeps it. */
interface Revision {
  revision: number;
  kind: string;
  name: string;
  namespace?: string;
  /** The pod template it puts back. */
  template: unknown;
  /** Cells between the object's link and its age. */
  cells: preact.JSX.Element[];
  created?: string;
  rollBack: () => void;
}

/**
 * The revisions table: newest first, the current one marked, and for each other one its
 * changes to the current template (a diff) and a roll back.
 */
function Revisions({ label, head, current, revisions, loaded }:
  { label: string; head: string[]; current: unknown; revisions: Revision[]; loaded: boolean }) {
  const [compared, setCompared] = useState<number | null>(null);
  const currentYaml = templateYaml(current);
  const columns = 4 + head.length;
  return (
    <>
      <h3>Revisions</h3>
      <div id="rollout-history">
        <Table label="Revisions" head={['Revision', label, ...head, 'Age', '']} empty={loaded && revisions.length === 0}>
          {revisions.map((r) => {
            const isCurrent = templateYaml(r.template) === currentYaml;
            const open = compared === r.revision;
            return (
              <>
                <tr data-revision={r.revision} class={isCurrent ? 'current' : ''}>
                  <th scope="row">{r.revision}{isCurrent ? ' (current)' : ''}</th>
                  <td><a href={objectHref(kindNamed(r.kind)!, r.namespace, r.name)}>{r.name}</a></td>
                  {r.cells}
                  <td>{age(r.created)}</td>
                  <td class="actions">{!isCurrent && <>
                    <button type="button" class="secondary" aria-expanded={open} onClick={() => setCompared(open ? null : r.revision)}>
                      {open ? 'Hide changes' : 'Changes'}</button>
                    <button type="button" class="secondary" onClick={r.rollBack}>Roll back to this</button></>}</td>
                </tr>
                {open && !isCurrent && (
                  <tr class="revision-diff"><td colSpan={columns}>
                    <p>From revision {r.revision}'s pod template to the current one (rolling back undoes these):</p>
                    <DiffText id={`revision-diff-${r.revision}`} label={`Changes from revision ${r.revision} to the current template`}
                      before={templateYaml(r.template)} after={currentYaml} context={3} />
                  </td></tr>)}
              </>);
          })}
        </Table>
      </div>
    </>
  );
}

/**
 * `kubectl rollout undo --to-revision`: the ReplicaSet's pod template (its pod-template-hash label
 * dropped) and annotations put back into the Deployment by one JSON patch.
 */
async function rollBack(d: Workload, to: Workload): Promise<void> {
  const template = templateOf(to.spec?.template);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (ANNOTATIONS_KEPT.has(k)) annotations[k] = v;
  for (const [k, v] of Object.entries(to.metadata.annotations ?? {})) if (!ANNOTATIONS_KEPT.has(k)) annotations[k] = v;
  await api(`${path(d)}?fieldManager=capstan-console`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json-patch+json' },
    body: JSON.stringify([
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ]),
  });
}

export function DeploymentRollout({ deployment }: { deployment: Workload }) {
  const replicaSets = useWatchedList<Workload>(collectionPath(kindNamed('ReplicaSet')!, deployment.metadata.namespace ?? ''));
  const { act, messages } = useAction();
  const [replicas, setReplicas] = useState(String(deployment.spec?.replicas ?? 1));
  const name = deployment.metadata.name;

  const restart = () => act(`deployment.apps/${name} restarted`, () => patch(`${path(deployment)}?fieldManager=capstan-console`, restartPatch()));
  const pause = (paused: boolean) => act(`deployment.apps/${name} ${paused ? 'paused' : 'resumed'}`,
    () => setFields(`${path(deployment)}?fieldManager=capstan-console`, { spec: { paused: paused || null } }));
  const scale = (e: { preventDefault(): void }) => {
    e.preventDefault();
    act(`deployment.apps/${name} scaled`, () => setFields(`${path(deployment)}/scale?fieldManager=capstan-console`, { spec: { replicas: Number(replicas) } }));
  };

  const revisions: Revision[] = replicaSets.items
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === deployment.metadata.uid))
    .sort((a, b) => revisionOf(b) - revisionOf(a))
    .map((rs) => ({
      revision: revisionOf(rs), kind: 'ReplicaSet', name: rs.metadata.name, namespace: rs.metadata.namespace,
      template: rs.spec?.template, created: rs.metadata.creationTimestamp,
      cells: [<td>{images(rs)}</td>, <td>{rs.status?.readyReplicas ?? 0}/{rs.spec?.replicas ?? 0}</td>],
      rollBack: () => {
        if (!window.confirm(`Roll ${name} back to revision ${revisionOf(rs)} (${images(rs)})?`)) return;
        act(`deployment.apps/${name} rolled back`, () => rollBack(deployment, rs));
      },
    }));

  return (
    <section aria-labelledby="rollout-title" id="rollout">
      <h3 id="rollout-title">Rollout</h3>
      {messages}
      <div class="actions rollout-actions">
        <button type="button" id="rollout-restart" onClick={restart}>Restart</button>
        {deployment.spec?.paused
          ? <button type="button" id="rollout-resume" onClick={() => pause(false)}>Resume</button>
          : <button type="button" id="rollout-pause" class="secondary" onClick={() => pause(true)}>Pause</button>}
        <form class="scale" onSubmit={scale}>
          <label for="scale-replicas">Replicas</label>
          <input id="scale-replicas" type="number" min={0} required value={replicas}
            onInput={(e) => setReplicas((e.target as HTMLInputElement).value)} />
          <button type="submit" id="scale-submit">Scale</button>
        </form>
      </div>
      {deployment.spec?.paused && <p class="notice" id="rollout-paused">The rollout is paused: template changes wait until it is resumed.</p>}
      <Revisions label="ReplicaSet" head={['Images', 'Ready']} current={deployment.spec?.template}
        revisions={revisions} loaded={replicaSets.loaded} />
    </section>
  );
}

/** A DaemonSet's ControllerRevision: the patch that puts its template back, and its number. */
interface ControllerRevision extends KubeObject {
  revision?: number;
  data?: { spec?: { template?: Record<string, unknown> } };
}

/** The pod template a ControllerRevision puts back (its patch without the `$patch` directive). */
function revisionTemplate(r: ControllerRevision): unknown {
  const { $patch: _, ...template } = r.data?.spec?.template ?? {};
  return template;
}

function templateImages(template: unknown): string {
  return ((template as PodTemplate | undefined)?.spec?.containers ?? []).map((c) => c.image).join(', ');
}

/**
 * A DaemonSet's rollout: restart, and its ControllerRevisions with a roll back as
 * `kubectl rollout undo daemonset` makes it (the revision's data sent as a strategic merge patch).
 */
export function DaemonSetRollout({ daemonSet }: { daemonSet: Workload }) {
  const list = useWatchedList<ControllerRevision>(collectionPath(kindNamed('ControllerRevision')!, daemonSet.metadata.namespace ?? ''));
  const { act, messages } = useAction();
  const name = daemonSet.metadata.name;
  const resource = path(daemonSet, 'DaemonSet');
  const restart = () => act(`daemonset.apps/${name} restarted`, () => patch(`${resource}?fieldManager=capstan-console`, restartPatch()));
  const revisions: Revision[] = list.items
    .filter((r) => r.metadata.ownerReferences?.some((o) => o.controller && o.uid === daemonSet.metadata.uid))
    .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))
    .map((r) => {
      const template = revisionTemplate(r);
      return {
        revision: r.revision ?? 0, kind: 'ControllerRevision', name: r.metadata.name, namespace: r.metadata.namespace,
        template, created: r.metadata.creationTimestamp,
        cells: [<td>{templateImages(template)}</td>, <td>{r.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>'}</td>],
        rollBack: () => {
          if (!window.confirm(`Roll ${name} back to revision ${r.revision} (${templateImages(template)})?`)) return;
          act(`daemonset.apps/${name} rolled back`, () => patch(`${resource}?fieldManager=capstan-console`, r.data,
            'application/strategic-merge-patch+json'));
        },
      };
    });
  return (
    <section aria-labelledby="rollout-title" id="rollout">
      <h3 id="rollout-title">Rollout</h3>
      {messages}
      <div class="actions rollout-actions">
        <button type="button" id="rollout-restart" onClick={restart}>Restart</button>
      </div>
      <Revisions label="ControllerRevision" head={['Images', 'Change cause']} current={daemonSet.spec?.template}
        revisions={revisions} loaded={list.loaded} />
    </section>
  );
}
