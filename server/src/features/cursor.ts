// What the cursor is in, read from the text before it alone. Completion runs
// on half-typed documents that neither smol-toml nor the source map read
// reliably, so this walks the prefix with a small TOML-shaped state machine:
// headers, dotted keys, inline tables, arrays and strings.
import type { PathSegment, TomlPath } from '../manifest/path';

export type CursorContext =
  | {
      kind: 'header';
      /** Header text typed so far (after `[` or `[[`). */
      typed: string;
      /** Offsets of the header text: [start, end) where end stops before `]` or at the line end. */
      start: number;
      end: number;
      closed: boolean;
    }
  | {
      kind: 'key';
      /** The table the key goes in (header path, inline tables and dotted parts before the word). */
      container: TomlPath;
      word: string;
      start: number;
      end: number;
      inline: boolean;
    }
  | {
      kind: 'value';
      path: TomlPath;
      /** What is typed of the value so far (string content when `inString`). */
      typed: string;
      start: number;
      /** End of the value token (string content end when `inString`). */
      end: number;
      inString: boolean;
    }
  | { kind: 'none' };

interface Frame {
  kind: 'inline' | 'array';
  path: PathSegment[];
  index: number;
}

const BARE = /[A-Za-z0-9_-]/;
const SCALAR_END = new Set([',', ']', '}', '#', '\n', '\r', ' ', '\t']);

function lineEnd(text: string, from: number): number {
  const i = text.indexOf('\n', from);
  return i < 0 ? text.length : i;
}

/** Dotted key names of a header's text (quotes removed); tolerant of junk. */
export function dottedNames(raw: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\.?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw)) && m[0] !== '') out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

/** Where the string starting at `i` ends (index after the closing quote), and its content bounds. */
function stringAt(text: string, i: number): { contentStart: number; contentEnd: number; next: number } {
  const q = text[i]!;
  const triple = text.startsWith(q.repeat(3), i);
  if (triple) {
    const contentStart = i + 3;
    let j = contentStart;
    for (;;) {
      const k = text.indexOf(q.repeat(3), j);
      if (k < 0) return { contentStart, contentEnd: text.length, next: text.length };
      if (q === '"' && isEscaped(text, k)) {
        j = k + 1;
        continue;
      }
      return { contentStart, contentEnd: k, next: k + 3 };
    }
  }
  let j = i + 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '\n' || c === '\r') return { contentStart: i + 1, contentEnd: j, next: j };
    if (q === '"' && c === '\\') {
      j += 2;
      continue;
    }
    if (c === q) return { contentStart: i + 1, contentEnd: j, next: j + 1 };
    j++;
  }
  return { contentStart: i + 1, contentEnd: text.length, next: text.length };
}

function isEscaped(text: string, at: number): boolean {
  let n = 0;
  for (let k = at - 1; k >= 0 && text[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

export function cursorContext(text: string, offset: number): CursorContext {
  let i = 0;
  let table: PathSegment[] = [];
  const frames: Frame[] = [];
  let state: 'key' | 'value' | 'after' = 'key';
  let keyParts: string[] = [];
  let pending: PathSegment[] = [];
  const top = () => frames[frames.length - 1];
  const container = () => [...(top()?.path ?? table), ...keyParts];
  const valuePath = (): PathSegment[] => {
    const t = top();
    return t?.kind === 'array' ? [...t.path, t.index] : pending;
  };

  while (i < offset) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      i++;
      if (!frames.length) {
        state = 'key';
        keyParts = [];
      }
      continue;
    }
    if (c === '#') {
      const e = lineEnd(text, i);
      if (e >= offset) return { kind: 'none' };
      i = e;
      continue;
    }
    if (state === 'key') {
      if (c === '[' && !frames.length && !keyParts.length) {
        const array = text[i + 1] === '[';
        const start = i + (array ? 2 : 1);
        const eol = lineEnd(text, i);
        const close = text.indexOf(']', start);
        const closed = close >= 0 && close < eol;
        if (!closed || close >= offset) {
          if (offset > eol) return { kind: 'none' };
          let end = closed ? close : eol;
          while (end > offset && /\s/.test(text[end - 1]!)) end--;
          return { kind: 'header', typed: text.slice(start, offset), start, end, closed };
        }
        table = dottedNames(text.slice(start, close));
        i = close + (array ? 2 : 1);
        state = 'after';
        continue;
      }
      const t = top();
      if (t?.kind === 'inline' && c === '}') {
        frames.pop();
        state = 'after';
        i++;
        continue;
      }
      if (c === ',' && t) {
        i++;
        continue;
      }
      if (c === '"' || c === "'") {
        const s = stringAt(text, i);
        if (s.next > offset || (s.next === offset && s.contentEnd === offset)) {
          return { kind: 'key', container: container(), word: text.slice(s.contentStart, offset), start: s.contentStart, end: s.contentEnd, inline: t?.kind === 'inline' };
        }
        keyParts.push(text.slice(s.contentStart, s.contentEnd));
        i = s.next;
        continue;
      }
      if (BARE.test(c)) {
        let j = i;
        while (j < text.length && BARE.test(text[j]!)) j++;
        if (j >= offset) return { kind: 'key', container: container(), word: text.slice(i, offset), start: i, end: j, inline: t?.kind === 'inline' };
        keyParts.push(text.slice(i, j));
        i = j;
        continue;
      }
      if (c === '=') {
        pending = container();
        keyParts = [];
        state = 'value';
      }
      i++;
      continue;
    }
    if (state === 'value') {
      const path = valuePath();
      if (c === '"' || c === "'") {
        const s = stringAt(text, i);
        if (s.next > offset || (s.next === offset && s.contentEnd === offset)) {
          return { kind: 'value', path, typed: text.slice(s.contentStart, offset), start: s.contentStart, end: s.contentEnd, inString: true };
        }
        i = s.next;
        state = 'after';
        continue;
      }
      if (c === '{') {
        frames.push({ kind: 'inline', path, index: 0 });
        state = 'key';
        i++;
        continue;
      }
      if (c === '[') {
        frames.push({ kind: 'array', path, index: 0 });
        i++;
        continue;
      }
      if (c === ']' && top()?.kind === 'array') {
        frames.pop();
        state = 'after';
        i++;
        continue;
      }
      let j = i;
      while (j < text.length && !SCALAR_END.has(text[j]!)) j++;
      if (j === i) j++;
      if (j >= offset) return { kind: 'value', path, typed: text.slice(i, offset), start: i, end: j, inString: false };
      i = j;
      state = 'after';
      continue;
    }
    const t = top();
    if (c === ',' && t) {
      if (t.kind === 'array') {
        t.index++;
        state = 'value';
      } else {
        state = 'key';
        keyParts = [];
      }
    } else if ((c === '}' && t?.kind === 'inline') || (c === ']' && t?.kind === 'array')) {
      frames.pop();
      state = 'after';
    }
    i++;
  }
  if (state === 'key') return { kind: 'key', container: container(), word: '', start: offset, end: offset, inline: top()?.kind === 'inline' };
  if (state === 'value') return { kind: 'value', path: valuePath(), typed: '', start: offset, end: offset, inString: false };
  return { kind: 'none' };
}
