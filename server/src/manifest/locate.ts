// Source positions for a TOML text. smol-toml gives values but no
// positions, so this scanner walks the text once and records, for every
// key path, where its key and its value were written. It never throws and
// tolerates half-typed text (it skips to the end of a line it cannot read),
// so editor features work on broken documents too. Built lazily: a clean
// manifest that needs no position pays nothing (see bench/). Nodes are kept
// in a tree of key segments, so recording one costs a lookup of its last
// segment under its parent, never a key built from the whole path.
import { pathKey, type PathSegment, type TomlPath } from './path';

export interface Span {
  start: number;
  end: number;
}

export interface NodeLocation {
  path: TomlPath;
  /** The key token that names this node (the first place it was written). */
  key?: Span;
  /** The value as written, or for a `[table]` the header. */
  value?: Span;
  /** `[table]` / `[[array]]` header defining this node. */
  header?: Span;
  /** For a header table: from the header to the start of the next header (or the end of the text). */
  body?: Span;
  kind: 'table' | 'inline-table' | 'array' | 'array-table' | 'scalar' | 'implicit';
}

/** Where a string value's content starts and whether offsets into the decoded text map 1:1 onto the source. */
export interface StringLayout {
  contentStart: number;
  verbatim: boolean;
}

const enum C {
  Tab = 9,
  LF = 10,
  CR = 13,
  Space = 32,
  Quote = 34,
  Hash = 35,
  Apos = 39,
  Comma = 44,
  Dot = 46,
  Eq = 61,
  LBracket = 91,
  Backslash = 92,
  RBracket = 93,
  LBrace = 123,
  RBrace = 125,
}

/** A key path's place in the tree: its node, once one was recorded there, and the segments under it. */
interface Slot {
  node?: NodeLocation;
  kids?: Map<string, Slot>;
  /** For a `[[array]]` path: how many of its headers were read so far. */
  count?: number;
}

function child(slot: Slot, segment: PathSegment): Slot {
  let kids = slot.kids;
  if (!kids) slot.kids = kids = new Map();
  const name = typeof segment === 'string' ? segment : String(segment);
  let next = kids.get(name);
  if (!next) kids.set(name, (next = {}));
  return next;
}

function isBareKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

export class SourceMap {
  private root: Slot | undefined;
  private order: NodeLocation[] = [];
  private headers: NodeLocation[] = [];
  private lineStarts: number[] | undefined;

  constructor(readonly text: string) {}

  get(path: TomlPath): NodeLocation | undefined {
    let slot: Slot | undefined = this.index();
    for (let i = 0; i < path.length && slot; i++) {
      const s = path[i]!;
      slot = slot.kids?.get(typeof s === 'string' ? s : String(s));
    }
    return slot?.node;
  }

  /** The node whose `pathKey` is `key`. */
  getByKey(key: string): NodeLocation | undefined {
    return this.get(key.split('\u0001'));
  }

  /** Every located node, in the order it was first written. */
  all(): readonly NodeLocation[] {
    this.index();
    return this.order;
  }

  /** Header tables (`[x]`, `[[x]]`) in text order. */
  tables(): readonly NodeLocation[] {
    this.index();
    return this.headers;
  }

  /** Direct children of `path` that were written in the text, in order. */
  children(path: TomlPath): NodeLocation[] {
    const depth = path.length;
    const prefix = pathKey(path);
    return this.all().filter(
      (n) => n.path.length === depth + 1 && (depth === 0 || pathKey(n.path.slice(0, depth)) === prefix),
    );
  }

  /** How the string at `path` is laid out, when its value is a one-line string. */
  stringLayout(path: TomlPath): StringLayout | undefined {
    const v = this.get(path)?.value;
    if (!v) return undefined;
    const q = this.text.charCodeAt(v.start);
    if (q !== C.Quote && q !== C.Apos) return undefined;
    const triple = this.text.startsWith(q === C.Quote ? '"""' : "'''", v.start);
    const open = triple ? 3 : 1;
    const raw = this.text.slice(v.start + open, Math.max(v.start + open, v.end - open));
    const verbatim = q === C.Apos ? !triple || !raw.startsWith('\n') : !raw.includes('\\') && !(triple && raw.startsWith('\n'));
    return { contentStart: v.start + open, verbatim };
  }

