// Where secret and alias names are written in one document: declaration
// keys (every dotted or header spelling, not only the first), `${NAME}`
// references, scope entries, `refs` keys and provider-spec strings. The
// source map records a key's first spelling only, so the rest are found by
// reading each node's dotted prefix and each header's segments.
import type { NodeLocation, SourceMap, Span } from '../manifest/locate';
import { pathKey, type TomlPath } from '../manifest/path';
import { parseTemplate } from '../manifest/template';

const BARE = /[A-Za-z0-9_-]/;

/** Spans of the header's key segments, in order. */
export function headerSegments(text: string, header: Span): Span[] {
  let i = header.start + (text[header.start + 1] === '[' ? 2 : 1);
  const out: Span[] = [];
  for (;;) {
    while (text[i] === ' ' || text[i] === '\t') i++;
    const tok = tokenAt(text, i, header.end);
    if (!tok) return out;
    out.push(tok);
    i = tok.end;
    while (text[i] === ' ' || text[i] === '\t') i++;
    if (text[i] !== '.') return out;
    i++;
  }
}

function tokenAt(text: string, i: number, limit: number): Span | undefined {
  const c = text[i];
  if (c === '"' || c === "'") {
    let j = i + 1;
    while (j < limit && text[j] !== c && text[j] !== '\n') j += c === '"' && text[j] === '\\' ? 2 : 1;
    return { start: i, end: Math.min(j + 1, limit) };
  }
  let j = i;
  while (j < limit && BARE.test(text[j]!)) j++;
  return j > i ? { start: i, end: j } : undefined;
}

/** Dotted segments written before the key at `keyStart` on the same line, nearest first. */
export function dottedPrefix(text: string, keyStart: number, max: number): Span[] {
  const out: Span[] = [];
  let p = keyStart;
  while (out.length < max) {
    let q = p;
    while (q > 0 && (text[q - 1] === ' ' || text[q - 1] === '\t')) q--;
    if (text[q - 1] !== '.') break;
    q--;
    while (q > 0 && (text[q - 1] === ' ' || text[q - 1] === '\t')) q--;
    const end = q;
    let start = q;
    const c = text[q - 1];
    if (c === '"' || c === "'") {
      const open = text.lastIndexOf(c, q - 2);
      if (open < 0 || text.slice(open, q).includes('\n')) break;
      start = open;
    } else {
      while (start > 0 && BARE.test(text[start - 1]!)) start--;
    }
    if (start === end) break;
    out.push({ start, end });
    p = start;
  }
  return out;
}

// A source map never changes once built, and every hover, go-to and rename
// on one version asks for the same lists: each is computed once per map, so
// a request costs a lookup rather than a pass over the whole manifest.
// Callers share the results and must not change them.
const keySpansCache = new WeakMap<SourceMap, Map<string, Span[]>>();
const occurrencesCache = new WeakMap<SourceMap, Occurrence[]>();

/** Every written key token, by path. */
export function keySpans(map: SourceMap): Map<string, Span[]> {
  let out = keySpansCache.get(map);
  if (!out) keySpansCache.set(map, (out = computeKeySpans(map)));
  return out;
}

function computeKeySpans(map: SourceMap): Map<string, Span[]> {
  const out = new Map<string, Span[]>();
  forEachKeySpan(map.text, map.all(), (path, span) => {
    const k = pathKey(path);
    const list = out.get(k) ?? [];
    if (!list.some((s) => s.start === span.start)) list.push(span);
    out.set(k, list);
  });
  for (const list of out.values()) list.sort((a, b) => a.start - b.start);
  return out;
}

/** Each key token the `nodes` write, with the path it names: header segments, keys and their dotted prefixes. */
function forEachKeySpan(text: string, nodes: Iterable<NodeLocation>, add: (path: TomlPath, span: Span) => void): void {
  for (const node of nodes) {
    if (node.header) {
      const named = node.path.flatMap((s, i) => (typeof s === 'string' ? [i] : []));
      headerSegments(text, node.header).forEach((span, i) => {
        const at = named[i];
        if (at !== undefined) add(node.path.slice(0, at + 1), span);
      });
    }
    if (node.key && typeof node.path[node.path.length - 1] === 'string') {
      add(node.path, node.key);
      if (!node.header) {
        const prefix = dottedPrefix(text, node.key.start, node.path.length - 1);
        prefix.forEach((span, i) => add(node.path.slice(0, node.path.length - 1 - i), span));
      }
    }
  }
}

