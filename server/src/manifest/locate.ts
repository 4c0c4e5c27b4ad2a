// Source positions for a TOML text. smol-toml gives values but no
// positions, so this scanner walks the text once and records, for every
// key path, where its key and its value were written. It never throws and
// tolerates half-typed text (it skips to the end of a line it cannot read),
// so editor features work on broken documents too. Built lazily: a clean
// manifest that needs no position pays nothing, and one asked where a few
// problems are reads its headers and only the key/values those problems can
// be written by (LazyMap; see bench/). Nodes are kept in a tree of key
// segments, so recording one costs a lookup of its last segment under its
// parent, never a key built from the whole path.
import type { PathSegment, TomlPath } from './path';

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
  /** Lazy mode: what was recorded here, in the order it was, for the node to be built from when asked. */
  events?: Recorded[];
  /** Lazy mode, in the headers' tree: the regions whose key/values are written under this path. */
  regions?: number[];
}

/** One call of `record` (or a value span set after it), kept to be replayed. */
interface Recorded {
  /** Where it was written: the region's index, twice, plus one for a region's key/values (after its header). */
  order: number;
  path: TomlPath;
  key: Span | undefined;
  value: Span | undefined;
  header: Span | undefined;
  kind: NodeLocation['kind'];
  redefine: boolean;
  /** Set after the record: the value span of an inline table or array, or the body of a header table. */
  force?: Span;
  body?: Span;
}

/** A header and the key/values after it, up to the next header (region 0: the key/values before any header). */
interface Region {
  path: PathSegment[];
  /** Where each key/value statement of the region starts, by its first key: the ones a path under that key can be written by. */
  statements: Map<string, number[]>;
  /** The first keys whose statements were read into `tree`. */
  read?: Set<string>;
  /** Its key/values, read a first key at a time, the first time a path under that key is asked for. */
  tree?: Slot;
}

const NO_PATH: PathSegment[] = [];
const DUMMY_NODE: NodeLocation = { path: [], kind: 'implicit' };
/** A key read past while only headers are read: neither its name nor its place is kept. */
const UNNAMED: KeyPart = { name: '', span: { start: 0, end: 0 } };

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
    return this.root ? this.slot(path)?.node : this.lazy().get(path);
  }

  private slot(path: TomlPath): Slot | undefined {
    let slot: Slot | undefined = this.index();
    for (let i = 0; i < path.length && slot; i++) {
      const s = path[i]!;
      slot = slot.kids?.get(typeof s === 'string' ? s : String(s));
    }
    return slot;
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
    const kids = this.slot(path)?.kids;
    const out: NodeLocation[] = [];
    // A slot is made only to record its node at once, so the tree's order is the order nodes were first written.
    if (kids) for (const kid of kids.values()) if (kid.node) out.push(kid.node);
    return out;
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
      if (!t.includes('\r')) {
        // The common case, and a search is several times faster than a loop over every character.
        for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      } else {
        for (let i = 0; i < t.length; i++) {
          const c = t.charCodeAt(i);
          if (c === C.LF || (c === C.CR && t.charCodeAt(i + 1) !== C.LF)) starts.push(i + 1);
        }
      }
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  private index(): Slot {
    if (!this.root) {
      this.root = {};
      this.lazyMap = undefined;
      new Scanner(this.text, 'full', this.root, this.order, this.headers).run();
    }
    return this.root;
  }

  private lazyMap: LazyMap | undefined;

  private lazy(): LazyMap {
    return (this.lazyMap ??= new LazyMap(this.text));
  }
}

/**
 * Nodes built only for the paths asked, until something needs every node.
 * Validation asks where a few problems are written: scanning every key/value
 * of a large manifest and keeping a node for each costs more than the parse
 * (bench/). So the text is read once for its headers only; the key/values
 * after a header are read the first time a path under that header is asked
 * for; and a node is built by replaying, in text order, exactly the records
 * the whole scan would have made at its path: those of headers through it,
 * and those of the key/values of headers above it. Same code, same order:
 * the same node.
 */
class LazyMap {
  private readonly headerTree: Slot = {};
  private readonly regions: Region[] = [];
  private readonly built = new Map<string, NodeLocation | undefined>();

  constructor(private readonly text: string) {
    new Scanner(text, 'headers', this.headerTree, [], [], this.regions).run();
  }

  get(path: TomlPath): NodeLocation | undefined {
    const id = path.join('\u0001');
    if (this.built.has(id)) return this.built.get(id);
    const node = this.build(path);
    this.built.set(id, node);
    return node;
  }

