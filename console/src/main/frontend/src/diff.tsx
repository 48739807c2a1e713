// Line differences between two texts, as `diff -u` shows them: what someone else changed in an
// object while the user was editing it, so a conflict says what it is about.

export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** Texts past this many line pairs are not compared (the table below grows with their product). */
const MAX_CELLS = 4_000_000;

/**
 * The lines of {@code before} and {@code after}, each kept, removed or added, from their longest
 * common subsequence; null when the texts are too large to compare.
 */
export function lineDiff(before: string, after: string): DiffLine[] | null {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length * b.length > MAX_CELLS) return null;
  // common[i][j]: the longest common subsequence of a[i..] and b[j..]
  const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ op: ' ', text: a[i++] });
      j++;
    } else if (i < a.length && (j === b.length || common[i + 1][j] >= common[i][j + 1])) {
      lines.push({ op: '-', text: a[i++] });
    } else {
      lines.push({ op: '+', text: b[j++] });
    }
  }
  return lines;
}

/** The changed lines with {@code context} unchanged lines around each; '…' where lines are left out. */
export function changesOnly(lines: DiffLine[], context = 2): (DiffLine | '…')[] {
  const near = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.op === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) near[k] = true;
  });
  const shown: (DiffLine | '…')[] = [];
  lines.forEach((line, index) => {
    if (near[index]) shown.push(line);
    else if (shown[shown.length - 1] !== '…') shown.push('…');
  });
  return shown;
}

/** Two texts' differences as `diff -u` shows them, the changed lines with a few around them. */
export function DiffText({ id, label, before, after, context = 2 }: { id: string; label: string; before: string; after: string; context?: number }) {
  const lines = lineDiff(before, after);
  return (
    <pre id={id} class="diff" aria-label={label}>
      {lines === null ? '(too large to compare)' : changesOnly(lines, context).map((line) => (line === '…'
        ? <span class="diff-gap">…{'\n'}</span>
        : <span class={line.op === '+' ? 'diff-added' : line.op === '-' ? 'diff-removed' : ''}>{line.op} {line.text}{'\n'}</span>))}
    </pre>
  );
}
