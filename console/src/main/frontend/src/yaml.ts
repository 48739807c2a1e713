// An object as `kubectl get -o yaml` prints it. kubectl turns the object's JSON into YAML with
// sigs.k8s.io/yaml, which reads the JSON with go-yaml v2 and writes it out again; so what the page
// shows follows go-yaml v2's rules, transcribed here from its resolver (resolve.go), key order
// (sorter.go) and emitter (emitterc.go): keys in its "natural" order (f2 before f10), sequences at
// their key's indentation, a string plain when it would read back as the same string, else
// single-quoted, else double-quoted with escapes, multi-line strings as literal blocks, and flow
// scalars folded past column 80. Written here rather than taken from a YAML library: it only ever
// writes, it must match go-yaml to the character (JavaScript YAML libraries quote and fold
// differently), and the bundle stays small.

/** go-yaml's best_width: plain and quoted scalars fold at a space past this column. */
const BEST_WIDTH = 80;

// ---- what go-yaml's resolver would read as something other than a string (resolve.go) ----

/** resolveTable: the first character's hint; other first characters always read as strings. */
function hint(s: string): string {
  if (s === '') return 'N';
  const c = s[0];
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

/** resolveMap: booleans, nulls, infinities and NaN of YAML 1.1 (and the merge key, which no hint reaches). */
const RESOLVED = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]);

/** Go's strconv.ParseInt(s, 0, 64) or ParseUint syntax (base prefixes, a leading 0 for octal). */
const GO_INT = /^[-+]?(?:0[xX][\da-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9]\d*)$/;
/** yamlStyleFloat, then strconv.ParseFloat (which refuses what overflows). */
const YAML_FLOAT = /^[-+]?(?:\.\d+|\d+(?:\.\d*)?)(?:[eE][-+]?\d+)?$/;
/** Old parsers' sexagesimal numbers (1:20), which go-yaml quotes though it does not read them. */
const BASE_60_FLOAT = /^[-+]?\d[\d_]*(?::[0-5]?\d)+(?:\.[\d_]*)?$/;
/** parseTimestamp's layouts: 2006-1-2T15:4:5.999999999Z07:00 (or t), 2006-1-2 15:4:5.999999999, 2006-1-2. */
const TIMESTAMP = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt](\d\d?):(\d\d?):(\d\d?)(?:\.\d+)?(?:Z|[-+]\d\d:\d\d))|(?: (\d\d?):(\d\d?):(\d\d?)(?:\.\d+)?))?$/;

function isTimestamp(s: string): boolean {
  const m = TIMESTAMP.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const [hour, minute, second] = [m[4] ?? m[7], m[5] ?? m[8], m[6] ?? m[9]].map((t) => Number(t ?? 0));
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour < 24 && minute < 60 && second < 60;
}

/** Whether go-yaml writes the string plain when nothing else forbids it (encode.go's stringv). */
function readsAsString(s: string): boolean {
  if (BASE_60_FLOAT.test(s)) return false;
  const h = hint(s);
  if (!h) return true;
  if (RESOLVED.has(s)) return false;
  switch (h) {
    case '.': return !(/^\.\d+(?:[eE][-+]?\d+)?$/.test(s) && Number.isFinite(Number(s)));
    case 'D': case 'S': {
      if (isTimestamp(s)) return false;
      const plain = s.replace(/_/g, '');
      if (GO_INT.test(plain)) return false;
      return !(YAML_FLOAT.test(plain) && Number.isFinite(Number(plain)));
    }
    default: return true;
  }
}

// ---- the emitter's view of a scalar (yaml_emitter_analyze_scalar) ----

function isBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

/** is_printable: what go-yaml writes as it is (its emitter allows Unicode). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff)
    || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

interface Analysis {
  multiline: boolean;
  plainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

function analyze(chars: string[]): Analysis {
  if (chars.length === 0) return { multiline: false, plainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const text = chars.join('');
  let indicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false, special = false, breakSpace = false, spaceBreak = false;
  let edgeSpaceOrBreak = false, trailingSpace = false;
  let precededByWhitespace = true, previousSpace = false, previousBreak = false;
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c) || ('?:-'.includes(c) && followedByWhitespace)) indicators = true;
    } else if ((c === ':' && followedByWhitespace) || (c === '#' && precededByWhitespace)) {
      indicators = true;
    }
    if (!isPrintable(c)) special = true;
    const last = i === chars.length - 1;
    if (c === ' ') {
      if (i === 0 || last) edgeSpaceOrBreak = true;
      if (last) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0 || last) edgeSpaceOrBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || c === '\0' || isBreak(c);
  });
  return {
    multiline: lineBreaks,
    plainAllowed: !(edgeSpaceOrBreak || breakSpace || spaceBreak || special || lineBreaks || indicators),
    singleQuotedAllowed: !(breakSpace || spaceBreak || special),
    blockAllowed: !(trailingSpace || spaceBreak || special),
  };
}

type Style = 'plain' | 'single' | 'double' | 'literal';

/** encode.go's stringv asks for a style; yaml_emitter_select_scalar_style falls back from it. */
function styleOf(s: string, chars: string[], simpleKey: boolean): Style {
  const a = analyze(chars);
  let style: Style = s.includes('\n') ? 'literal' : readsAsString(s) ? 'plain' : 'double';
  if (simpleKey && a.multiline) style = 'double';
  if (style === 'plain' && (!a.plainAllowed || (chars.length === 0 && simpleKey))) style = 'single';
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double';
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double';
  return style;
}