  private build(path: TomlPath): NodeLocation | undefined {
    const events: Recorded[] = [];
    let slot: Slot | undefined = this.headerTree;
    for (let k = 0; k <= path.length && slot; k++) {
      // Key/values never record at their table's own path: only the regions above the path can hold records of it.
      if (k < path.length) {
        for (const r of slot.regions ?? []) {
          const local = descend(this.scanned(r, String(path[k]!)), path, k);
          if (local?.events) events.push(...local.events);
        }
      }
      if (k === path.length) {
        if (slot.events) events.push(...slot.events);
      } else {
        slot = slot.kids?.get(String(path[k]!));
      }
    }
    if (!events.length) return undefined;
    // Stable: within one region and kind of record, the order they were made in.
    events.sort((a, b) => a.order - b.order);
    let node: NodeLocation | undefined;
    for (const e of events) {
      node = replay(node, e);
      if (e.force) node.value = e.force;
      if (e.body) node.body = { start: e.body.start, end: e.body.end };
    }
    return node;
  }

  private scanned(r: number, name: string): Slot {
    const region = this.regions[r]!;
    const tree = (region.tree ??= {});
    const read = (region.read ??= new Set());
    if (!read.has(name)) {
      read.add(name);
      new Scanner(this.text, 'body', tree, [], [], this.regions, r).statements(region, name);
    }
    return tree;
  }
}

function descend(slot: Slot | undefined, path: TomlPath, from: number): Slot | undefined {
  for (let i = from; i < path.length && slot; i++) slot = slot.kids?.get(String(path[i]!));
  return slot;
}

/** What `Scanner.record` does to the node at a path, given the node so far. */
function replay(node: NodeLocation | undefined, e: Recorded): NodeLocation {
  if (!node) {
    const made: NodeLocation = { path: e.path, kind: e.kind };
    if (e.key) made.key = e.key;
    if (e.value) made.value = e.value;
    if (e.header) made.header = e.header;
    return made;
  }
  if (e.redefine && !node.header && e.key) node.key = e.key;
  else if (!node.key && e.key) node.key = e.key;
  if ((e.redefine || !node.value) && e.value && !node.header) {
    node.value = e.value;
    if (e.header) node.header = e.header;
    node.kind = e.kind;
  }
  return node;
}

interface KeyPart {
  name: string;
  span: Span;
}

/**
 * `full`: every node, recorded into the tree. `headers` (lazy mode): only
 * headers, their records kept as events and their regions listed; key/values
 * are read past, recording nothing. `body` (lazy mode): one region's
 * key/values, their records kept as events.
 */
type Mode = 'full' | 'headers' | 'body';

class Scanner {
  private pos = 0;
  private currentTable: NodeLocation | undefined;
  private readonly dummy: Slot = {};

  constructor(
    private readonly t: string,
    private readonly mode: Mode,
    private readonly root: Slot,
    private readonly order: NodeLocation[],
    private readonly headers: NodeLocation[],
    private readonly regions: Region[] = [],
    /** The region being read, in `body` mode. */
    private readonly region = 0,
  ) {}

  /** `body` mode: the statements of `region` whose first key is `name`, read as the whole scan reads them. */
  statements(region: Region, name: string): void {
    for (const at of region.statements.get(name) ?? []) {
      this.pos = at;
      this.keyValue(region.path, this.root);
    }
  }