  positionAt(offset: number): { line: number; character: number } {
    const starts = this.lines();
    let o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    // An offset between the CR and LF of a CRLF is not a position an editor
    // has: it belongs at the end of its line.
    if (o > starts[lo]! && this.text.charCodeAt(o - 1) === C.CR) o--;
    return { line: lo, character: o - starts[lo]! };
  }

  offsetAt(line: number, character: number): number {
    const starts = this.lines();
    if (line >= starts.length) return this.text.length;
    const start = starts[Math.max(0, line)]!;
    let end = line + 1 < starts.length ? starts[line + 1]! : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === C.LF) end--;
    if (end > start && this.text.charCodeAt(end - 1) === C.CR) end--;
    return Math.min(start + Math.max(0, character), end);
  }

  /** Line starts as LSP counts lines: `\n`, `\r\n` and a lone `\r` each end one (an editor shows a lone CR as a line break). */
  private lines(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = 0; i < t.length; i++) {
        const c = t.charCodeAt(i);
        if (c === C.LF || (c === C.CR && t.charCodeAt(i + 1) !== C.LF)) starts.push(i + 1);
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  private index(): Slot {
    if (!this.root) {
      this.root = {};
      new Scanner(this.text, this.root, this.order, this.headers).run();
    }
    return this.root;
  }
}

interface KeyPart {
  name: string;
  span: Span;
}

class Scanner {
  private pos = 0;
  private currentTable: NodeLocation | undefined;

  constructor(
    private readonly t: string,
    private readonly root: Slot,
    private readonly order: NodeLocation[],
    private readonly headers: NodeLocation[],
  ) {}

  run(): void {
    let table: PathSegment[] = [];
    let tableSlot = this.root;
    const n = this.t.length;
    while (this.pos < n) {
      this.skipSpaces();
      const c = this.t.charCodeAt(this.pos);
      if (c === C.Hash) {
        this.skipToEol();
      } else if (c === C.LF || c === C.CR) {
        this.pos++;
      } else if (this.pos >= n) {
        break;
      } else if (c === C.LBracket) {
        const opened = this.header();
        if (opened) [table, tableSlot] = opened;
      } else {
        const before = this.pos;
        this.keyValue(table, tableSlot);
        if (this.pos === before) this.skipToEol();
      }
    }
    this.closeTable(n);
  }

  private closeTable(end: number): void {
    if (this.currentTable?.body) this.currentTable.body.end = end;
  }

  private header(): [PathSegment[], Slot] | undefined {
    const start = this.pos;
    const isArray = this.t.charCodeAt(this.pos + 1) === C.LBracket;
    this.pos += isArray ? 2 : 1;
    this.skipSpaces();
    const keys = this.keys();
    this.skipSpaces();
    if (!keys.length) {
      this.skipToEol();
      return undefined;
    }
    if (isArray && this.t.startsWith(']]', this.pos)) this.pos += 2;
    else if (!isArray && this.t.charCodeAt(this.pos) === C.RBracket) this.pos += 1;
    const span = { start, end: this.pos };
    this.closeTable(start);
    const path: PathSegment[] = [];
    let slot = this.root;
    for (let i = 0; i < keys.length; i++) {
      path.push(keys[i]!.name);
      slot = child(slot, keys[i]!.name);
      const last = i === keys.length - 1;
      if (last && isArray) {
        this.record(slot, path, { key: keys[i]!.span }, 'array');
        const idx = slot.count ?? 0;
        slot.count = idx + 1;
        path.push(idx);
        slot = child(slot, idx);
        const node = this.record(slot, path, { key: keys[i]!.span, value: span, header: span }, 'array-table', true);
        node.body = { start, end: this.t.length };
        this.currentTable = node;
        this.headers.push(node);
      } else if (last) {
        const node = this.record(slot, path, { key: keys[i]!.span, value: span, header: span }, 'table', true);
        node.body = { start, end: this.t.length };
        this.currentTable = node;
        this.headers.push(node);
      } else {
        this.record(slot, path, { key: keys[i]!.span }, 'implicit');
        const count = slot.count;
        if (count !== undefined) {
          path.push(count - 1);
          slot = child(slot, count - 1);
        }
      }
    }
    this.skipSpaces();
    if (this.t.charCodeAt(this.pos) === C.Hash) this.skipToEol();
    return [path, slot];
  }

