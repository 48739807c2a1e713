// A Deployment's rollout, as `kubectl rollout` and `kubectl scale` drive it: restart, pause and
// resume, scale, and the revision history (its ReplicaSets) with a roll back to any earlier
// revision. Each action is the same API request kubectl makes, so the cluster's controllers
// take it from there and the page, following the watches, shows them doing it.
import { useState } from 'preact/hooks';
import { api, patch } from './api';
import { age } from './format';
import { collectionPath, kindNamed, objectHref } from './kinds';
import type { KubeObject, Workload } from './model';
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
  return (w.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', ');
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

function path(d: Workload): string {
  return `${collectionPath(kindNamed('Deployment')!, d.metadata.namespace ?? '')}/${encodeURIComponent(d.metadata.name)}`;
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
  const replicaSetKind = kindNamed('ReplicaSet')!;
  const replicaSets = useWatchedList<Workload>(collectionPath(replicaSetKind, deployment.metadata.namespace ?? ''));
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [replicas, setReplicas] = useState(String(deployment.spec?.replicas ?? 1));
  const [compared, setCompared] = useState<number | null>(null);
  const name = deployment.metadata.name;

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
  // kubectl rollout restart: a new template annotation, so a new ReplicaSet replaces the pods
  const restart = () => act(`deployment.apps/${name} restarted`, () => patch(`${path(deployment)}?fieldManager=capstan-console`,
    { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } } } }));
  const pause = (paused: boolean) => act(`deployment.apps/${name} ${paused ? 'paused' : 'resumed'}`,
    () => patch(`${path(deployment)}?fieldManager=capstan-console`, { spec: { paused: paused || null } }));
  const scale = (e: { preventDefault(): void }) => {
    e.preventDefault();
    act(`deployment.apps/${name} scaled`, () => patch(`${path(deployment)}/scale?fieldManager=capstan-console`, { spec: { replicas: Number(replicas) } }));
  };

  const current = templateYaml(deployment.spec?.template);
  const history = replicaSets.items
    .filter((rs) => rs.metadata.ownerReferences?.some((r) => r.uid === deployment.metadata.uid))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const undo = (rs: Workload) => {
    if (!window.confirm(`Roll ${name} back to revision ${revisionOf(rs)} (${images(rs)})?`)) return;
    act(`deployment.apps/${name} rolled back`, () => rollBack(deployment, rs));
  };

  return (
    <section aria-labelledby="rollout-title" id="rollout">
      <h3 id="rollout-title">Rollout</h3>
      {problem && <p class="error" role="alert" id="rollout-error">{problem}</p>}
      {done && <p role="status" id="rollout-done">{done}</p>}
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
      <h3>Revisions</h3>
      <div id="rollout-history">
        <Table label="Revisions" head={['Revision', 'ReplicaSet', 'Images', 'Ready', 'Age', '']} empty={replicaSets.loaded && history.length === 0}>
          {history.map((rs) => {
            const isCurrent = templateYaml(rs.spec?.template) === current;
            const revision = revisionOf(rs);
            const open = compared === revision;
            return (
              <>
                <tr data-revision={revision} class={isCurrent ? 'current' : ''}>
                  <th scope="row">{revision}{isCurrent ? ' (current)' : ''}</th>
                  <td><a href={objectHref(replicaSetKind, rs.metadata.namespace, rs.metadata.name)}>{rs.metadata.name}</a></td>
                  <td>{images(rs)}</td>
                  <td>{rs.status?.readyReplicas ?? 0}/{rs.spec?.replicas ?? 0}</td>
                  <td>{age(rs.metadata.creationTimestamp)}</td>
                  <td class="actions">{!isCurrent && <>
                    <button type="button" class="secondary" aria-expanded={open} onClick={() => setCompared(open ? null : revision)}>
                      {open ? 'Hide changes' : 'Changes'}</button>
                    <button type="button" class="secondary" onClick={() => undo(rs)}>Roll back to this</button></>}</td>
                </tr>
                {open && !isCurrent && (
                  <tr class="revision-diff"><td colSpan={6}>
                    <p>From revision {revision}'s pod template to the current one (rolling back undoes these):</p>
                    <DiffText id={`revision-diff-${revision}`} label={`Changes from revision ${revision} to the current template`}
                      before={templateYaml(rs.spec?.template)} after={current} context={3} />
                  </td></tr>)}
              </>);
          })}
        </Table>
      </div>
    </section>
  );
}
