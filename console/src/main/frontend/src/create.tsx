// Creating objects from pasted YAML, as `kubectl create -f -` does: one or more documents, each
// sent as it is (application/yaml, so the API's own YAML reader and validation answer) to the
// collection its apiVersion and kind name, found through API discovery as kubectl finds it. Every
// document is first sent as a server-side dry run: when any is refused, none is created.
import { useState } from 'preact/hooks';
import { api, ApiError } from './api';
import { lineOfField } from './fieldlines';

/** A document of a YAML stream and the line (0-based) of the stream it starts on. */
interface YamlDocument {
  text: string;
  firstLine: number;
}

/** The documents of a YAML stream: split at "---" lines, empty ones (comments only) dropped. */
export function documents(stream: string): YamlDocument[] {
  const docs: YamlDocument[] = [];
  let firstLine = 0;
  for (const text of stream.split(/^---[ \t]*(?:#.*)?$/m)) {
    if (text.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'))) {
      docs.push({ text, firstLine });
    }
    // the separator's line ends one document; the next starts after its line break
    firstLine += text.split('\n').length - 1;
  }
  return docs;
}

/** An error of the API placed at a line of the pasted stream (0-based). */
interface LineError {
  line: number;
  text: string;
}

/**
 * The lines of the stream a refusal names: a 422's causes at the lines of their fields, a YAML
 * syntax error ("yaml: line 3: ...") at its line of the document.
 */
function placed(doc: YamlDocument, error: ApiError): LineError[] {
  const causes = (error.status?.details?.causes ?? []).filter((c) => c.field);
  if (causes.length) {
    return causes.map((c) => ({ line: doc.firstLine + lineOfField(doc.text, c.field!), text: `${c.field}: ${c.message ?? ''}` }));
  }
  const syntax = /\byaml: line (\d+): (.*)$/.exec(error.message);
  return syntax ? [{ line: doc.firstLine + Number(syntax[1]) - 1, text: syntax[2] }] : [];
}

/** A top-level key's plain or quoted scalar value, without parsing the YAML (the API parses it). */
function topLevel(doc: string, key: string): string | null {
  const match = new RegExp(`^${key}:[ \\t]*(["']?)([^"'#\\s]+)\\1[ \\t]*(?:#.*)?$`, 'm').exec(doc);
  return match ? match[2] : null;
}

/** A field of metadata (name, namespace), read from the metadata block's own indentation; null when not set so. */
function metadataField(doc: string, field: string): string | null {
  const block = /^metadata:[ \t]*(?:#.*)?\n((?:(?:[ \t]+.*)?\n?)*)/m.exec(doc);
  const flow = /^metadata:[ \t]*\{(.*)\}[ \t]*$/m.exec(doc);
  if (flow) {
    return new RegExp(`(?:^|,)\\s*${field}:\\s*(["']?)([^"',\\s}]+)\\1`).exec(flow[1])?.[2] ?? null;
  }
  if (!block) return null;
  const indent = /^([ \t]+)\S/m.exec(block[1])?.[1];
  if (!indent) return null;
  const match = new RegExp(`^${indent}${field}:[ \\t]*(["']?)([^"'#\\s]+)\\1[ \\t]*(?:#.*)?$`, 'm').exec(block[1]);
  return match ? match[2] : null;
}

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/** How the API names a created object in kubectl's words: "deployment.apps/web". */
function described(resource: Resource, group: string, name: string): string {
  return `${resource.kind.toLowerCase()}${group ? '.' + group : ''}/${name}`;
}

interface Outcome {
  ok: boolean;
  text: string;
}

interface Plan {
  doc: YamlDocument;
  path: string;
  /** The namespace it goes to; null for a cluster-scoped kind. */
  namespace: string | null;
  resource: Resource;
  group: string;
}

export function CreateFromYaml({ namespace }: { namespace: string }) {
  const [text, setText] = useState('');
  const [outcomes, setOutcomes] = useState<Outcome[]>([]);
  /** The refused stream as it was sent, and its errors by line. */
  const [refused, setRefused] = useState<{ lines: string[]; errors: LineError[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const ns = namespace || 'default';

  const submit = async (e: { preventDefault(): void }) => {
    e.preventDefault();
    setBusy(true);
    setOutcomes([]);
    setRefused(null);
    const discovered = new Map<string, Promise<Resource[]>>();
    const resourcesOf = (apiVersion: string) => {
      if (!discovered.has(apiVersion)) {
        const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        discovered.set(apiVersion, api<{ resources: Resource[] }>(path).then((list) => list.resources));
      }
      return discovered.get(apiVersion)!;
    };
    const docs = documents(text);
    const plans: (Plan | Outcome)[] = await Promise.all(docs.map(async (doc, index): Promise<Plan | Outcome> => {
      const where = docs.length > 1 ? `document ${index + 1}: ` : '';
      const apiVersion = topLevel(doc.text, 'apiVersion');
      const kind = topLevel(doc.text, 'kind');
      if (!apiVersion || !kind) {
        return { ok: false, text: `${where}apiVersion and kind must be set, as top-level keys in block style` };
      }
      let resources: Resource[];
      try {
        resources = await resourcesOf(apiVersion);
      } catch (err) {
        return { ok: false, text: `${where}${(err as Error).message}` };
      }
      const resource = resources.find((r) => r.kind === kind && !r.name.includes('/'));
      if (!resource) {
        return { ok: false, text: `${where}no matches for kind "${kind}" in version "${apiVersion}"` };
      }
      const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const target = metadataField(doc.text, 'namespace') ?? ns;
      const path = resource.namespaced ? `${base}/namespaces/${encodeURIComponent(target)}/${resource.name}` : `${base}/${resource.name}`;
      return { doc, path, namespace: resource.namespaced ? target : null, resource, group: apiVersion.includes('/') ? apiVersion.split('/')[0] : '' };
    }));
    // a Namespace the stream itself creates does not exist for the dry run of the objects in it:
    // those are checked when they are created
    const madeHere = new Set(docs.filter((doc) => topLevel(doc.text, 'kind') === 'Namespace' && topLevel(doc.text, 'apiVersion') === 'v1')
      .map((doc) => metadataField(doc.text, 'name')).filter((name): name is string => name !== null));
    const send = (plan: Plan, dryRun: boolean) => api<{ metadata: { name: string } }>(
      `${plan.path}?fieldManager=capstan-console${dryRun ? '&dryRun=All' : ''}`,
      { method: 'POST', body: plan.doc.text, headers: { 'Content-Type': 'application/yaml' } });
    const lineErrors: LineError[] = [];
    const checked: Outcome[] = await Promise.all(plans.map(async (plan, index) => {
      if (!('doc' in plan)) return plan;
      if (plan.namespace !== null && madeHere.has(plan.namespace)) return { ok: true, text: '' };
      try {
        await send(plan, true);
        return { ok: true, text: '' };
      } catch (err) {
        if (err instanceof ApiError) lineErrors.push(...placed(plan.doc, err));
        return { ok: false, text: `${docs.length > 1 ? `document ${index + 1}: ` : ''}${(err as Error).message}` };
      }
    }));
    if (docs.length === 0) {
      setOutcomes([{ ok: false, text: 'no objects passed to create' }]);
    } else if (checked.some((o) => !o.ok)) {
      setOutcomes([...checked.filter((o) => !o.ok), { ok: false, text: 'Nothing was created.' }]);
      if (lineErrors.length) setRefused({ lines: text.split('\n'), errors: lineErrors });
    } else {
      const made: Outcome[] = [];
      // one after another, in the stream's order, as kubectl creates them
      for (const plan of plans as Plan[]) {
        try {
          const created = await send(plan, false);
          made.push({ ok: true, text: `${described(plan.resource, plan.group, created.metadata.name)} created` });
        } catch (err) {
          made.push({ ok: false, text: (err as ApiError).message });
        }
      }
      setOutcomes(made);
    }
    setBusy(false);
  };

  return (
    <form class="create-yaml" onSubmit={submit} aria-labelledby="create-yaml-title">
      <h3 id="create-yaml-title">Create from YAML</h3>
      <p>One or more objects, separated by <code>---</code> lines, created in <strong>{ns}</strong> unless their
        metadata names a namespace or they are cluster-scoped (as <code>kubectl create -f -</code>). Every object is checked by the API with a dry run first: if one is refused, none is created.</p>
      <label for="create-yaml-text">YAML</label>
      <textarea id="create-yaml-text" class="yaml" rows={14} spellcheck={false} required value={text}
        onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <ul id="create-results" aria-live="polite">
        {outcomes.map((o) => <li class={o.ok ? 'ok' : 'error'}>{o.text}</li>)}
      </ul>
      {refused && <RefusedLines lines={refused.lines} errors={refused.errors} />}
      <button type="submit" id="create-yaml" disabled={busy}>{busy ? 'Creating…' : 'Create'}</button>
    </form>
  );
}

/**
 * The refused YAML as it was sent, numbered, each of the API's errors right under the line it
 * names, as a compiler's listing shows them.
 */
function RefusedLines({ lines, errors }: { lines: string[]; errors: LineError[] }) {
  const at = new Map<number, string[]>();
  for (const e of errors) at.set(e.line, [...(at.get(e.line) ?? []), e.text]);
  // a final line break does not start a line of its own
  const shown = lines.length > 1 && lines[lines.length - 1] === '' ? lines.slice(0, -1) : lines;
  return (
    <section aria-labelledby="create-yaml-lines-title" class="yaml-lines">
      <h4 id="create-yaml-lines-title">Where the API's errors are</h4>
      <ol id="create-yaml-lines">
        {shown.map((line, i) => (
          <li value={i + 1} data-line={i + 1} class={at.has(i) ? 'refused' : undefined}>
            <code>{line === '' ? ' ' : line}</code>
            {(at.get(i) ?? []).map((message) => <p class="error line-error" role="alert" data-line={i + 1}>{message}</p>)}
          </li>))}
      </ol>
    </section>
  );
}
