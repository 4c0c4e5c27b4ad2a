// The .env dialect SecretSpec reads: a port of dotenvy 0.15.7 (MIT), which
// the CLI's dotenv provider parses with, so a file means the same thing to
// both tools. Parsing also records where each assignment sits in the text, so
// `set`/`delete` can rewrite one assignment and leave comments and order alone.

export interface DotenvAssignment {
  key: string;
  value: string;
  /** Offsets of the whole logical line in the text, including its line break. */
  start: number;
  end: number;
  exported: boolean;
  /** A `# comment` that followed the value on the same line, kept on rewrite. */
  trailingComment: string;
}

export type DotenvParse = { ok: true; assignments: DotenvAssignment[] } | { ok: false; line: number; reason: string };

/** Variables consulted by `$VAR` / `${VAR}` before the file's own earlier keys (dotenvy order). */
export type SubstitutionEnv = Record<string, string | undefined>;

type ScanState = 'complete' | 'escape' | 'strong' | 'strongEscape' | 'weak' | 'weakEscape' | 'comment' | 'whitespace';

function isWhitespace(c: string): boolean {
  return /^\s$/u.test(c);
}

// dotenvy `eval_end_state`: where a physical line leaves the quote state.
function scanLine(prev: ScanState, line: string): { pos: number; state: ScanState } {
  let state = prev;
  let pos = 0;
  let i = 0;
  for (const c of line) {
    pos = i;
    i += c.length;
    switch (state) {
      case 'whitespace':
        if (c === '#') return { pos, state: 'comment' };
        state = c === '\\' ? 'escape' : c === '"' ? 'weak' : c === "'" ? 'strong' : 'complete';
        break;
      case 'escape':
        state = 'complete';
        break;
      case 'complete':
        if (isWhitespace(c) && c !== '\n' && c !== '\r') state = 'whitespace';
        else state = c === '\\' ? 'escape' : c === '"' ? 'weak' : c === "'" ? 'strong' : 'complete';
        break;
      case 'weak':
        state = c === '\\' ? 'weakEscape' : c === '"' ? 'complete' : 'weak';
        break;
      case 'weakEscape':
        state = 'weak';
        break;
      case 'strong':
        state = c === '\\' ? 'strongEscape' : c === "'" ? 'complete' : 'strong';
        break;
      case 'strongEscape':
        state = 'strong';
        break;
      case 'comment':
        return { pos, state };
    }
  }
  return { pos, state };
}

interface LogicalLine {
  text: string;
  start: number;
  end: number;
  firstLine: number;
  comment: string;
}

// dotenvy `QuotedLines`: joins physical lines while a quote is open, cuts a trailing comment.
function logicalLines(text: string): { ok: true; lines: LogicalLine[] } | { ok: false; line: number } {
  const lines: LogicalLine[] = [];
  let offset = text.startsWith('\uFEFF') ? 1 : 0;
  let lineNo = 1;
  while (offset < text.length) {
    const start = offset;
    const firstLine = lineNo;
    let buf = '';
    let state: ScanState = 'complete';
    for (;;) {
      if (offset >= text.length) {
        if (state === 'complete') break;
        return { ok: false, line: firstLine };
      }
      const nl = text.indexOf('\n', offset);
      const physical = nl === -1 ? text.slice(offset) : text.slice(offset, nl + 1);
      offset += physical.length;
      lineNo += 1;
      const bufPos = buf.length;
      buf += physical;
      if (buf.trimStart().startsWith('#')) {
        lines.push({ text: '', start, end: offset, firstLine, comment: '' });
        break;
      }
      const scanned = scanLine(state, physical);
      state = scanned.state;
      if (state === 'complete') {
        let t = buf;
        if (t.endsWith('\n')) {
          t = t.slice(0, -1);
          if (t.endsWith('\r')) t = t.slice(0, -1);
        }
        lines.push({ text: t, start, end: offset, firstLine, comment: '' });
        break;
      }
      if (state === 'comment') {
        const comment = physical.slice(scanned.pos).replace(/\r?\n$/, '');
        lines.push({ text: buf.slice(0, bufPos + scanned.pos), start, end: offset, firstLine, comment });
        break;
      }
    }
  }
  return { ok: true, lines };
}

const isAlphanumeric = (c: string): boolean => /^[\p{Alphabetic}\p{N}]$/u.test(c);