  run(): void {
    let table: PathSegment[] = [];
    let tableSlot = this.root;
    const n = this.t.length;
    if (this.mode === 'headers') this.openRegion([], this.root);
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
        this.keyValue(table, tableSlot, true);
        if (this.pos === before) this.skipToEol();
      }
    }
    this.closeTable(n);
  }

  private closeTable(end: number): void {
    if (this.currentTable?.body) this.currentTable.body.end = end;
  }

  private openRegion(path: PathSegment[], slot: Slot): void {
    (slot.regions ??= []).push(this.regions.length);
    this.regions.push({ path, statements: new Map() });
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
        this.opened(slot, this.record(slot, path, { key: keys[i]!.span, value: span, header: span }, 'array-table', true), start);
      } else if (last) {
        this.opened(slot, this.record(slot, path, { key: keys[i]!.span, value: span, header: span }, 'table', true), start);
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
    if (this.mode === 'headers') this.openRegion([...path], slot);
    return [path, slot];
  }

  /** A header table's node was recorded: its body runs from `start` to the next header. */
  private opened(slot: Slot, node: NodeLocation, start: number): void {
    if (this.mode === 'full') {
      node.body = { start, end: this.t.length };
      this.currentTable = node;
      this.headers.push(node);
      return;
    }
    // The node is built only when asked: closeTable ends this body at the next header through a stand-in for it.
    const e = slot.events![slot.events!.length - 1]!;
    e.body = { start, end: this.t.length };
    this.currentTable = { path: [], kind: 'table', body: e.body };
  }

  /**
   * `dotted.key = value` under `table`: each dotted prefix is recorded as an
   * implicit table, then the value. False when there is no key or no `=`:
   * nothing more of this line or inline table can be read.
   */
  private keyValue(table: readonly PathSegment[], tableSlot: Slot, top = false): boolean {
    if (this.mode === 'headers') return this.passKeyValue(top);
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

  /** `headers` mode: a key/value read past, nothing recorded; a statement (`top`) is indexed by its first key. */
  private passKeyValue(top: boolean): boolean {
    const start = this.pos;
    const keys = this.keys(top ? 1 : 0);
    if (!keys.length) return false;
    if (top) {
      const statements = this.regions[this.regions.length - 1]!.statements;
      const name = keys[0]!.name;
      const at = statements.get(name);
      if (at) at.push(start);
      else statements.set(name, [start]);
    }
    this.skipSpaces();
    if (this.t.charCodeAt(this.pos) !== C.Eq) return false;
    this.pos++;
    this.skipSpaces();
    this.value(NO_PATH, this.dummy, undefined);
    return true;
  }

  private value(path: PathSegment[], slot: Slot, key: Span | undefined): void {
    const start = this.pos;
    const c = this.t.charCodeAt(this.pos);
    if (this.mode === 'headers') {
      if (c === C.LBrace || c === C.LBracket) {
        this.pos++;
        if (c === C.LBrace) this.inlineTable(path, slot);
        else this.array(path, slot);
      } else if (c === C.Quote || c === C.Apos) this.string(c);
      else this.scalar();
      return;
    }
    if (c === C.LBrace || c === C.LBracket) {
      // The span is recorded before its end is known, and is the node's value afterwards whatever was recorded before.
      const span = { start, end: start };
      const node = this.record(slot, path, { key, value: span }, c === C.LBrace ? 'inline-table' : 'array');
      this.pos++;
      if (c === C.LBrace) this.inlineTable(path, slot);
      else this.array(path, slot);
      span.end = this.pos;
      if (this.mode === 'full') node.value = span;
      else slot.events![slot.events!.length - 1]!.force = span;
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
      this.value(this.mode === 'headers' ? path : [...path, index], this.child(slot, index), undefined);
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

  /** `named`: how many of the keys need their names (the others are only read past). */
  private keys(named = Infinity): KeyPart[] {
    const out: KeyPart[] = [];
    for (;;) {
      this.skipSpaces();
      const part = this.key(out.length < named);
      if (!part) return out;
      out.push(part);
      this.skipSpaces();
      if (this.t.charCodeAt(this.pos) !== C.Dot) return out;
      this.pos++;
    }
  }

  private key(named: boolean): KeyPart | undefined {
    const t = this.t;
    const start = this.pos;
    const c = t.charCodeAt(start);
    if (c === C.Quote || c === C.Apos) {
      this.string(c);
      if (!named) return UNNAMED;
      const raw = t.slice(start + 1, t.charCodeAt(this.pos - 1) === c && this.pos > start + 1 ? this.pos - 1 : this.pos);
      return { name: c === C.Quote ? unescapeBasic(raw) : raw, span: { start, end: this.pos } };
    }
    let end = start;
    while (end < t.length && isBareKeyChar(t.charCodeAt(end))) end++;
    if (end === start) return undefined;
    this.pos = end;
    return named ? { name: t.slice(start, end), span: { start, end } } : UNNAMED;
  }

  /** An array element's slot: none while only headers are read. */
  private child(slot: Slot, segment: PathSegment): Slot {
    return this.mode === 'headers' ? this.dummy : child(slot, segment);
  }

  /** Records at `slot`, the place of `path` in the tree. */
  private record(
    slot: Slot,
    path: readonly PathSegment[],
    loc: { key?: Span; value?: Span; header?: Span },
    kind: NodeLocation['kind'],
    redefine = false,
  ): NodeLocation {
    if (this.mode !== 'full') {
      // Header records come before the key/values after them: twice the region, plus one for key/values.
      const order = this.mode === 'body' ? 2 * this.region + 1 : 2 * this.regions.length;
      (slot.events ??= []).push({ order, path: [...path], key: loc.key, value: loc.value, header: loc.header, kind, redefine });
      return DUMMY_NODE;
    }
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