  /**
   * `dotted.key = value` under `table`: each dotted prefix is recorded as an
   * implicit table, then the value. False when there is no key or no `=`:
   * nothing more of this line or inline table can be read.
   */
  private keyValue(table: readonly PathSegment[], tableSlot: Slot): boolean {
    const keys = this.keys();
    if (!keys.length) return false;
    this.skipSpaces();
    const path = [...table];
    let slot = tableSlot;
    for (let i = 0; i < keys.length - 1; i++) {
      path.push(keys[i]!.name);
      slot = child(slot, keys[i]!.name);
      this.record(slot, path, { key: keys[i]!.span }, 'implicit');
    }
    const last = keys[keys.length - 1]!;
    path.push(last.name);
    slot = child(slot, last.name);
    if (this.t.charCodeAt(this.pos) !== C.Eq) {
      this.record(slot, path, { key: last.span }, 'implicit');
      return false;
    }
    this.pos++;
    this.skipSpaces();
    this.value(path, slot, last.span);
    return true;
  }

  private value(path: PathSegment[], slot: Slot, key: Span | undefined): void {
    const start = this.pos;
    const c = this.t.charCodeAt(this.pos);
    if (c === C.LBrace || c === C.LBracket) {
      // The span is recorded before its end is known, and is the node's value afterwards whatever was recorded before.
      const span = { start, end: start };
      const node = this.record(slot, path, { key, value: span }, c === C.LBrace ? 'inline-table' : 'array');
      this.pos++;
      if (c === C.LBrace) this.inlineTable(path, slot);
      else this.array(path, slot);
      span.end = this.pos;
      node.value = span;
      return;
    }
    if (c === C.Quote || c === C.Apos) this.string(c);
    else this.scalar();
    this.record(slot, path, { key, value: { start, end: this.pos } }, 'scalar');
  }

  private inlineTable(path: PathSegment[], slot: Slot): void {
    const n = this.t.length;
    while (this.pos < n) {
      this.skipBlank();
      const c = this.t.charCodeAt(this.pos);
      if (c === C.RBrace) {
        this.pos++;
        return;
      }
      if (c === C.Comma) {
        this.pos++;
        continue;
      }
      if (c === C.LBracket || this.pos >= n) return;
      if (!this.keyValue(path, slot)) return;
      this.skipSpaces();
      const d = this.t.charCodeAt(this.pos);
      if (d !== C.Comma && d !== C.RBrace && d !== C.LF && d !== C.CR && d !== C.Hash) return;
    }
  }

  private array(path: PathSegment[], slot: Slot): void {
    const n = this.t.length;
    let index = 0;
    while (this.pos < n) {
      this.skipBlank();
      const c = this.t.charCodeAt(this.pos);
      if (c === C.RBracket) {
        this.pos++;
        return;
      }
      if (c === C.Comma) {
        this.pos++;
        continue;
      }
      if (this.pos >= n) return;
      const before = this.pos;
      this.value([...path, index], child(slot, index), undefined);
      index++;
      if (this.pos === before) return;
      this.skipSpaces();
      const d = this.t.charCodeAt(this.pos);
      if (d !== C.Comma && d !== C.RBracket && d !== C.LF && d !== C.CR && d !== C.Hash) return;
    }
  }

  private scalar(): void {
    const n = this.t.length;
    let end = this.pos;
    while (end < n) {
      const c = this.t.charCodeAt(end);
      if (c === C.Comma || c === C.RBracket || c === C.RBrace || c === C.Hash || c === C.LF || c === C.CR) break;
      end++;
    }
    while (end > this.pos && (this.t.charCodeAt(end - 1) === C.Space || this.t.charCodeAt(end - 1) === C.Tab)) end--;
    this.pos = end;
  }

