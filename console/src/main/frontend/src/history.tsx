// An object's full revision history, from Capstan's own `history` subresource (every revision
// still in the change log, across deletions and re-creations under the same name), with the
// difference between any two revisions as `diff -u` of their YAML shows it. Neither the Dashboard
// nor Headlamp can show this: Kubernetes keeps no history of an object but a Deployment's
// ReplicaSets.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';
import { age } from './format';
import { collectionPath, type Kind } from './kinds';
import type { KubeObject } from './model';
import { DiffText } from './diff';
import { objectYaml } from './edit';
import { Problem, Table } from './views';

/** One revision, as `GET .../<name>/history` lists it. */
interface Revision {
  revision: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  recordedAt: string;
  object: KubeObject;
}

interface ObjectHistory {
  metadata: { compactedRevision?: string };
  items: Revision[];
}

function historyPath(kind: Kind, object: KubeObject): string {
  return `${collectionPath(kind, object.metadata.namespace ?? '')}/${encodeURIComponent(object.metadata.name)}/history`;
}

/** Radio buttons choosing one revision as the diff's "from" or "to" side. */
function Pick({ side, revision, chosen, onPick }: { side: 'from' | 'to'; revision: string; chosen: string; onPick: (r: string) => void }) {
  return (
    <input type="radio" name={`history-${side}`} id={`history-${side}-${revision}`} checked={chosen === revision}
      aria-label={`Compare ${side} revision ${revision}`} onChange={() => onPick(revision)} />
  );
}

/**
 * The history, read when the user opens it and again whenever the object changes (the page's
 * watch hands a new resourceVersion). Comparing the newest revision with the one before is the
 * default; any two can be chosen.
 */
function HistoryTable({ object, kind }: { object: KubeObject; kind: Kind }) {
  const [history, setHistory] = useState<ObjectHistory | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const path = historyPath(kind, object);
  useEffect(() => {
    const controller = new AbortController();
    api<ObjectHistory>(path, { signal: controller.signal })
      .then((h) => { setHistory(h); setError(null); })
      .catch((e) => { if (!controller.signal.aborted) setError(e instanceof ApiError ? e : new ApiError(0, null, (e as Error).message)); });
    return () => controller.abort();
  }, [path, object.metadata.resourceVersion]);
  if (error) return <Problem error={error} />;
  if (!history) return <p>Loading…</p>;
  const revisions = history.items;
  const newest = revisions[revisions.length - 1]?.revision ?? '';
  const before = revisions[revisions.length - 2]?.revision ?? newest;
  const fromRevision = revisions.find((r) => r.revision === (from ?? before));
  const toRevision = revisions.find((r) => r.revision === (to ?? newest));
  return (
    <>
      <p class="muted">{revisions.length} revision{revisions.length === 1 ? '' : 's'} in the change log
        {history.metadata.compactedRevision ? ` (revisions up to ${history.metadata.compactedRevision} of the cluster were compacted)` : ''}.</p>
      <div id="history-table">
        <Table label="Revisions of this object" head={['Revision', 'Change', 'Recorded', 'resourceVersion', 'From', 'To']} empty={revisions.length === 0}>
          {[...revisions].reverse().map((r) => (
            <tr data-history-revision={r.revision}>
              <th scope="row">{r.revision}</th>
              <td>{r.type}</td>
              <td title={r.recordedAt}>{age(r.recordedAt)} ago</td>
              <td>{r.object.metadata?.resourceVersion}</td>
              <td><Pick side="from" revision={r.revision} chosen={fromRevision?.revision ?? ''} onPick={setFrom} /></td>
              <td><Pick side="to" revision={r.revision} chosen={toRevision?.revision ?? ''} onPick={setTo} /></td>
            </tr>))}
        </Table>
      </div>
      {fromRevision && toRevision && (
        <>
          <p id="history-compared">From revision {fromRevision.revision} ({fromRevision.type}) to revision {toRevision.revision} ({toRevision.type}):</p>
          {fromRevision === toRevision
            ? <p class="muted">The same revision: choose two to compare.</p>
            : <DiffText id="history-diff" label={`Changes from revision ${fromRevision.revision} to revision ${toRevision.revision}`}
              before={objectYaml(fromRevision.object)} after={objectYaml(toRevision.object)} context={3} />}
        </>
      )}
    </>
  );
}

/** The history section of every object's page, closed until asked for (a Secret's revisions carry its values). */
export function HistorySection({ object, kind }: { object: KubeObject; kind: Kind }) {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="history-title">
      <h3 id="history-title">History <button type="button" id="history-toggle" class="inline secondary" aria-expanded={open}
        onClick={() => setOpen(!open)}>{open ? 'Hide' : kind.kind === 'Secret' ? 'Show (shows the values)' : 'Show'}</button></h3>
      {open && <HistoryTable object={object} kind={kind} />}
    </section>
  );
}
