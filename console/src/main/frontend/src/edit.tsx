// Editing an object as `kubectl edit` does: its YAML, changed in place and sent back whole (PUT,
// as YAML: the API reads application/yaml itself, so its own parser and validation answer). The
// text keeps the resourceVersion it was read at, so an edit made over someone else's change is
// refused with the API's 409 Conflict rather than silently undoing it; the page says so before
// the save already, as soon as the watch shows the object changed.
import { useState } from 'preact/hooks';
import { api, ApiError } from './api';
import { DiffText } from './diff';
import { collectionPath, type Kind } from './kinds';
import type { KubeObject } from './model';
import { toYaml } from './yaml';

/** The object as `kubectl get -o yaml` prints it: managedFields hidden, as kubectl hides them. */
export function objectYaml(object: KubeObject): string {
  const { managedFields: _, ...metadata } = object.metadata;
  return toYaml({ ...object, metadata });
}

function objectPath(kind: Kind, object: KubeObject): string {
  return `${collectionPath(kind, object.metadata.namespace ?? '')}/${encodeURIComponent(object.metadata.name)}`;
}

/** One edit: the text as the user has it, and the object's YAML and resourceVersion it started from. */
interface Draft {
  text: string;
  original: string;
  base: string;
}

export function YamlEditor({ object, kind, onClose }: { object: KubeObject; kind: Kind; onClose: (saved: string | null) => void }) {
  const [draft, setDraft] = useState<Draft>(() => {
    const text = objectYaml(object);
    return { text, original: text, base: object.metadata.resourceVersion ?? '' };
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const current = object.metadata.resourceVersion ?? '';
  const changedMeanwhile = current !== draft.base;
  const label = `${kind.kind} ${object.metadata.name}`;

  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      const stored = await api<KubeObject>(`${objectPath(kind, object)}?fieldManager=capstan-console`, {
        method: 'PUT', body: draft.text, headers: { 'Content-Type': 'application/yaml' },
      });
      onClose(`Saved: ${label} is at resourceVersion ${stored.metadata?.resourceVersion ?? '?'}.`);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, null, (e as Error).message));
    } finally {
      setBusy(false);
    }
  };
  const startOver = () => {
    const text = objectYaml(object);
    setDraft({ text, original: text, base: current });
    setError(null);
  };
  const conflict = error?.code === 409;
  return (
    <div class="yaml-editor">
      {changedMeanwhile && (
        <div class="notice" id="edit-stale" role="status">
          <p>{label} has changed since you began editing (resourceVersion {draft.base}, now {current}): saving this text,
          which still says resourceVersion {draft.base}, will be refused with a conflict. Start again from the latest
          version, then make your change there.</p>
          <details open>
            <summary>What changed meanwhile</summary>
            <DiffText id="edit-changes" label="Changes since you began editing" before={draft.original} after={objectYaml(object)} />
          </details>
        </div>)}
      {error && (
        <div class="error" role="alert">
          <p id="edit-error">{error.message}</p>
          {conflict && <p>Nothing was saved. Your text is still below: copy what you need, then start again from the latest version.</p>}
        </div>)}
      <label for="yaml-editor">YAML of {label}</label>
      <textarea id="yaml-editor" class="yaml" spellcheck={false} rows={Math.min(draft.text.split('\n').length + 1, 40)}
        value={draft.text} onInput={(e) => setDraft({ ...draft, text: (e.target as HTMLTextAreaElement).value })} />
      <div class="actions">
        <button type="button" id="save-yaml" disabled={busy} onClick={save}>{busy ? 'Saving…' : 'Save'}</button>
        {(changedMeanwhile || conflict) && (
          <button type="button" id="edit-latest" onClick={startOver}>Start again from the latest version</button>)}
        <button type="button" id="cancel-edit" onClick={() => onClose(null)}>Cancel</button>
      </div>
    </div>
  );
}
