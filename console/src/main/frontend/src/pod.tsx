// One pod: what kubectl describe shows first (status, node, IP, containers, conditions, labels,
// events), its logs, followed live, and a shell in one of its containers.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, failure, headers } from './api';
import { age, podReady, podRestarts, podStatus } from './format';
import { ObjectSections } from './detail';
import { kindNamed } from './kinds';
import type { ContainerState, Pod } from './model';
import { useWatchedList } from './watching';
import { Shell } from './shell';

function describeState(state: ContainerState | undefined): string {
  if (state?.running) return `Running since ${state.running.startedAt ?? '?'}`;
  if (state?.waiting) return `Waiting: ${state.waiting.reason ?? ''}`;
  if (state?.terminated) return `Terminated: ${state.terminated.reason ?? ''} (exit code ${state.terminated.exitCode ?? '?'})`;
  return 'Unknown';
}

/** The log of one container, streamed as the API sends it (follow) or read once. */
function Logs({ namespace, pod, containers }: { namespace: string; pod: string; containers: string[] }) {
  const [container, setContainer] = useState(containers[0] ?? '');
  const [follow, setFollow] = useState(true);
  const [previous, setPrevious] = useState(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const end = useRef<HTMLPreElement>(null);

  useEffect(() => {
    if (!container) return undefined;
    const controller = new AbortController();
    setText('');
    setError(null);
    const query = new URLSearchParams({ container, tailLines: '1000' });
    if (follow && !previous) query.set('follow', 'true');
    if (previous) query.set('previous', 'true');
    // A followed log whose connection drops (a network change, a proxy's timeout) is read again
    // from its tail, replacing what was shown, so no line appears twice; the API's own refusals
    // (4xx, 5xx with a Status) end it with their message.
    (async () => {
      for (let attempt = 0; !controller.signal.aborted; attempt++) {
        let fresh = true;
        try {
          const response = await fetch(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log?${query}`, {
            // a log is text: the API's Accept default, not the JSON the other calls ask for
            headers: headers({ Accept: '*/*' }), credentials: 'omit', signal: controller.signal,
          });
          if (!response.ok || !response.body) {
            // failure() reads the Status, and on a 401 ends the session as every other call does
            setError((await failure(response)).message);
            return;
          }
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            attempt = 0;
            setError(null);
            // keep the last 1 MB: a chatty container must not grow the page without end
            const first = fresh;
            setText((t) => (first ? value : t + value).slice(-1_000_000));
            fresh = false;
          }
        } catch (e) {
          if (controller.signal.aborted) return;
          if (!follow || previous) {
            setError((e as Error).message);
            return;
          }
          setError(`${(e as Error).message}: reconnecting…`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** attempt, 8000)));
        }
      }
    })();
    return () => controller.abort();
  }, [namespace, pod, container, follow, previous]);

  useEffect(() => { end.current?.scrollTo(0, end.current.scrollHeight); }, [text]);

  return (
    <section aria-labelledby="logs-title" class="logs">
      <h3 id="logs-title">Logs</h3>
      <div class="log-controls">
        <label for="log-container">Container</label>
        <select id="log-container" value={container} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
          {containers.map((c) => <option value={c}>{c}</option>)}
        </select>
        <label><input type="checkbox" id="log-follow" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> Follow</label>
        <label><input type="checkbox" id="log-previous" checked={previous} onChange={(e) => setPrevious((e.target as HTMLInputElement).checked)} /> Previous container</label>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <pre id="log-text" ref={end} tabIndex={0} aria-label="Log output">{text}</pre>
    </section>
  );
}

export function PodDetail({ namespace, name }: { namespace: string; name: string }) {
  const [pod, setPod] = useState<Pod | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const pods = useWatchedList<Pod>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods?fieldSelector=${encodeURIComponent('metadata.name=' + name)}`);
  useEffect(() => {
    api<Pod>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`)
      .then(setPod).catch((e) => setError(e as ApiError));
  }, [namespace, name]);
  const current = pods.items[0] ?? pod;
  // the watch brings the pod too: a first read that failed (a request dropped on a network
  // change) matters only while the watch has not
  if (!current) return error ? <p class="error" role="alert">{error.message}</p> : <p>Loading…</p>;
  const statuses = new Map((current.status?.containerStatuses ?? []).map((c) => [c.name, c]));
  return (
    <section aria-labelledby="pod-title">
      <h2 id="pod-title">Pod {namespace}/{name}</h2>
      <dl class="summary">
        <dt>Status</dt><dd id="pod-status">{podStatus(current)}</dd>
        <dt>Ready</dt><dd>{podReady(current)}</dd>
        <dt>Restarts</dt><dd>{podRestarts(current)}</dd>
        <dt>Node</dt><dd>{current.spec?.nodeName ?? '<none>'}</dd>
        <dt>IP</dt><dd>{current.status?.podIP ?? '<none>'}</dd>
        <dt>Age</dt><dd>{age(current.metadata.creationTimestamp)}</dd>
      </dl>
      <h3>Containers</h3>
      <ul>{(current.spec?.containers ?? []).map((c) => {
        const s = statuses.get(c.name);
        return <li>{c.name} ({c.image}): {describeState(s?.state)}, {s?.restartCount ?? 0} restarts</li>;
      })}</ul>
      <h3>Conditions</h3>
      <ul>{(current.status?.conditions ?? []).map((c) => <li>{c.type}: {c.status}{c.reason ? ` (${c.reason})` : ''}</li>)}</ul>
      <Logs namespace={namespace} pod={name} containers={(current.spec?.containers ?? []).map((c) => c.name)} />
      <Shell namespace={namespace} pod={name} phase={current.status?.phase} containers={(current.spec?.containers ?? []).map((c) => ({ name: c.name, running: !!statuses.get(c.name)?.state?.running }))} />
      <ObjectSections object={{ apiVersion: 'v1', kind: 'Pod', ...current }} kind={kindNamed('Pod')!} />
    </section>
  );
}