  /** Moves past a string starting at pos; tolerant of a missing close quote. */
  private string(q: number): void {
    const t = this.t;
    const triple = q === C.Quote ? t.startsWith('"""', this.pos) : t.startsWith("'''", this.pos);
    if (triple) {
      const close = q === C.Quote ? '"""' : "'''";
      let i = this.pos + 3;
      for (;;) {
        const j = t.indexOf(close, i);
        if (j < 0) {
          this.pos = t.length;
          return;
        }
        if (q === C.Quote && this.escaped(j)) {
          i = j + 1;
          continue;
        }
        let end = j + 3;
        // Up to two quotes right before the closing delimiter belong to the content.
        while (end < t.length && t.charCodeAt(end) === q && end - j < 5) end++;
        this.pos = end;
        return;
      }
    }
    let i = this.pos + 1;
    while (i < t.length) {
      const c = t.charCodeAt(i);
      if (c === C.LF || c === C.CR) break;
      if (q === C.Quote && c === C.Backslash) {
        i += 2;
        continue;
      }
      if (c === q) {
        i++;
        break;
      }
      i++;
    }
    this.pos = Math.min(i, t.length);
  }

  private escaped(at: number): boolean {
    let k = at - 1;
    let count = 0;
    while (k >= 0 && this.t.charCodeAt(k) === C.Backslash) {
      count++;
      k--;
    }
    return count % 2 === 1;
  }

  private keys(): KeyPart[] {
    const out: KeyPart[] = [];
    for (;;) {
      this.skipSpaces();
      const part = this.key();
      if (!part) return out;
      out.push(part);
      this.skipSpaces();
      if (this.t.charCodeAt(this.pos) !== C.Dot) return out;
      this.pos++;
    }
  }

  private key(): KeyPart | undefined {
    const t = this.t;
    const start = this.pos;
    const c = t.charCodeAt(start);
    if (c === C.Quote || c === C.Apos) {
      this.string(c);
      const raw = t.slice(start + 1, t.charCodeAt(this.pos - 1) === c && this.pos > start + 1 ? this.pos - 1 : this.pos);
      return { name: c === C.Quote ? unescapeBasic(raw) : raw, span: { start, end: this.pos } };
    }
    let end = start;
    while (end < t.length && isBareKeyChar(t.charCodeAt(end))) end++;
    if (end === start) return undefined;
    this.pos = end;
    return { name: t.slice(start, end), span: { start, end } };
  }

  /** Records at `slot`, the place of `path` in the tree. */
  private record(
    slot: Slot,
    path: readonly PathSegment[],
    loc: { key?: Span; value?: Span; header?: Span },
    kind: NodeLocation['kind'],
    redefine = false,
  ): NodeLocation {
    let node = slot.node;
    if (!node) {
      node = { path: [...path], kind };
      if (loc.key) node.key = loc.key;
      if (loc.value) node.value = loc.value;
      if (loc.header) node.header = loc.header;
      slot.node = node;
      this.order.push(node);
      return node;
    }
    if (redefine && !node.header && loc.key) node.key = loc.key;
    else if (!node.key && loc.key) node.key = loc.key;
    if ((redefine || !node.value) && loc.value && !node.header) {
      node.value = loc.value;
      if (loc.header) node.header = loc.header;
      node.kind = kind;
    }
    return node;
  }

  private skipSpaces(): void {
    const t = this.t;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== C.Space && c !== C.Tab) return;
      this.pos++;
    }
  }

  /** Whitespace, newlines and comments (allowed inside arrays, and inside inline tables in TOML 1.1). */
  private skipBlank(): void {
    const t = this.t;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === C.Space || c === C.Tab || c === C.LF || c === C.CR) this.pos++;
      else if (c === C.Hash) this.skipToEol();
      else return;
    }
  }

  private skipToEol(): void {
    const i = this.t.indexOf('\n', this.pos);
    this.pos = i < 0 ? this.t.length : i + 1;
  }
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

function unescapeBasic(raw: string): string {
  if (!raw.includes('\\')) return raw;
  return raw.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)/g, (_m, e: string) => {
    if (e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16));
    return ESCAPES[e] ?? e;
  });
}