// ---- the writers (yaml_emitter_write_*_scalar), which fold at spaces past BEST_WIDTH ----

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\x0b': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\u0085': 'N', '\u00a0': '_', '\u2028': 'L', '\u2029': 'P',
};

function escaped(c: string): string {
  if (ESCAPES[c] !== undefined) return '\\' + ESCAPES[c];
  const cp = c.codePointAt(0)!;
  const [letter, digits] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
  return `\\${letter}${cp.toString(16).toUpperCase().padStart(digits, '0')}`;
}

/** A scalar being written: its text and the column the emitter has reached. */
class Writer {
  text = '';
  constructor(public column: number, readonly indent: number) {}
  put(s: string): void {
    this.text += s;
    this.column += Array.from(s).length;
  }
  /** write_indent: a new line at the scalar's indentation. */
  newLine(): void {
    this.text += '\n' + ' '.repeat(this.indent);
    this.column = this.indent;
  }
  /** write_break of a break other than '\n' (written as it is, the column starting again). */
  rawBreak(c: string): void {
    this.text += c;
    this.column = 0;
  }
  pad(): void {
    this.text += ' '.repeat(Math.max(this.indent - this.column, 0));
    this.column = Math.max(this.column, this.indent);
  }
}

function writePlain(chars: string[], w: Writer, fold: boolean): void {
  let spaces = false;
  chars.forEach((c, i) => {
    if (c === ' ') {
      if (fold && !spaces && w.column > BEST_WIDTH && chars[i + 1] !== ' ') w.newLine();
      else w.put(c);
      spaces = true;
    } else {
      w.put(c);
      spaces = false;
    }
  });
}

function writeSingleQuoted(chars: string[], w: Writer, fold: boolean): void {
  w.put("'");
  let spaces = false;
  let breaks = false;
  chars.forEach((c, i) => {
    if (c === ' ') {
      if (fold && !spaces && w.column > BEST_WIDTH && i > 0 && i < chars.length - 1 && chars[i + 1] !== ' ') w.newLine();
      else w.put(c);
      spaces = true;
    } else if (isBreak(c)) {
      w.rawBreak(c);
      breaks = true;
    } else {
      if (breaks) w.pad();
      w.put(c === "'" ? "''" : c);
      spaces = false;
      breaks = false;
    }
  });
  w.put("'");
}

function writeDoubleQuoted(chars: string[], w: Writer, fold: boolean): void {
  w.put('"');
  // go-yaml's is_bom looks at the start of the value whatever the position: a value that starts
  // with a byte order mark is escaped throughout
  const bom = chars[0] === '\ufeff';
  let spaces = false;
  chars.forEach((c, i) => {
    if (bom || !isPrintable(c) || isBreak(c) || c === '"' || c === '\\') {
      w.put(escaped(c));
      spaces = false;
    } else if (c === ' ') {
      if (fold && !spaces && w.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
        w.newLine();
        if (chars[i + 1] === ' ') w.put('\\');
      } else {
        w.put(c);
      }
      spaces = true;
    } else {
      w.put(c);
      spaces = false;
    }
  });
  w.put('"');
}

function writeLiteral(chars: string[], w: Writer): void {
  const last = chars.length - 1;
  const indentHint = chars[0] === ' ' || isBreak(chars[0]) ? '2' : '';
  const chomp = !isBreak(chars[last]) ? '-' : last === 0 || isBreak(chars[last - 1]) ? '+' : '';
  w.put(`|${indentHint}${chomp}`);
  let breaks = true;
  w.text += '\n';
  w.column = 0;
  for (const c of chars) {
    if (c === '\n') {
      w.text += '\n';
      w.column = 0;
      breaks = true;
    } else if (isBreak(c)) {
      w.rawBreak(c);
      breaks = true;
    } else {
      if (breaks) w.pad();
      w.put(c);
      breaks = false;
    }
  }
}

/**
 * JSON to YAML goes through go-yaml's reader, which takes a raw NEL (U+0085, which Go's JSON
 * encoder leaves unescaped) in a double-quoted JSON string for a line break and folds it as YAML
 * folds line breaks in quoted scalars: one becomes a space, n in a row n - 1 newlines, and the
 * spaces around them go.
 */