// dotenvy `parse_value`, including its `$VAR`/`${VAR}` substitution.
function parseValue(input: string, lookup: (name: string) => string): string | undefined {
  let strong = false;
  let weak = false;
  let escaped = false;
  let expectingEnd = false;
  let output = '';
  let mode: 'none' | 'block' | 'escapedBlock' = 'none';
  let name = '';
  const substitute = (): void => {
    output += lookup(name);
    name = '';
  };
  for (const c of input) {
    if (expectingEnd) {
      if (c === ' ' || c === '\t') continue;
      if (c === '#') break;
      return undefined;
    } else if (escaped) {
      if (c === '\\' || c === "'" || c === '"' || c === '$' || c === ' ') output += c;
      else if (c === 'n') output += '\n';
      else return undefined;
      escaped = false;
    } else if (strong) {
      if (c === "'") strong = false;
      else output += c;
    } else if (mode !== 'none') {
      if (isAlphanumeric(c)) {
        name += c;
      } else if (mode === 'block') {
        if (c === '{' && name === '') {
          mode = 'escapedBlock';
        } else {
          substitute();
          if (c === '$') {
            mode = 'block';
          } else {
            mode = 'none';
            output += c;
          }
        }
      } else if (c === '}') {
        mode = 'none';
        substitute();
      } else {
        name += c;
      }
    } else if (c === '$') {
      mode = 'block';
    } else if (weak) {
      if (c === '"') weak = false;
      else if (c === '\\') escaped = true;
      else output += c;
    } else if (c === "'") {
      strong = true;
    } else if (c === '"') {
      weak = true;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === ' ' || c === '\t') {
      expectingEnd = true;
    } else {
      output += c;
    }
  }
  if (mode === 'escapedBlock' || strong || weak) return undefined;
  substitute();
  return output;
}

const KEY_START = /^[A-Za-z_]/;
const KEY_BODY = /^[A-Za-z0-9_.]*/;

/** A key dotenvy can read back. */
export function isDotenvKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(key);
}

type LineResult = { kind: 'blank' } | { kind: 'assign'; key: string; value: string; exported: boolean } | { kind: 'error' };

// dotenvy `LineParser::parse_line`.
function parseLine(raw: string, lookup: (name: string) => string): LineResult {
  let line = raw.trimEnd().trimStart();
  if (line === '' || line.startsWith('#')) return { kind: 'blank' };
  const readKey = (): string | undefined => {
    if (!KEY_START.test(line)) return undefined;
    const key = KEY_BODY.exec(line)![0];
    line = line.slice(key.length);
    return key;
  };
  let key = readKey();
  if (key === undefined) return { kind: 'error' };
  line = line.trimStart();
  let exported = false;
  if (key === 'export' && !line.startsWith('=')) {
    key = readKey();
    if (key === undefined) return { kind: 'error' };
    line = line.trimStart();
    exported = true;
  }
  if (!line.startsWith('=')) return { kind: 'error' };
  line = line.slice(1).trimStart();
  if (line === '' || line.startsWith('#')) return { kind: 'assign', key, value: '', exported };
  const value = parseValue(line, lookup);
  return value === undefined ? { kind: 'error' } : { kind: 'assign', key, value, exported };
}

export function parseDotenv(text: string, env: SubstitutionEnv = {}): DotenvParse {
  const split = logicalLines(text);
  if (!split.ok) return { ok: false, line: split.line, reason: 'a quoted value is never closed' };
  const seen = new Map<string, string>();
  const lookup = (name: string): string => env[name] ?? seen.get(name) ?? '';
  const assignments: DotenvAssignment[] = [];
  for (const l of split.lines) {
    const r = parseLine(l.text, lookup);
    if (r.kind === 'error') return { ok: false, line: l.firstLine, reason: 'the line is not KEY=VALUE in dotenv syntax' };
    if (r.kind === 'blank') continue;
    seen.set(r.key, r.value);
    assignments.push({ key: r.key, value: r.value, start: l.start, end: l.end, exported: r.exported, trailingComment: l.comment });
  }
  return { ok: true, assignments };
}

/** The value as written after `KEY=`: bare when that is unambiguous, otherwise double-quoted so dotenvy reads it back unchanged. */
export function formatDotenvValue(value: string): string {
  if (/^[A-Za-z0-9_\-./:@+,]+$/.test(value)) return value;
  return '"' + value.replace(/[\\"$\n]/g, (c) => (c === '\n' ? '\\n' : '\\' + c)) + '"';
}

function lineBreak(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * `text` with `key` set to `value`: the first assignment of the key is
 * rewritten in place (keeping `export` and a trailing comment), later
 * duplicates are dropped, and a new key is appended at the end.
 */
export function setDotenvValue(text: string, assignments: readonly DotenvAssignment[], key: string, value: string): string {
  const eol = lineBreak(text);
  const same = assignments.filter((a) => a.key === key);
  if (same.length === 0) {
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    return `${text}${sep}${key}=${formatDotenvValue(value)}${eol}`;
  }
  let out = '';
  let cursor = 0;
  same.forEach((a, i) => {
    out += text.slice(cursor, a.start);
    if (i === 0) {
      const original = text.slice(a.start, a.end);
      const ending = original.endsWith('\r\n') ? '\r\n' : original.endsWith('\n') ? '\n' : '';
      const comment = a.trailingComment === '' ? '' : ' ' + a.trailingComment;
      out += `${a.exported ? 'export ' : ''}${key}=${formatDotenvValue(value)}${comment}${ending}`;
    }
    cursor = a.end;
  });
  return out + text.slice(cursor);
}

/** `text` without any assignment of `key`; everything else unchanged. */
export function deleteDotenvValue(text: string, assignments: readonly DotenvAssignment[], key: string): string {
  let out = '';
  let cursor = 0;
  for (const a of assignments) {
    if (a.key !== key) continue;
    out += text.slice(cursor, a.start);
    cursor = a.end;
  }
  return out + text.slice(cursor);
}
