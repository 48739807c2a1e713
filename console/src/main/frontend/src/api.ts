// The console's only way to the cluster: the ordinary Kubernetes API, with the logged-in token.
// Whatever the API allows that token (RBAC), the console can do; nothing more.

/** A Kubernetes Status, as the API answers errors. */
export interface Status {
  kind: 'Status';
  code: number;
  reason?: string;
  message?: string;
  details?: { name?: string; kind?: string; causes?: { reason?: string; message?: string; field?: string }[] };
}

/** An API answer that is not 2xx, with the Status the API gave (when it gave one). */
export class ApiError extends Error {
  constructor(readonly code: number, readonly status: Status | null, message: string) {
    super(message);
  }
}

const TOKEN_KEY = 'capstan.console.token';

let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let unauthorized: (reason: string) => void = () => {};

export function currentToken(): string | null {
  return token;
}

export function setToken(value: string | null): void {
  token = value;
  if (value === null) {
    sessionStorage.removeItem(TOKEN_KEY);
  } else {
    sessionStorage.setItem(TOKEN_KEY, value);
  }
}

/** Called when the API refuses the token (401): the session is over, with this reason. */
export function onUnauthorized(handler: (reason: string) => void): void {
  unauthorized = handler;
}

/** The request headers of every call: the token, and JSON unless the caller asks for another type. */
export function headers(extra?: HeadersInit): Headers {
  const h = new Headers(extra);
  if (token) {
    h.set('Authorization', `Bearer ${token}`);
  }
  if (!h.has('Accept')) {
    h.set('Accept', 'application/json');
  }
  return h;
}

/**
 * The error of an answer that is not 2xx, with the API's Status message; a 401 also ends the
 * session (back to the login page with the reason), whichever call met it.
 */
export async function failure(response: Response): Promise<ApiError> {
  let status: Status | null = null;
  try {
    const body = await response.json();
    if (body && body.kind === 'Status') {
      status = body as Status;
    }
  } catch {
    // not JSON: the status line says enough
  }
  const message = status?.message || `${response.status} ${response.statusText}`;
  if (response.status === 401) {
    unauthorized(message === 'Unauthorized' ? 'The API refused the token (401 Unauthorized).' : message);
  }
  return new ApiError(response.status, status, message);
}

/** How often a read is sent again after the network dropped it, and how long it waits first. */
const READ_RETRIES = 2;
const RETRY_AFTER_MS = 300;

/**
 * A request that may be sent twice: one that changes nothing though sent as a POST (the review
 * kinds, SelfSubjectReview and SelfSubjectAccessReview, are answered and never stored), or a
 * write that sets fields to given values (a merge patch of `spec.unschedulable` or of
 * `replicas`), which leaves the same object however often it arrives.
 */
export interface ApiInit extends RequestInit {
  resendable?: boolean;
}

/**
 * fetch, with a read (a GET) or a resendable request sent again when the browser dropped it
 * without an answer: Chromium fails requests in flight with net::ERR_NETWORK_CHANGED whenever a
 * network interface comes or goes (a laptop changing networks; a node agent adding a pod's
 * interface on this machine). Any other write is never sent twice: whether it reached the API
 * is unknown, and the caller says so.
 */
async function fetchWithRetry(path: string, { resendable, ...init }: ApiInit): Promise<Response> {
  const read = resendable === true || (init.method ?? 'GET').toUpperCase() === 'GET';
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(path, init);
    } catch (e) {
      if (!read || attempt >= READ_RETRIES || init.signal?.aborted) throw e;
      await new Promise((resolve) => setTimeout(resolve, RETRY_AFTER_MS));
    }
  }
}

/** A request to the API; resolves with its JSON, rejects with an {@link ApiError}. */
export async function api<T>(path: string, init: ApiInit = {}): Promise<T> {
  const response = await fetchWithRetry(path, { ...init, headers: headers(init.headers), credentials: 'omit' });
  if (!response.ok) {
    throw await failure(response);
  }
  return (await response.json()) as T;
}

export function post<T>(path: string, body: unknown): Promise<T> {
  return api<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
}

/** A review (who am I, may I): a POST the API answers without storing anything. */
export function review<T>(path: string, body: unknown): Promise<T> {
  return api<T>(path, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, resendable: true });
}

export function patch<T>(path: string, body: unknown, type = 'application/merge-patch+json'): Promise<T> {
  return api<T>(path, { method: 'PATCH', body: JSON.stringify(body), headers: { 'Content-Type': type } });
}

/** A merge patch that sets fields to given values: the same object however often it arrives. */
export function setFields<T>(path: string, body: unknown): Promise<T> {
  return api<T>(path, { method: 'PATCH', body: JSON.stringify(body), headers: { 'Content-Type': 'application/merge-patch+json' }, resendable: true });
}

export function del<T>(path: string): Promise<T> {
  return api<T>(path, { method: 'DELETE' });
}

/** One watch event. */
export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/**
 * Follows a watch (newline-delimited JSON over a streamed response) until it ends or the signal
 * aborts it. Resolves when the server ends the watch; rejects with an {@link ApiError} if it is
 * refused (410 Gone when the revision is too old: the caller lists again).
 */
export async function watch<T>(path: string, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
  const response = await fetchWithRetry(path, { headers: headers(), credentials: 'omit', signal });
  if (!response.ok || !response.body) {
    throw await failure(response);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffered += value;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line) {
        const event = JSON.parse(line) as WatchEvent<T>;
        if (event.type === 'ERROR') {
          const status = event.object as unknown as Status;
          throw new ApiError(status.code ?? 500, status, status.message ?? 'watch error');
        }
        onEvent(event);
      }
    }
  }
}
