// Deploying an app from a form, as the reference's dashboard does: a Deployment (and optionally a
// Service), with the dashboard's optional run command and arguments, and a node to run on. The
// objects are first sent as a server-side dry run, so the API's own validation speaks, next to
// the field it names, before anything is created. Pasted YAML (create.tsx) sits below the form.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, post } from './api';
import { CreateFromYaml } from './create';
import type { Node } from './model';
import { href } from './route';
import { useWatchedList } from './watching';

/** The message the API gave for one field (a 422's causes), if any. */
function fieldError(error: ApiError | null, ...fields: string[]): string | null {
  const causes = error?.status?.details?.causes ?? [];
  const cause = causes.find((c) => c.field && fields.some((f) => c.field === f || c.field!.startsWith(f + '.') || c.field!.startsWith(f + '[')));
  return cause ? `${cause.field}: ${cause.message}` : null;
}

function Field({ id, label, error, children }: { id: string; label: string; error: string | null; children: ComponentChildren }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {error && <p class="error field-error" id={`${id}-error`} role="alert">{error}</p>}
    </div>
  );
}

/**
 * A command line split into words as a POSIX shell splits it, without expanding anything:
 * blanks separate words, 'single quotes' keep everything, "double quotes" keep everything but a
 * backslash before " \ $ or `, and a backslash outside quotes keeps the next character. So
 * {@code -c "echo hi; sleep 3600"} is two arguments, as a user typing it in a terminal means.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== null) words.push(word);
      word = null;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated single quote');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) i++;
        text += line[i];
      }
      if (i >= line.length) throw new Error('unterminated double quote');
      word = (word ?? '') + text;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

/** The words of an optional command-line field; a quoting mistake is the user's to fix before sending. */
function parsed(line: string): { words?: string[]; problem?: string } {
  try {
    const words = shellWords(line);
    return words.length ? { words } : {};
  } catch (e) {
    return { problem: (e as Error).message };
  }
}

/**
 * A pod template's placement on one node, as the DaemonSet controller pins its pods (required
 * node affinity on metadata.name, which the scheduler still checks for room), tolerating the
 * taints the node has: an operator choosing a dedicated node means its pods to run there.
 */
function placedOn(node: Node): object {
  return {
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [
      { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node.metadata.name] }] }] } } },
    ...(node.spec?.taints?.length ? {
      tolerations: node.spec.taints.map((t) => (t.value
        ? { key: t.key, operator: 'Equal', value: t.value, effect: t.effect }
        : { key: t.key, operator: 'Exists', effect: t.effect })),
    } : {}),
  };
}

