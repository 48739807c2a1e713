// A live stream of the cluster's events: every event recorded from the moment the stream opens,
// newest on top, as it happens (`kubectl events --watch`, or `kubectl get events -w -A`), a
// repeated event (its count raised) shown again each time it recurs. Unlike the Events list,
// nothing is sorted away: it is the cluster's log of what it did, paused and resumed at will.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, watch } from './api';
import { lastSeen } from './format';
import { collectionPath, kindNamed, objectHref } from './kinds';
import type { Event, List } from './model';

/** The lines the page keeps: older ones drop off the bottom. */
const KEPT = 500;

interface Line {
  id: number;
  event: Event;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Events from now on: a list of one item gives the collection's current revision, and the watch
 * from there sends only what happens after. A watch that ends resumes from the last revision;
 * when that is compacted away (410) the stream says events may have been missed and goes on.
 */
export function EventStream({ namespace }: { namespace: string }) {
  const [lines, setLines] = useState<Line[]>([]);
  const [paused, setPaused] = useState(false);
  const [missed, setMissed] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [connected, setConnected] = useState(false);
  const pausedRef = useRef(false);
  pausedRef.current = paused;
  const path = collectionPath(kindNamed('Event')!, namespace);

  useEffect(() => {
    const controller = new AbortController();
    const signal = controller.signal;
    let next = 0;
    setLines([]);
    setMissed(0);
    setNotice(null);
    setConnected(false);
    (async () => {
      let revision: string | undefined;
      let failures = 0;
      while (!signal.aborted) {
        try {
          if (revision === undefined) {
            revision = (await api<List<Event>>(`${path}?limit=1`, { signal })).metadata.resourceVersion;
            // from here on, nothing recorded is missed: the watch starts at this revision
            setConnected(true);
          }
          await watch<Event>(`${path}?watch=1&allowWatchBookmarks=true&resourceVersion=${revision ?? ''}`, (e) => {
            revision = e.object.metadata?.resourceVersion ?? revision;
            if (e.type !== 'ADDED' && e.type !== 'MODIFIED') return;
            if (pausedRef.current) {
              setMissed((m) => m + 1);
              return;
            }
            const line = { id: next++, event: e.object };
            setLines((shown) => [line, ...shown].slice(0, KEPT));
          }, signal);
          failures = 0;
        } catch (e) {
          if (signal.aborted) return;
          if (e instanceof ApiError && e.code === 410) {
            revision = undefined;
            setNotice('The stream fell behind the change log: some events may be missing here.');
            continue;
          }
          if (e instanceof ApiError && (e.code === 401 || e.code === 403)) {
            setNotice(e.message);
            return;
          }
          failures++;
          await sleep(Math.min(1000 * 2 ** Math.min(failures, 4), 15000), signal);
        }
      }
    })();
    return () => controller.abort();
  }, [path]);

  return (
    <div class="event-stream">
      <div class="filters">
        <button type="button" id="stream-pause" class="secondary" aria-pressed={paused}
          onClick={() => { setPaused(!paused); if (paused) setMissed(0); }}>{paused ? 'Resume' : 'Pause'}</button>
        <span role="status" id="stream-status">{!connected ? 'Connecting…' : paused
          ? `Paused: ${missed} event${missed === 1 ? '' : 's'} not shown`
          : `Live: ${lines.length} event${lines.length === 1 ? '' : 's'} since the stream opened`}</span>
      </div>
      {notice && <p class="notice" role="alert">{notice}</p>}
      <ol id="event-stream" class="stream" aria-live="polite" aria-label="Events as they happen">
        {lines.map(({ id, event }) => {
          const involved = event.involvedObject ?? {};
          const kind = kindNamed(involved.kind, involved.apiVersion);
          const label = `${(involved.kind ?? '').toLowerCase()}/${involved.name ?? ''}`;
          const when = lastSeen(event);
          return (
            <li key={id} data-event={event.metadata.name} class={event.type === 'Warning' ? 'warning' : ''}>
              <time dateTime={when}>{when ? new Date(when).toLocaleTimeString() : ''}</time>
              {' '}<span class="stream-ns">{event.metadata.namespace}</span>
              {' '}<strong>{event.type}</strong> {event.reason}
              {' '}{kind && involved.name ? <a href={objectHref(kind, involved.namespace ?? event.metadata.namespace, involved.name)}>{label}</a> : label}
              {(event.count ?? 1) > 1 ? ` (x${event.count})` : ''}: {event.message}
            </li>);
        })}
      </ol>
      {lines.length === 0 && <p class="empty">Nothing yet: events appear here as they happen.</p>}
    </div>
  );
}