function asGoYamlReadsIt(s: string): string {
  return s.includes('\u0085')
    ? s.replace(/ *\u0085(?: *\u0085)* */g, (run) => {
      const breaks = run.split('\u0085').length - 1;
      return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
    })
    : s;
}

/**
 * A string scalar starting at {@code column} (after its key's ": " or its dash); continuation
 * lines (folds, literal blocks) sit at {@code indent}. Keys are written in simple-key context:
 * never folded, never as blocks.
 */
function scalar(value: string, column: number, indent: number, simpleKey = false): string {
  const s = asGoYamlReadsIt(value);
  const chars = Array.from(s);
  const w = new Writer(column, indent);
  switch (styleOf(s, chars, simpleKey)) {
    case 'plain': writePlain(chars, w, !simpleKey); break;
    case 'single': writeSingleQuoted(chars, w, !simpleKey); break;
    case 'double': writeDoubleQuoted(chars, w, !simpleKey); break;
    default: writeLiteral(chars, w);
  }
  return w.text;
}

/** A number as go-yaml writes it: integers as they are, others as Go's %g (1.5e-05, 1.2345675e+06). */
function number(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (!Number.isFinite(n)) return n > 0 ? '.inf' : '-.inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exponent] = n.toExponential().split('e');
  const exp = Number(exponent);
  if (exp < -4 || exp >= 21 || (!Number.isInteger(n) && exp >= 6)) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/**
 * sorter.go's keyList.Less for string keys: other characters before letters, digit runs by value.
 * It is not a total order for every set of keys ("_823-", "_8ZXZ", "_77Z2" go round in a circle),
 * and go-yaml sorts Go's randomly ordered map keys, so kubectl itself prints such keys in a
 * different order from run to run; for keys it orders consistently, this is its order.
 */
export function goYamlKeyOrder(a: string, b: string): number {
  const ar = Array.from(a);
  const br = Array.from(b);
  const letter = (c: string) => /\p{L}/u.test(c);
  const digit = (c: string | undefined) => c !== undefined && /\p{Nd}/u.test(c);
  const digitValue = (c: string) => c.codePointAt(0)! - 48;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = letter(ar[i]);
    const bl = letter(br[i]);
    if (al && bl) return ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && digit(ar[ai]); ai++) an = an * 10 + digitValue(ar[ai]);
    let bi = i;
    for (; bi < br.length && digit(br[bi]); bi++) bn = bn * 10 + digitValue(br[bi]);
    if (an !== bn) return an - bn;
    if (ai !== bi) return ai - bi;
    return ar[i].codePointAt(0)! - br[i].codePointAt(0)!;
  }
  return ar.length - br.length;
}

function isCollection(v: unknown): v is object {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

/** A value that is not a non-empty collection, at {@code column}, continuing at {@code indent}. */
function inline(v: unknown, column: number, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  if (typeof v === 'number') return number(v);
  if (typeof v !== 'string') return String(v);
  return scalar(v, column, indent);
}

/** check_simple_key: a key longer than 128 bytes, or of several lines, is written as "? key". */
function isSimpleKey(key: string): boolean {
  const s = asGoYamlReadsIt(key);
  return new TextEncoder().encode(s).length <= 128 && !analyze(Array.from(s)).multiline;
}

function block(value: object, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isCollection(item)) {
        const inner: string[] = [];
        block(item, indent + 2, inner);
        out.push(pad + '- ' + inner[0].slice(indent + 2), ...inner.slice(1));
      } else {
        out.push(pad + '- ' + inline(item, indent + 2, indent + 2));
      }
    }
    return;
  }
  const map = value as Record<string, unknown>;
  for (const key of Object.keys(map).sort(goYamlKeyOrder)) {
    const v = map[key];
    if (v === undefined) continue;
    if (!isSimpleKey(key)) {
      out.push(`${pad}? ${scalar(key, indent + 2, indent + 2)}`);
      if (isCollection(v)) {
        out.push(`${pad}:`);
        block(v, Array.isArray(v) ? indent : indent + 2, out);
      } else {
        out.push(`${pad}: ${inline(v, indent + 2, indent + 2)}`);
      }
      continue;
    }
    const head = `${pad}${scalar(key, indent, indent, true)}:`;
    if (isCollection(v)) {
      out.push(head);
      block(v, Array.isArray(v) ? indent : indent + 2, out);
    } else {
      out.push(`${head} ${inline(v, Array.from(head).length + 1, indent + 2)}`);
    }
  }
}

export function toYaml(value: unknown): string {
  if (!isCollection(value)) return inline(value, 0, 0) + '\n';
  const out: string[] = [];
  block(value, 0, out);
  // a literal block that ends in a line break (or U+2028, U+2029) ends its last line itself
  const ended = (text: string) => /[\n\u2028\u2029]$/.test(text);
  const text = out.reduce((all, line) => (all === '' || ended(all) ? all + line : `${all}\n${line}`), '');
  return ended(text) ? text : text + '\n';
}
