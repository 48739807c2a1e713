// The Workloads view's other kinds: DaemonSets, Jobs and CronJobs, each with the columns of
// `kubectl get` and the actions kubectl offers for it (rollout restart, delete, suspend and resume,
// `kubectl create job --from=cronjob/...`). Each table follows its kind's watch.
import { useState } from 'preact/hooks';
import { del, patch, post } from './api';
import { age, jobCompletions, jobDuration, jobStatus, selectorText, workloadSelectorText } from './format';
import { collectionPath, kindNamed, objectHref, type Kind } from './kinds';
import type { Workload } from './model';
import { byName, Problem, Table } from './views';
import { restartPatch } from './rollout';
import { useWatchedList } from './watching';

function objectPath(kind: Kind, w: Workload): string {
  return `${collectionPath(kind, w.metadata.namespace ?? '')}/${encodeURIComponent(w.metadata.name)}`;
}

/** An action's outcome in a table's section: the API's message when it refuses. */
function useAction(): [string | null, (request: () => Promise<unknown>) => Promise<void>] {
  const [problem, setProblem] = useState<string | null>(null);
  const run = async (request: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await request();
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  return [problem, run];
}

/** The IMAGES column of `kubectl get -o wide`: the pod template's images. */
function images(w: Workload): string {
  const template = w.spec?.template ?? w.spec?.jobTemplate?.spec?.template;
  return (template?.spec?.containers ?? []).map((c) => c.image).join(',') || '<none>';
}

function NameCell({ kind, w }: { kind: Kind; w: Workload }) {
  return <th scope="row"><a href={objectHref(kind, w.metadata.namespace, w.metadata.name)}>{w.metadata.name}</a></th>;
}

/** `kubectl delete`: Jobs as kubectl deletes them, their pods in the background. */
function remove(kind: Kind, w: Workload, run: (r: () => Promise<unknown>) => Promise<void>) {
  if (!window.confirm(`Delete the ${kind.kind} ${w.metadata.namespace}/${w.metadata.name}?`)) return;
  const query = kind.kind === 'Job' ? '?propagationPolicy=Background' : '';
  run(() => del(objectPath(kind, w) + query));
}

export function DaemonSets({ namespace }: { namespace: string }) {
  const kind = kindNamed('DaemonSet')!;
  const list = useWatchedList<Workload>(collectionPath(kind, namespace));
  const [problem, run] = useAction();
  const restart = (w: Workload) => run(() => patch(`${objectPath(kind, w)}?fieldManager=capstan-console`,
    restartPatch()));
  return (
    <>
      <h3>DaemonSets</h3>
      <Problem error={list.error} />
      {problem && <p class="error" role="alert">{problem}</p>}
      <Table label="DaemonSets" empty={list.loaded && list.items.length === 0}
        head={[...(namespace ? [] : ['Namespace']), 'Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node selector', 'Age', 'Images', '']}>
        {[...list.items].sort(byName).map((w) => {
          const s = w.status ?? {};
          const nodeSelector = w.spec?.template?.spec?.nodeSelector;
          return (
            <tr key={w.metadata.uid} data-daemonset={w.metadata.name}>
              {!namespace && <td>{w.metadata.namespace}</td>}
              <NameCell kind={kind} w={w} />
              <td>{s.desiredNumberScheduled ?? 0}</td><td>{s.currentNumberScheduled ?? 0}</td><td>{s.numberReady ?? 0}</td>
              <td>{s.updatedNumberScheduled ?? 0}</td><td>{s.numberAvailable ?? 0}</td>
              <td>{selectorText(nodeSelector)}</td><td>{age(w.metadata.creationTimestamp)}</td><td>{images(w)}</td>
              <td class="actions">
                <button type="button" onClick={() => restart(w)}>Restart</button>
                <button type="button" class="danger" onClick={() => remove(kind, w, run)}>Delete</button>
              </td>
            </tr>);
        })}
      </Table>
    </>
  );
}

export function Jobs({ namespace }: { namespace: string }) {
  const kind = kindNamed('Job')!;
  const list = useWatchedList<Workload>(collectionPath(kind, namespace));
  const [problem, run] = useAction();
  return (
    <>
      <h3>Jobs</h3>
      <Problem error={list.error} />
      {problem && <p class="error" role="alert">{problem}</p>}
      <Table label="Jobs" empty={list.loaded && list.items.length === 0}
        head={[...(namespace ? [] : ['Namespace']), 'Name', 'Status', 'Completions', 'Duration', 'Age', 'Images', '']}>
        {[...list.items].sort(byName).map((w) => (
          <tr key={w.metadata.uid} data-job={w.metadata.name}>
            {!namespace && <td>{w.metadata.namespace}</td>}
            <NameCell kind={kind} w={w} />
            <td>{jobStatus(w)}</td><td>{jobCompletions(w)}</td><td>{jobDuration(w)}</td><td>{age(w.metadata.creationTimestamp)}</td><td>{images(w)}</td>
            <td class="actions"><button type="button" class="danger" onClick={() => remove(kind, w, run)}>Delete</button></td>
          </tr>))}
      </Table>
    </>
  );
}

/**
 * `kubectl create job NAME --from=cronjob/CRON`: a Job from the CronJob's job template, owned by
 * the CronJob and marked as started by hand. kubectl asks for the name; the console makes one up
 * as the CronJob controller does (the CronJob's name and a suffix).
 */
function jobFrom(cronJob: Workload): object {
  const template = (cronJob.spec?.jobTemplate ?? {}) as { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: object };
  const suffix = Math.random().toString(36).slice(2, 7);
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: {
      name: `${cronJob.metadata.name}-manual-${suffix}`.slice(0, 63),
      labels: template.metadata?.labels,
      annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...template.metadata?.annotations },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cronJob.metadata.name, uid: cronJob.metadata.uid, controller: true }],
    },
    spec: template.spec,
  };
}

