// A shell in the browser: pick a container and a command, and get a terminal on the API's exec
// WebSocket (see terminal.ts). The API decides who may: before connecting, the console asks it
// (SelfSubjectAccessReview, get and create on pods/exec, which a WebSocket exec needs) so that a
// refusal is shown in the API's words; a browser is told nothing of a refused WebSocket upgrade.
import { useEffect, useRef, useState } from 'preact/hooks';
import { currentToken, review } from './api';
import { whoAmI } from './session';
import type { Ending, ExecTerminal } from './terminal';

interface SelfSubjectAccessReview {
  status?: { allowed?: boolean; reason?: string };
}

/** Why the API would refuse this user an exec in the pod, as kube-apiserver words it; null if it would not. */
async function execRefusal(namespace: string, pod: string): Promise<string | null> {
  for (const verb of ['get', 'create']) {
    const answer = await review<SelfSubjectAccessReview>('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { namespace, verb, resource: 'pods', subresource: 'exec', name: pod } },
    });
    if (!answer.status?.allowed) {
      const user = (await whoAmI()).username;
      const reason = answer.status?.reason ? `: ${answer.status.reason}` : '';
      return `pods "${pod}" is forbidden: User "${user}" cannot ${verb} resource "pods/exec" in API group "" in the namespace "${namespace}"${reason}`;
    }
  }
  return null;
}

/** The words of a command line: split at spaces, with '…' and "…" keeping theirs. */
export function words(line: string): string[] {
  return Array.from(line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g), (m) => m[1] ?? m[2] ?? m[3]);
}

interface Session {
  container: string;
  command: string[];
  id: number;
}

function TerminalPanel({ namespace, pod, session, onEnd }: {
  namespace: string; pod: string; session: Session; onEnd: (ending: Ending) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const [state, setState] = useState('Connecting…');
  useEffect(() => {
    let terminal: ExecTerminal | null = null;
    let disposed = false;
    import('./terminal').then(({ ExecTerminal }) => {
      if (disposed || !element.current) return;
      terminal = new ExecTerminal(element.current,
        { namespace, pod, container: session.container, command: session.command, token: currentToken() ?? '' },
        (ending) => {
          setState('exitCode' in ending ? `The command exited with status ${ending.exitCode}.` : 'Ended.');
          onEnd(ending);
        },
        () => setState(`Connected to ${session.container}: ${session.command.join(' ')}`));
    }).catch((e) => onEnd({ error: `The terminal could not load: ${(e as Error).message}`, drew: false }));
    return () => {
      disposed = true;
      terminal?.dispose();
    };
  }, [session.id]);
  return (
    <>
      <p id="shell-status" role="status">{state}</p>
      <div id="shell-terminal" class="terminal" ref={element} aria-label={`Terminal in ${session.container}`} />
    </>
  );
}

/** kubectl's own refusal, before it asks the API: a completed pod has nothing to exec into. */
export function completedPodRefusal(phase: string | undefined): string | null {
  return phase === 'Succeeded' || phase === 'Failed'
    ? `cannot exec into a container in a completed pod; current phase is ${phase}`
    : null;
}

export function Shell({ namespace, pod, phase, containers }: {
  namespace: string; pod: string; phase?: string; containers: { name: string; running: boolean }[];
}) {
  const [container, setContainer] = useState(containers.find((c) => c.running)?.name ?? containers[0]?.name ?? '');
  const [command, setCommand] = useState('/bin/sh');
  const [session, setSession] = useState<Session | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const sessions = useRef(0);

  const open = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setChecking(true);
    try {
      const refusal = completedPodRefusal(phase) ?? await execRefusal(namespace, pod);
      if (refusal) {
        setError(refusal);
        return;
      }
      setSession({ container, command: words(command), id: ++sessions.current });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setChecking(false);
    }
  };

  const ended = (ending: Ending) => {
    if ('error' in ending) {
      setError(ending.error);
      // a session refused before it wrote anything leaves nothing worth keeping on screen
      if (!ending.drew) setSession(null);
    }
  };

  return (
    <section aria-labelledby="shell-title" class="shell">
      <h3 id="shell-title">Shell</h3>
      <form class="log-controls" onSubmit={open}>
        <label for="shell-container">Container</label>
        <select id="shell-container" value={container} onChange={(e) => setContainer((e.target as HTMLSelectElement).value)}>
          {containers.map((c) => <option value={c.name}>{c.running ? c.name : `${c.name} (not running)`}</option>)}
        </select>
        <label for="shell-command">Command</label>
        <input id="shell-command" list="shell-commands" value={command} spellcheck={false} required
          onInput={(e) => setCommand((e.target as HTMLInputElement).value)} />
        <datalist id="shell-commands">
          <option value="/bin/sh" />
          <option value="/bin/bash" />
          <option value="/bin/ash" />
          <option value="sh -c 'exec bash || exec sh'" />
        </datalist>
        <button type="submit" id="shell-open" disabled={checking || !container || words(command).length === 0}>
          {session ? 'Open a new shell' : 'Open shell'}
        </button>
        {session && <button type="button" id="shell-close" class="secondary" onClick={() => { setSession(null); setError(null); }}>Close</button>}
      </form>
      {error && <p class="error" role="alert" id="shell-error">{error}</p>}
      {session && <TerminalPanel key={session.id} namespace={namespace} pod={pod} session={session} onEnd={ended} />}
    </section>
  );
}
