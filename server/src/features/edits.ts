// Minimal text edits over the written manifest: each helper changes only the
// characters it must and keeps the author's quoting, spacing, comments and
// ordering. All work in source offsets; `toTextEdit` turns them into LSP.
import type { TextEdit } from 'vscode-languageserver/node';
import type { SourceMap, Span } from '../manifest/locate';
import { pathKey, type TomlPath } from '../manifest/path';
import { dottedPrefix, stringContent } from './occurrences';

export interface OffsetEdit {
  start: number;
  end: number;
  text: string;
}

export function toTextEdit(map: SourceMap, e: OffsetEdit): TextEdit {
  return { range: { start: map.positionAt(e.start), end: map.positionAt(e.end) }, newText: e.text };
}

export function replaceSpan(span: Span, text: string): OffsetEdit {
  return { start: span.start, end: span.end, text };
}

/** A TOML basic string for `s`. */
export function tomlString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Replace a string value's content, keeping its quote style when the new text fits it. */
export function setStringContent(map: SourceMap, path: TomlPath, content: string): OffsetEdit | undefined {
  const node = map.get(path);
  if (!node?.value) return undefined;
  const inner = stringContent(map, path);
  const quote = map.text[node.value.start];
  const fits = quote === "'" ? !/['\n\r]/.test(content) : !/["\\\u0000-\u001f\u007f]/.test(content);
  if (inner && fits) return replaceSpan(inner, content);
  return replaceSpan(node.value, tomlString(content));
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : i;
}

function indentOf(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The newline style the document already uses. */
function eol(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Where the entry at `path` starts: its first dotted key segment. */
function entryStart(map: SourceMap, path: TomlPath): number | undefined {
  const node = map.get(path);
  if (!node?.key || node.header) return undefined;
  const prefix = dottedPrefix(map.text, node.key.start, path.length - 1);
  return prefix.length ? prefix[prefix.length - 1]!.start : node.key.start;
}

function isInline(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && /\s/.test(text[i]!)) i--;
  return text[i] === '{' || text[i] === ',';
}

/** Remove `key = value` (and the separator that goes with it). */
export function removeEntry(map: SourceMap, path: TomlPath): OffsetEdit | undefined {
  const node = map.get(path);
  const start = entryStart(map, path);
  if (!node?.value || start === undefined) return undefined;
  const text = map.text;
  const end = node.value.end;
  if (isInline(text, start)) {
    let after = end;
    while (text[after] === ' ' || text[after] === '\t') after++;
    if (text[after] === ',') {
      after++;
      while (text[after] === ' ' || text[after] === '\t') after++;
      return { start, end: after, text: '' };
    }
    let before = start;
    while (before > 0 && /[ \t]/.test(text[before - 1]!)) before--;
    if (text[before - 1] === ',') return { start: before - 1, end, text: '' };
    return { start, end: after, text: '' };
  }
  const ls = lineStart(text, start);
  const le = lineEnd(text, end);
  const rest = text.slice(end, le);
  if (text.slice(ls, start).trim() !== '') return { start, end, text: '' };
  if (rest.trim().startsWith('#')) {
    const comment = end + rest.indexOf('#');
    return { start, end: comment, text: '' };
  }
  if (rest.trim() !== '') return undefined;
  return { start: ls, end: Math.min(le + 1, text.length), text: '' };
}

/** The line end after every written entry of `path`'s table, or undefined. */
function lastEntryEnd(map: SourceMap, path: TomlPath, within?: Span): number | undefined {
  const prefix = pathKey(path);
  let best: number | undefined;
  for (const n of map.all()) {
    if (n.path.length <= path.length || n.header) continue;
    if (pathKey(n.path.slice(0, path.length)) !== prefix) continue;
    const end = n.value?.end ?? n.key?.end;
    if (end === undefined || (within && (end < within.start || end > within.end))) continue;
    if (best === undefined || end > best) best = end;
  }
  return best;
}

export type Placement = 'first' | 'last' | { after: TomlPath };

/** Add `key = value` to the table at `path` (inline, header or dotted), in the author's style. */
export function addField(map: SourceMap, path: TomlPath, key: string, value: string, where: Placement = 'last'): OffsetEdit | undefined {
  const node = map.get(path);
  if (!node) return undefined;
  const text = map.text;
  const entry = `${key} = ${value}`;
  if (node.kind === 'inline-table' && node.value) {
    const open = node.value.start;
    const close = node.value.end - 1;
    if (text[close] !== '}') return undefined;
    const inner = text.slice(open + 1, close);
    if (inner.trim() === '') return { start: open + 1, end: close, text: ` ${entry} ` };
    if (where === 'first') {
      let i = open + 1;
      while (text[i] === ' ' || text[i] === '\t') i++;
      return { start: i, end: i, text: `${entry}, ` };
    }
    const anchor = typeof where === 'object' ? map.get(where.after)?.value?.end : undefined;
    const at = anchor ?? lastEntryEnd(map, path, node.value);
    if (at === undefined) return undefined;
    return { start: at, end: at, text: `, ${entry}` };
  }
  const nl = eol(text);
  if (node.kind === 'table' && node.header && node.body) {
    if (where === 'first') {
      const at = Math.min(lineEnd(text, node.header.end) + 1, text.length);
      const prefix = at === text.length && !text.endsWith('\n') ? nl : '';
      return { start: at, end: at, text: `${prefix}${entry}${nl}` };
    }
    const anchor = typeof where === 'object' ? map.get(where.after)?.value?.end : undefined;
    const at = anchor ?? lastEntryEnd(map, path, node.body);
    if (at === undefined) return addField(map, path, key, value, 'first');
    const le = lineEnd(text, at);
    return { start: le, end: le, text: `${nl}${indentOf(text, at)}${entry}` };
  }
  if (node.kind === 'implicit') {
    const children = map.children(path).filter((c) => c.key && !c.header);
    const first = children[0];
    if (!first?.key) return undefined;
    const start = entryStart(map, first.path);
    if (start === undefined) return undefined;
    const dotted = text.slice(start, first.key.start);
    const anchor = typeof where === 'object' ? map.get(where.after)?.value?.end : undefined;
    const at = anchor ?? lastEntryEnd(map, path);
    if (at === undefined) return undefined;
    if (where === 'first') {
      const ls = lineStart(text, start);
      return { start: ls, end: ls, text: `${indentOf(text, start)}${dotted}${entry}${nl}` };
    }
    const le = lineEnd(text, at);
    return { start: le, end: le, text: `${nl}${indentOf(text, start)}${dotted}${entry}` };
  }
  return undefined;
}

/** Append a `key = value` line to the header table at `path`, creating the table at the end when it does not exist. */
export function appendToTable(map: SourceMap, path: TomlPath, line: string, headerText: string, before?: number): OffsetEdit | undefined {
  const node = map.get(path);
  const text = map.text;
  const nl = eol(text);
  if (node?.kind === 'table' && node.header && node.body) {
    const at = lastEntryEnd(map, path, node.body);
    if (at === undefined) {
      const le = lineEnd(text, node.header.end);
      return { start: le, end: le, text: `${nl}${line}` };
    }
    const le = lineEnd(text, at);
    return { start: le, end: le, text: `${nl}${indentOf(text, at)}${line}` };
  }
  if (node && (node.kind !== 'implicit' || !keyUnderHeader(map, node.key))) return undefined;
  if (before !== undefined) return { start: before, end: before, text: `${headerText}${nl}${line}${nl}${nl}` };
  const sep = text.length === 0 ? '' : text.endsWith('\n') ? nl : `${nl}${nl}`;
  return { start: text.length, end: text.length, text: `${sep}${headerText}${nl}${line}${nl}` };
}

/** True when the implicit table was created by a header like `[profiles.x.NAME]`, so it may still get its own header. */
function keyUnderHeader(map: SourceMap, key: Span | undefined): boolean {
  if (!key) return true;
  return map.tables().some((t) => t.header && t.header.start <= key.start && key.end <= t.header.end);
}