export function CronJobs({ namespace }: { namespace: string }) {
  const kind = kindNamed('CronJob')!;
  const list = useWatchedList<Workload>(collectionPath(kind, namespace));
  const [problem, run] = useAction();
  const suspend = (w: Workload, suspended: boolean) => run(() => patch(`${objectPath(kind, w)}?fieldManager=capstan-console`,
    { spec: { suspend: suspended } }));
  const runNow = (w: Workload) => run(() => post(`${collectionPath(kindNamed('Job')!, w.metadata.namespace ?? '')}?fieldManager=capstan-console`, jobFrom(w)));
  return (
    <>
      <h3>CronJobs</h3>
      <Problem error={list.error} />
      {problem && <p class="error" role="alert">{problem}</p>}
      <Table label="CronJobs" empty={list.loaded && list.items.length === 0}
        head={[...(namespace ? [] : ['Namespace']), 'Name', 'Schedule', 'Timezone', 'Suspend', 'Active', 'Last schedule', 'Age', 'Images', '']}>
        {[...list.items].sort(byName).map((w) => {
          const active = w.status?.active;
          return (
            <tr key={w.metadata.uid} data-cronjob={w.metadata.name}>
              {!namespace && <td>{w.metadata.namespace}</td>}
              <NameCell kind={kind} w={w} />
              <td>{w.spec?.schedule}</td><td>{w.spec?.timeZone ?? '<none>'}</td>
              <td>{w.spec?.suspend ? 'True' : 'False'}</td>
              <td>{Array.isArray(active) ? active.length : 0}</td>
              <td>{w.status?.lastScheduleTime ? age(w.status.lastScheduleTime) : '<none>'}</td>
              <td>{age(w.metadata.creationTimestamp)}</td>
              <td>{images(w)}</td>
              <td class="actions">
                <button type="button" onClick={() => runNow(w)}>Run now</button>
                {w.spec?.suspend
                  ? <button type="button" onClick={() => suspend(w, false)}>Resume</button>
                  : <button type="button" class="secondary" onClick={() => suspend(w, true)}>Suspend</button>}
                <button type="button" class="danger" onClick={() => remove(kind, w, run)}>Delete</button>
              </td>
            </tr>);
        })}
      </Table>
    </>
  );
}

/** The CONTAINERS column of `kubectl get -o wide`: the pod template's container names. */
function containerNames(w: Workload): string {
  return (w.spec?.template?.spec?.containers ?? []).map((c) => c.name).join(',') || '<none>';
}

/**
 * ReplicaSets or ReplicationControllers, with the columns of `kubectl get rs -o wide` and
 * `kubectl get rc -o wide` (DESIRED, CURRENT, READY, AGE, CONTAINERS, IMAGES, SELECTOR), and the
 * owner: most ReplicaSets are a Deployment's, and their pages lead to it.
 */
export function ReplicaSets({ namespace, kindName }: { namespace: string; kindName: 'ReplicaSet' | 'ReplicationController' }) {
  const kind = kindNamed(kindName)!;
  const list = useWatchedList<Workload>(collectionPath(kind, namespace));
  const plural = `${kindName}s`;
  return (
    <>
      <h3>{plural}</h3>
      <Problem error={list.error} />
      <Table label={plural} empty={list.loaded && list.items.length === 0}
        head={[...(namespace ? [] : ['Namespace']), 'Name', 'Desired', 'Current', 'Ready', 'Age', 'Containers', 'Images', 'Selector', 'Controlled by']}>
        {[...list.items].sort(byName).map((w) => {
          const owner = w.metadata.ownerReferences?.find((r) => r.controller);
          const ownerKind = owner && kindNamed(owner.kind, owner.apiVersion);
          return (
            <tr key={w.metadata.uid} {...{ [kindName === 'ReplicaSet' ? 'data-replicaset' : 'data-replicationcontroller']: w.metadata.name }}>
              {!namespace && <td>{w.metadata.namespace}</td>}
              <NameCell kind={kind} w={w} />
              <td>{w.spec?.replicas ?? 1}</td><td>{w.status?.replicas ?? 0}</td><td>{w.status?.readyReplicas ?? 0}</td>
              <td>{age(w.metadata.creationTimestamp)}</td><td>{containerNames(w)}</td><td>{images(w)}</td>
              <td>{workloadSelectorText(w.spec?.selector)}</td>
              <td>{owner ? (ownerKind ? <a href={objectHref(ownerKind, w.metadata.namespace, owner.name)}>{owner.kind}/{owner.name}</a>
                : `${owner.kind}/${owner.name}`) : '<none>'}</td>
            </tr>);
        })}
      </Table>
    </>
  );
}
