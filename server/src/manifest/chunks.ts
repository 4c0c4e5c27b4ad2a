// Incremental TOML parsing for one document that is edited again and again.
// The text is cut before every line that starts with `[` (a table header,
// or so it seems), each piece is parsed by smol-toml on its own and kept by
// its text, and the pieces' values are put back together as smol-toml would
// build them. An edit re-parses only the pieces it touched.
//
// Why cutting blind is safe: a cut inside a multi-line string, array or
// inline table leaves the piece before it unterminated, which smol-toml
// rejects; then, and whenever putting pieces together would need more than
// "a new table under tables that headers opened", the whole text is parsed
// as one. So the result, value or error, is always the whole-text parse's.
import { parse as parseToml } from 'smol-toml';

type Table = { [key: string]: unknown };

interface Chunk {
  /** The header's key path; empty for the text before the first header. */
  path: string[];
  array: boolean;
  /** The piece's body: the table its header opens (the root for the first piece). */
  body: Table;
}

/** A piece whose values cannot be put back together as a whole-text parse would. */
const MERGE_FAILED = Symbol('merge failed');

interface Entry {
  /** The piece's text, copied: the piece itself is a slice, which would keep its whole version of the text alive. */
  key: string;
  chunk: Chunk | null;
}

/** The last merge: its pieces, their value, and the table each piece's body became in it. */
interface Merged {
  chunks: Chunk[];
  root: Table;
  placed: Table[];
}

export class ChunkedParser {
  private cache = new Map<string, Entry>();
  private last: Merged | undefined;
  /** Whether a text was parsed before: the first is parsed whole, which is faster when nothing can be reused (see bench/). */
  private opened = false;

  /** Whether the next parse reuses the last one's values where the text did not change. */
  get incremental(): boolean {
    return this.opened;
  }

  /** smol-toml's `parse(text)`: the same value, or the same error thrown. */
  parse(text: string): Table {
    if (!this.opened) {
      this.opened = true;
      return parseToml(text) as Table;
    }
    const next = new Map<string, Entry>();
    const chunks: Chunk[] = [];
    let ok = true;
    for (const piece of split(text)) {
      let entry = this.cache.get(piece) ?? next.get(piece);
      if (!entry) entry = { key: flat(piece), chunk: parsePiece(piece) };
      next.set(entry.key, entry);
      if (entry.chunk === null) ok = false;
      else chunks.push(entry.chunk);
    }
    this.cache = next;
    const merged = ok ? (patch(this.last, chunks) ?? merge(chunks)) : MERGE_FAILED;
    this.last = merged === MERGE_FAILED ? undefined : merged;
    return merged === MERGE_FAILED ? (parseToml(text) as Table) : merged.root;
  }
}

/** The text cut before each line whose first non-blank character is `[`. */
function split(text: string): string[] {
  const pieces: string[] = [];
  const header = /\n[ \t]*\[/g;
  let start = 0;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    const cut = m.index + 1;
    pieces.push(text.slice(start, cut));
    start = cut;
  }
  pieces.push(text.slice(start));
  return pieces;
}

function flat(s: string): string {
  return (s + ' ').slice(0, -1);
}

/** A piece's header path and body, or null when the piece does not parse on its own. */
function parsePiece(piece: string): Chunk | null {
  let value: Table;
  try {
    value = parseToml(piece) as Table;
  } catch {
    return null;
  }
  const first = piece.trimStart();
  if (!first.startsWith('[')) return { path: [], array: false, body: value };
  const eol = piece.indexOf('\n');
  let header: Table;
  try {
    header = parseToml(eol < 0 ? piece : piece.slice(0, eol + 1)) as Table;
  } catch {
    return null;
  }
  // The header alone parses to one key per level down to an empty table (or `[{}]` for `[[a]]`).
  const path: string[] = [];
  let h: unknown = header;
  let v: unknown = value;
  for (;;) {
    if (Array.isArray(h)) {
      if (!Array.isArray(v) || v.length !== 1) return null;
      return { path, array: true, body: v[0] as Table };
    }
    const keys = Object.keys(h as Table);
    if (keys.length === 0) return { path, array: false, body: v as Table };
    if (keys.length !== 1 || typeof v !== 'object' || v === null) return null;
    const k = keys[0]!;
    path.push(k);
    h = (h as Table)[k];
    v = (v as Table)[k];
  }
}

