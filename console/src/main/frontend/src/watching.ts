// Lists that follow the API's watch, as an informer does: list (in pages, so the first rows show
// before a long list has all come), then watch from the list's revision; a watch that ends is
// resumed from the last revision seen; 410 Gone lists again.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, watch } from './api';
import type { KubeObject, List } from './model';

export interface Watched<T> {
  items: T[];
  /** The whole list has come (every page). */
  loaded: boolean;
  /** Pages have come and more are coming: {@code items} holds those so far. */
  listing: boolean;
  error: ApiError | null;
}

/**
 * The first page of a list: a screenful, so a namespace of thousands shows its first rows after
 * the time of a small list; the rest follow in pages of {@link LATER_PAGE}.
 */
const FIRST_PAGE = 250;
const LATER_PAGE = 2000;

function withParams(path: string, params: Record<string, string | undefined>): string {
  const extra = Object.entries(params).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&');
  return extra ? `${path}${path.includes('?') ? '&' : '?'}${extra}` : path;
}

/** The least time between two renders of one list. */
const PUBLISH_INTERVAL_MS = 100;

function key(object: KubeObject): string {
  return object.metadata.uid ?? `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * The objects at a collection path (e.g. {@code /api/v1/namespaces/x/pods}), kept current by a
 * watch. {@code null} path: nothing (a view that needs no list yet).
 */
export function useWatchedList<T extends KubeObject>(path: string | null): Watched<T> {
  const [state, setState] = useState<Watched<T>>({ items: [], loaded: false, listing: false, error: null });
  useEffect(() => {
    if (path === null) {
      setState({ items: [], loaded: true, listing: false, error: null });
      return undefined;
    }
    const controller = new AbortController();
    const signal = controller.signal;
    const objects = new Map<string, T>();
    let pending = false;
    let published = 0;
    let complete = false;
    // A burst of events makes one render, and renders come at most every 100 ms: a storm of
    // changes to a list of thousands (a rollout, a namespace deleted) leaves the page time to
    // answer the user between them.
    const publish = () => {
      if (pending) return;
      pending = true;
      setTimeout(() => requestAnimationFrame(() => {
        pending = false;
        published = performance.now();
        if (!signal.aborted) {
          setState({ items: [...objects.values()], loaded: complete, listing: !complete, error: null });
        }
      }), Math.max(0, published + PUBLISH_INTERVAL_MS - performance.now()));
    };
    setState({ items: [], loaded: false, listing: false, error: null });
    (async () => {
      let revision: string | undefined;
      let failures = 0;
      while (!signal.aborted) {
        try {
          if (revision === undefined) {
            // Watching from the first page's revision replays whatever changed while later pages
            // were read, so the map ends where one list at that revision plus its changes would.
            let next: string | undefined;
            let listed: string | undefined;
            do {
              const page: List<T> = await api<List<T>>(withParams(path,
                { limit: String(listed === undefined ? FIRST_PAGE : LATER_PAGE), continue: next }), { signal });
              if (listed === undefined) {
                // what was shown stays until the first page replaces it (a render meanwhile
                // must not show an empty list)
                objects.clear();
                complete = false;
                listed = page.metadata.resourceVersion ?? '';
              }
              for (const item of page.items) objects.set(key(item), item);
              next = page.metadata.continue || undefined;
              complete = next === undefined;
              publish();
            } while (next !== undefined && !signal.aborted);
            revision = listed;
          }
          const separator = path.includes('?') ? '&' : '?';
          await watch<T>(`${path}${separator}watch=1&allowWatchBookmarks=true&resourceVersion=${revision ?? ''}`, (event) => {
            revision = event.object.metadata?.resourceVersion ?? revision;
            if (event.type === 'BOOKMARK') return;
            if (event.type === 'DELETED') objects.delete(key(event.object));
            else objects.set(key(event.object), event.object);
            publish();
          }, signal);
          failures = 0;
        } catch (e) {
          if (signal.aborted) return;
          if (e instanceof ApiError && e.code === 410) {
            revision = undefined;
            continue;
          }
          failures++;
          // 400: a selector the API refuses; listing it again would be refused again
          if (e instanceof ApiError && (e.code === 400 || e.code === 401 || e.code === 403 || e.code === 404)) {
            setState((s) => ({ ...s, loaded: true, error: e as ApiError }));
            if (e.code !== 403 || failures > 3) return;
          }
          await sleep(Math.min(1000 * 2 ** Math.min(failures, 4), 15000), signal);
        }
      }
    })();
    return () => controller.abort();
  }, [path]);
  return state;
}
