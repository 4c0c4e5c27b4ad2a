// Text for "Create secretspec.toml from provider…": a whole new manifest, or
// one insertion that adds only the missing declarations to `[profiles.default]`
// of an existing one. Everything else in the file (comments, order, `x-*`
// tables) is left byte for byte as it was.
import type { ReflectResult } from '../../../protocol/src/index';

export interface Insertion {
  /** Zero-based line the text goes before (a line equal to the line count appends). */
  line: number;
  text: string;
}

export type Reflected = ReflectResult['secrets'];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

function tomlString(s: string): string {
  return JSON.stringify(s).replace(/\u007f/g, '\\u007f');
}

function tomlKey(name: string): string {
  return BARE_KEY.test(name) ? name : tomlString(name);
}

/** One inline-table declaration; SecretSpec requires a description, so the name stands in when the provider has none. */
export function declarationLine(name: string, info: { description?: string; required?: boolean }): string {
  const description = info.description && info.description.length > 0 ? info.description : name;
  const required = info.required === false ? ', required = false' : '';
  return `${tomlKey(name)} = { description = ${tomlString(description)}${required} }`;
}

export function newManifest(project: string, secrets: Reflected, eol = '\n'): string {
  const lines = ['[project]', `name = ${tomlString(project)}`, 'revision = "1.0"', '', '[profiles.default]'];
  for (const name of Object.keys(secrets).sort()) lines.push(declarationLine(name, secrets[name]!));
  return lines.join(eol) + eol;
}

/** Names the provider reported that the manifest's default profile does not declare yet (`declared`: the server's outline). */
export function missingNames(declared: Iterable<string>, secrets: Reflected): string[] {
  const known = new Set(declared);
  return Object.keys(secrets).filter((n) => !known.has(n)).sort();
}

const HEADER = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

/**
 * Where and what to insert so `[profiles.default]` declares `names`; undefined when nothing is missing.
 * Only for text the server parsed (it answered `secretspec/outline`): the header scan below relies on valid TOML.
 */
export function insertionFor(text: string, secrets: Reflected, names: string[]): Insertion | undefined {
  if (names.length === 0) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(/\r?\n/);
  // A trailing newline leaves an empty last element that is not a line of its own.
  const count = text.endsWith('\n') ? lines.length - 1 : lines.length;
  const body = names.map((n) => declarationLine(n, secrets[n] ?? {}) + eol).join('');
  const header = lines.findIndex((l, i) => i < count && HEADER.exec(l)?.[1]?.replace(/\s+/g, '') === 'profiles.default');
  if (header < 0) {
    const needsEol = count > 0 && !text.endsWith('\n');
    const gap = count > 0 && lines[count - 1]!.trim() !== '' ? eol : '';
    return { line: count, text: (needsEol ? eol : '') + gap + '[profiles.default]' + eol + body };
  }
  let end = header + 1;
  while (end < count && !HEADER.test(lines[end]!)) end++;
  // After the table's last key line: comments and blank lines just above the next header belong to that header.
  let last = header;
  for (let i = header + 1; i < end; i++) {
    const t = lines[i]!.trim();
    if (t !== '' && !t.startsWith('#')) last = i;
  }
  const atEof = last + 1 >= count && !text.endsWith('\n');
  return { line: last + 1, text: (atEof ? eol : '') + body };
}

/** Applies an insertion to text; the same arithmetic the WorkspaceEdit performs, for previews and tests. */
export function applyInsertion(text: string, ins: Insertion): string {
  const lines = text.split(/(?<=\n)/);
  const offset = lines.slice(0, ins.line).reduce((n, l) => n + l.length, 0);
  return text.slice(0, offset) + ins.text + text.slice(offset);
}