export function Deploy({ namespace }: { namespace: string }) {
  const [name, setName] = useState('');
  const [image, setImage] = useState('');
  const [replicas, setReplicas] = useState('1');
  const [port, setPort] = useState('');
  const [serviceType, setServiceType] = useState('');
  const [command, setCommand] = useState('');
  const [args, setArgs] = useState('');
  const [nodeName, setNodeName] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // a user who may not list nodes deploys without choosing one: the scheduler chooses
  const nodes = useWatchedList<Node>('/api/v1/nodes');
  const ns = namespace || 'default';
  const commandWords = parsed(command);
  const argWords = parsed(args);

  const submit = async (e: { preventDefault(): void }) => {
    e.preventDefault();
    if (commandWords.problem || argWords.problem) return;
    setBusy(true);
    setError(null);
    setDone(null);
    const labels = { app: name };
    const containerPort = port.trim() === '' ? undefined : Number(port);
    const node = nodes.items.find((n) => n.metadata.name === nodeName);
    const container = {
      name, image,
      ...(commandWords.words ? { command: commandWords.words } : {}),
      ...(argWords.words ? { args: argWords.words } : {}),
      ...(containerPort === undefined ? {} : { ports: [{ containerPort }] }),
    };
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns, labels },
      spec: {
        replicas: Number(replicas),
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [container], ...(node ? placedOn(node) : {}) } },
      },
    };
    const service = serviceType && containerPort !== undefined ? {
      apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns, labels },
      spec: { type: serviceType, selector: labels, ports: [{ port: containerPort, targetPort: containerPort }] },
    } : null;
    const deployments = `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments`;
    const services = `/api/v1/namespaces/${encodeURIComponent(ns)}/services`;
    try {
      await post(`${deployments}?dryRun=All&fieldManager=capstan-console`, deployment);
      if (service) await post(`${services}?dryRun=All&fieldManager=capstan-console`, service);
      await post(`${deployments}?fieldManager=capstan-console`, deployment);
      if (service) await post(`${services}?fieldManager=capstan-console`, service);
      setDone(`Deployment ${ns}/${name} created${service ? ` with its ${serviceType} Service` : ''}.`);
      window.location.hash = href('workloads');
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, null, (err as Error).message));
    } finally {
      setBusy(false);
    }
  };

  const containerField = 'spec.template.spec.containers[0]';
  const nameError = fieldError(error, 'metadata.name', `${containerField}.name`);
  const imageError = fieldError(error, `${containerField}.image`);
  const replicasError = fieldError(error, 'spec.replicas');
  const portError = fieldError(error, `${containerField}.ports`, 'spec.ports');
  const commandError = commandWords.problem ?? fieldError(error, `${containerField}.command`);
  const argsError = argWords.problem ?? fieldError(error, `${containerField}.args`);
  const nodeError = fieldError(error, 'spec.template.spec.affinity', 'spec.template.spec.tolerations');
  const unplaced = error && !nameError && !imageError && !replicasError && !portError && !commandError && !argsError && !nodeError
    ? error.message : null;
  const input = (set: (v: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);
  return (
    <section aria-labelledby="deploy-title">
      <h2 id="deploy-title">Deploy an app</h2>
      <p>Into the namespace <strong>{ns}</strong>. Checked by the API with a dry run before anything is created.</p>
      <form class="deploy" onSubmit={submit}>
        <Field id="app-name" label="App name" error={nameError}>
          <input id="app-name" required value={name} onInput={input(setName)} />
        </Field>
        <Field id="app-image" label="Container image" error={imageError}>
          <input id="app-image" required value={image} onInput={input(setImage)} />
        </Field>
        <Field id="app-replicas" label="Number of pods" error={replicasError}>
          <input id="app-replicas" type="number" min={0} required value={replicas} onInput={input(setReplicas)} />
        </Field>
        <Field id="app-port" label="Container port (optional)" error={portError}>
          <input id="app-port" type="number" value={port} onInput={input(setPort)} />
        </Field>
        <Field id="app-service" label="Service" error={null}>
          <select id="app-service" value={serviceType} onChange={(e) => setServiceType((e.target as HTMLSelectElement).value)}>
            <option value="">None</option>
            <option value="ClusterIP">Internal (ClusterIP)</option>
            <option value="NodePort">External (NodePort)</option>
            <option value="LoadBalancer">External (LoadBalancer)</option>
          </select>
        </Field>
        <Field id="app-command" label="Run command (optional; replaces the image's entrypoint)" error={commandError}>
          <input id="app-command" spellcheck={false} placeholder="sh" value={command} onInput={input(setCommand)}
            aria-describedby="app-command-words" />
        </Field>
        <Field id="app-args" label="Run command arguments (optional)" error={argsError}>
          <input id="app-args" spellcheck={false} placeholder={'-c "echo started; sleep 3600"'} value={args} onInput={input(setArgs)}
            aria-describedby="app-command-words" />
        </Field>
        <p class="hint" id="app-command-words">Split into words as a shell splits them: quote a word that holds spaces.</p>
        {nodes.error === null && (
          <Field id="app-node" label="Run on node (optional)" error={nodeError}>
            <select id="app-node" value={nodeName} onChange={(e) => setNodeName((e.target as HTMLSelectElement).value)}
              aria-describedby="app-node-hint">
              <option value="">Any node (the scheduler chooses)</option>
              {nodes.items.map((n) => n.metadata.name).sort().map((n) => <option value={n}>{n}</option>)}
            </select>
            <small id="app-node-hint">The pods go to this node only, and tolerate its taints.</small>
          </Field>
        )}
        {unplaced && <p class="error" role="alert" id="deploy-error">{unplaced}</p>}
        {done && <p role="status">{done}</p>}
        <button type="submit" disabled={busy}>{busy ? 'Deploying…' : 'Deploy'}</button>
      </form>
      <CreateFromYaml namespace={namespace} />
    </section>
  );
}