/** The content span of a one-line string value that is written verbatim. */
export function stringContent(map: SourceMap, path: TomlPath): Span | undefined {
  const node = map.get(path);
  const layout = map.stringLayout(path);
  if (!node?.value || !layout?.verbatim) return undefined;
  const open = layout.contentStart - node.value.start;
  if (open !== 1) return undefined;
  const end = node.value.end - 1;
  if (end < layout.contentStart || map.text[end] !== map.text[node.value.start]) return undefined;
  return { start: layout.contentStart, end };
}

export type SpecRole = 'chain' | 'uri' | 'source';

/** Whether a value at `path` holds a provider spec, and which kind of place it is. */
export function specRole(path: TomlPath): SpecRole | undefined {
  const [root, a, b, c, d] = path;
  if (root === 'profiles' && path.length === 5 && c === 'providers' && typeof d === 'number') return 'chain';
  if (root === 'defaults' && path.length === 3 && a === 'providers' && typeof b === 'number') return 'chain';
  if (root !== 'providers' || typeof a !== 'string') return undefined;
  if (path.length === 2) return 'uri';
  if (path.length === 3 && b === 'uri') return 'uri';
  if (path.length === 4 && b === 'fallback' && typeof c === 'number') return 'source';
  if (path.length === 4 && b === 'cache' && c === 'provider') return 'source';
  if (path.length === 4 && b === 'credentials') return 'source';
  if (path.length === 5 && b === 'credentials' && d === 'provider') return 'source';
  return undefined;
}

export type OccurrenceKind = 'secret-decl' | 'composed-ref' | 'scope-entry' | 'alias-decl' | 'alias-use' | 'refs-key';

export interface Occurrence {
  kind: OccurrenceKind;
  name: string;
  /** The name's own characters (inside quotes for strings). */
  span: Span;
  /** The node the occurrence belongs to. */
  path: TomlPath;
  /** For declarations, `${}` references and `refs` keys: the profile. */
  profile?: string;
}

function tokenName(text: string, span: Span): { name: string; inner: Span } {
  const raw = text.slice(span.start, span.end);
  if ((raw.startsWith('"') || raw.startsWith("'")) && raw.length >= 2) {
    return { name: raw.slice(1, -1), inner: { start: span.start + 1, end: span.end - 1 } };
  }
  return { name: raw, inner: span };
}

// A hover or go-to asks about one position: only the nodes written on its
// line can hold a key token or a name there (every key and one-line string is
// on one line). An index of nodes by line, built in one pass per map without
// a per-key structure, lets such a request read those few nodes instead of
// computing every key span and occurrence of a manifest that may hold a
// million nodes (issue 13 item 5).
interface LineIndex {
  /** `nodes[first[l]..first[l + 1]]` are the nodes (by their index in `map.all()`) with a header, key or value starting on line `l`. */
  first: Uint32Array;
  nodes: Uint32Array;
}
const lineIndexCache = new WeakMap<SourceMap, LineIndex>();

function lineIndex(map: SourceMap): LineIndex {
  const cached = lineIndexCache.get(map);
  if (cached) return cached;
  const all = map.all();
  const lineCount = map.positionAt(map.text.length).line + 1;
  // Up to three distinct lines per node (header, key, value), -1 for none.
  const lines = new Int32Array(all.length * 3).fill(-1);
  const count = new Uint32Array(lineCount + 1);
  for (let i = 0; i < all.length; i++) {
    const node = all[i]!;
    let slot = 0;
    for (const span of [node.header, node.key, node.value]) {
      if (!span) continue;
      const line = map.positionAt(span.start).line;
      if (slot && (lines[i * 3] === line || lines[i * 3 + 1] === line)) continue;
      lines[i * 3 + slot++] = line;
      count[line + 1]!++;
    }
  }
  for (let l = 0; l < lineCount; l++) count[l + 1]! += count[l]!;
  const first = count.slice();
  const nodes = new Uint32Array(count[lineCount]!);
  const next = count.slice(0, lineCount);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line >= 0) nodes[next[line]!++] = Math.floor(i / 3);
  }
  const index = { first, nodes };
  lineIndexCache.set(map, index);
  return index;
}

/** The nodes with a header, key or value starting on the line of `offset`, in `map.all()` order. */
export function nodesOnLine(map: SourceMap, offset: number): NodeLocation[] {
  const { first, nodes } = lineIndex(map);
  const line = map.positionAt(offset).line;
  const all = map.all();
  const out: NodeLocation[] = [];
  for (let j = first[line] ?? 0; j < (first[line + 1] ?? 0); j++) out.push(all[nodes[j]!]!);
  return out;
}