function copy(t: Table): Table {
  return Object.assign(Object.create(null) as Table, t);
}

/**
 * The pieces' values combined in text order. Tables and arrays of tables that
 * headers opened (created here) may be descended into and added to; anything
 * a piece's body defined is closed. Meeting a closed value, or a header whose
 * table already exists, fails the merge (the whole-text parse decides).
 */
function merge(chunks: Chunk[]): Merged | typeof MERGE_FAILED {
  const open = new Set<unknown>();
  const placed: Table[] = [];
  let root: Table = Object.create(null) as Table;
  for (const chunk of chunks) {
    if (chunk.path.length === 0) {
      if (Object.keys(root).length) return MERGE_FAILED;
      root = copy(chunk.body);
      placed.push(root);
      continue;
    }
    let t = root;
    const last = chunk.path.length - 1;
    for (let i = 0; i < last; i++) {
      const k = chunk.path[i]!;
      if (!Object.hasOwn(t, k)) {
        const created = Object.create(null) as Table;
        t[k] = created;
        open.add(created);
        t = created;
        continue;
      }
      let child = t[k];
      if (!open.has(child)) return MERGE_FAILED;
      if (Array.isArray(child)) child = child[child.length - 1];
      t = child as Table;
    }
    const k = chunk.path[last]!;
    const body = copy(chunk.body);
    open.add(body);
    placed.push(body);
    if (!Object.hasOwn(t, k)) {
      if (chunk.array) {
        const list = [body];
        open.add(list);
        t[k] = list;
      } else t[k] = body;
    } else if (chunk.array && Array.isArray(t[k]) && open.has(t[k])) {
      (t[k] as Table[]).push(body);
    } else return MERGE_FAILED;
  }
  return { chunks, root, placed };
}

/**
 * The last merge with the pieces that changed put in, when the headers are
 * the same ones in the same order: each changed piece's table is its new
 * body plus the keys later headers added to it, and only the tables on the
 * way to it are copied, so values of unchanged tables keep their identity
 * and the last value stays as it was. Undefined when this cannot be done
 * (headers changed, arrays of tables, or a new key that a later header also
 * adds); then the pieces are merged anew.
 */
function patch(last: Merged | undefined, chunks: Chunk[]): Merged | undefined {
  if (!last || last.chunks.length !== chunks.length) return undefined;
  const changed: number[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const [was, now] = [last.chunks[i]!, chunks[i]!];
    if (was === now) continue;
    if (was.array || now.array || !samePath(was.path, now.path)) return undefined;
    changed.push(i);
  }
  if (!changed.length) return { chunks, root: last.root, placed: last.placed };
  if (chunks.some((c) => c.array)) return undefined;
  // The tables this patch made, and which table of the last value each replaces.
  const made = new Set<Table>();
  const copies = new Map<Table, Table>();
  const fresh = (t: Table): Table => {
    if (made.has(t)) return t;
    let c = copies.get(t);
    if (!c) {
      copies.set(t, (c = copy(t)));
      made.add(c);
    }
    return c;
  };
  let root = last.root;
  for (const i of changed) {
    const before = last.placed[i]!;
    const table = copy(chunks[i]!.body);
    const oldBody = last.chunks[i]!.body;
    for (const k of Object.keys(before)) {
      if (Object.hasOwn(oldBody, k)) continue;
      if (Object.hasOwn(table, k)) return undefined;
      table[k] = before[k];
    }
    copies.set(before, table);
    made.add(table);
    const path = chunks[i]!.path;
    if (path.length === 0) {
      root = table;
      continue;
    }
    root = fresh(root);
    let t = root;
    for (let d = 0; d < path.length - 1; d++) {
      const next = fresh(t[path[d]!] as Table);
      t[path[d]!] = next;
      t = next;
    }
    t[path[path.length - 1]!] = table;
  }
  return { chunks, root, placed: last.placed.map((t) => copies.get(t) ?? t) };
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
