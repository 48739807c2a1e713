// Where a field the API names (spec.template.spec.containers[0].image, the field of a 422's
// cause) is written in a YAML document the user pasted: the line of its key, so the API's error
// can be shown beside that line. Only block structure is followed (keys by their column, items by
// their dash, kubectl's compact sequences at their key's column); inside a flow collection
// ({a: b}, [x, y]) or a value left out, the error goes to the deepest line the path reaches,
// which is the line that holds or lacks the field. The API parses the YAML; this only finds lines.

/** One thing that starts on a line: a sequence item's dash, a mapping key, or any other value. */
interface Token {
  col: number;
  kind: 'dash' | 'key' | 'value';
  key?: string;
}

/** A key: plain (up to ": " or a final ":") or quoted, then a colon and a blank or the line's end. */
const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{[\]},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)/;

function tokens(line: string): Token[] {
  const found: Token[] = [];
  let col = line.length - line.trimStart().length;
  let rest = line.trimStart();
  if (rest === '' || rest.startsWith('#')) return found;
  for (;;) {
    if (rest === '-' || rest.startsWith('- ') || rest.startsWith('-\t')) {
      found.push({ col, kind: 'dash' });
      const after = rest.slice(1);
      const skipped = after.length - after.trimStart().length;
      col += 1 + skipped;
      rest = after.trimStart();
      if (rest === '' || rest.startsWith('#')) return found;
      continue;
    }
    const key = KEY.exec(rest);
    if (key) {
      const raw = key[1];
      const text = raw.startsWith('"') ? JSON.parse(raw) as string
        : raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw;
      found.push({ col, kind: 'key', key: text });
      const after = rest.slice(key[0].length);
      const value = after.trimStart();
      if (value !== '' && !value.startsWith('#')) {
        found.push({ col: col + key[0].length + (after.length - value.length), kind: 'value' });
      }
      return found;
    }
    found.push({ col, kind: 'value' });
    return found;
  }
}

/** A field path's steps: map keys (a.b, a[key]) and sequence indexes (a[0]). */
export function fieldSteps(field: string): (string | number)[] {
  const steps: (string | number)[] = [];
  const step = /\.?([^.[\]]+)|\[([^\]]*)\]/g;
  let match: RegExpExecArray | null;
  while ((match = step.exec(field)) !== null) {
    if (match[1] !== undefined) steps.push(match[1]);
    else steps.push(/^\d+$/.test(match[2]) ? Number(match[2]) : match[2]);
  }
  return steps;
}

/**
 * The line (0-based, within the document) of the field's key, or of the deepest part of its path
 * written in the document; 0 when not even its first step is there.
 */
export function lineOfField(doc: string, field: string): number {
  const lines = doc.split('\n').map(tokens);
  const steps = fieldSteps(field);

  /** The first token at or after (line, col). */
  const next = (line: number, col: number): [number, Token] | null => {
    for (let l = line; l < lines.length; l++) {
      const t = lines[l].find((token) => l > line || token.col >= col);
      if (t) return [l, t];
    }
    return null;
  };

  // a node starts at (line, col): follow the steps from it; best is the line reached so far
  const follow = (line: number, col: number, step: number, best: number): number => {
    if (step === steps.length) return best;
    const first = next(line, col);
    if (!first || first[1].kind === 'value') return best;
    const [start, head] = first;
    const column = head.col;
    const isSequence = head.kind === 'dash';
    const want = steps[step];
    if (isSequence !== (typeof want === 'number')) return best;
    let index = 0;
    for (let l = start; l < lines.length; l++) {
      const own = lines[l].filter((t) => (l > start || t.col >= column));
      if (own.length === 0) continue;
      // the node ends where a line starts left of it; a sequence also where a key starts at its
      // column (its parent's next key, the sequence being compact). A dash at a mapping's column
      // is an item of a key's compact sequence, inside the mapping.
      if (l > start && (own[0].col < column || (isSequence && own[0].col === column && own[0].kind !== 'dash'))) break;
      const entry = own.find((t) => t.col === column && t.kind === (isSequence ? 'dash' : 'key'));
      if (!entry) continue;
      if (isSequence) {
        if (index++ === want) return follow(l, column + 1, step + 1, l);
      } else if (entry.key === want) {
        // a value on the key's own line (a scalar, a flow collection, a block scalar's header):
        // the field is on this line, or inside what this line starts
        if (lines[l].some((t) => t.col > column)) return l;
        // a value on the lines below: deeper, or a compact sequence at the key's own column
        const below = next(l + 1, 0);
        if (below && (below[1].col > column || (below[1].col === column && below[1].kind === 'dash'))) {
          return follow(below[0], below[1].col, step + 1, l);
        }
        return l;
      }
    }
    return best;
  };

  return follow(0, 0, 0, 0);
}