/** Key spans written by `nodes`, by path, as keySpans gathers them for the whole map. */
function keySpansOf(text: string, nodes: Iterable<NodeLocation>): Map<string, { path: TomlPath; spans: Span[] }> {
  const out = new Map<string, { path: TomlPath; spans: Span[] }>();
  forEachKeySpan(text, nodes, (path, span) => {
    const k = pathKey(path);
    let entry = out.get(k);
    if (!entry) out.set(k, (entry = { path, spans: [] }));
    if (!entry.spans.some((s) => s.start === span.start)) entry.spans.push(span);
  });
  for (const { spans } of out.values()) spans.sort((a, b) => a.start - b.start);
  return out;
}

/** The written key token at `offset` (end exclusive) and the path it names, from the nodes of its line only. */
export function keyAt(map: SourceMap, offset: number): { path: TomlPath; span: Span } | undefined {
  for (const { path, spans } of keySpansOf(map.text, nodesOnLine(map, offset)).values()) {
    const span = spans.find((s) => s.start <= offset && offset < s.end);
    if (span && map.getByKey(pathKey(path))) return { path, span };
  }
  return undefined;
}

/** The occurrences written on the line of `offset`: what occurrences(map) lists there, from the nodes of that line only. */
export function occurrencesOnLine(map: SourceMap, offset: number): Occurrence[] {
  const onLine = new Set(nodesOnLine(map, offset));
  const keys = new Map<string, Span[]>();
  // A name's key may be spelled on this line by another node (a dotted `S.description` spells `S`).
  const named = new Set<NodeLocation>();
  for (const [k, { spans }] of keySpansOf(map.text, onLine)) {
    keys.set(k, spans);
    const node = map.getByKey(k);
    if (node) named.add(node);
  }
  return collectOccurrences(map, keys, new Set([...named, ...onLine]), (node) => onLine.has(node));
}

export function occurrences(map: SourceMap): Occurrence[] {
  let out = occurrencesCache.get(map);
  if (!out) occurrencesCache.set(map, (out = computeOccurrences(map, keySpans(map))));
  return out;
}

function computeOccurrences(map: SourceMap, keys: Map<string, Span[]>): Occurrence[] {
  return collectOccurrences(map, keys, map.all(), () => true);
}

/** For each of `nodes`: the names its key spans (those in `keys`) declare, then, if `valued`, the names in its value. */
function collectOccurrences(map: SourceMap, keys: ReadonlyMap<string, Span[]>, nodes: Iterable<NodeLocation>, valued: (node: NodeLocation) => boolean): Occurrence[] {
  const text = map.text;
  const out: Occurrence[] = [];
  const pushKeys = (kind: OccurrenceKind, path: TomlPath, profile?: string) => {
    for (const span of keys.get(pathKey(path)) ?? []) {
      const { name, inner } = tokenName(text, span);
      out.push({ kind, name, span: inner, path, ...(profile !== undefined ? { profile } : {}) });
    }
  };
  for (const node of nodes) {
    const p = node.path;
    const [root, a, b, c, d] = p;
    if (root === 'profiles' && p.length === 3 && typeof a === 'string' && typeof b === 'string' && b !== 'defaults') {
      pushKeys('secret-decl', p, a);
    } else if (root === 'profiles' && p.length === 5 && c === 'refs' && typeof d === 'string') {
      pushKeys('refs-key', p, a as string);
    } else if (root === 'providers' && p.length === 2 && typeof a === 'string') {
      pushKeys('alias-decl', p);
    }
    if (node.kind !== 'scalar' || !valued(node)) continue;
    const content = stringContent(map, p);
    if (!content) continue;
    const value = text.slice(content.start, content.end);
    if (root === 'profiles' && p.length === 4 && c === 'composed') {
      for (const ref of parseTemplate(value).refs) {
        out.push({ kind: 'composed-ref', name: ref.name, span: { start: content.start + ref.start + 2, end: content.start + ref.end - 1 }, path: p, profile: a as string });
      }
    } else if (root === 'scopes' && p.length === 4 && b === 'secrets' && typeof c === 'number') {
      out.push({ kind: 'scope-entry', name: value, span: content, path: p });
    } else if (specRole(p) && specRole(p) !== 'uri' && !value.includes('://')) {
      out.push({ kind: 'alias-use', name: value, span: content, path: p });
    }
  }
  return out;
}

export const SECRET_KINDS: ReadonlySet<OccurrenceKind> = new Set(['secret-decl', 'composed-ref', 'scope-entry']);
export const ALIAS_KINDS: ReadonlySet<OccurrenceKind> = new Set(['alias-decl', 'alias-use', 'refs-key']);

/** The occurrence whose span holds `offset` (ends inclusive, so a cursor right after a name counts). */
export function occurrenceAt(list: readonly Occurrence[], offset: number): Occurrence | undefined {
  return list.find((o) => o.span.start <= offset && offset <= o.span.end);
}
