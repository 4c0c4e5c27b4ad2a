// Quick fixes, built from each diagnostic's `code` and `data` (the TOML path
// of its anchor plus what the rule recorded), never by re-validating.
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver/node';
import type { SourceMap } from '../manifest/locate';
import { SECRET_TYPES } from '../manifest/model';
import { pathKey, type PathSegment, type TomlPath } from '../manifest/path';
import { suggest } from '../manifest/suggest';
import { isValidSecretName } from '../rules/secrets';
import type { Analysis } from '../manifest/analysis';
import { addField, appendToTable, removeEntry, replaceSpan, setStringContent, toTextEdit, tomlString, type OffsetEdit } from './edits';
import { keySpans } from './occurrences';
import { rename } from './rename';

interface Fix {
  title: string;
  edits: OffsetEdit[];
  preferred?: boolean;
}

/** Spec-issue codes whose `data.replacement` is a whole provider spec (string content, not TOML). */
const SPEC_REPLACEMENT_CODES = new Set([
  'invalid-scheme-1password',
  'file-without-path',
  'unknown-provider',
  'invalid-provider-uri',
  'plugin-not-installed',
  'address-in-provider-uri',
  'file-host-lowercased',
  'uri-missing-path',
  'uri-path-ignored',
]);

/** `API_KEY` → `Api key`: a placeholder description that is never empty. */
export function describeName(name: string): string {
  const words = name.split(/[_\s-]+/).filter(Boolean).map((w) => w.toLowerCase());
  const text = words.join(' ') || name;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function asPath(v: unknown): TomlPath | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string' || typeof s === 'number') ? (v as PathSegment[]) : undefined;
}

/** Whether the diagnostic's anchor lives in this document (not in an `extends` parent). */
function anchoredHere(map: SourceMap, path: TomlPath, d: Diagnostic): boolean {
  const node = map.get(path);
  if (!node) return path.length === 0;
  const spans = [node.key, node.value, node.header].filter((s) => s !== undefined);
  const start = map.offsetAt(d.range.start.line, d.range.start.character);
  const end = map.offsetAt(d.range.end.line, d.range.end.character);
  return spans.some((s) => s.start <= end && start <= s.end);
}

function projectNameFor(uri: string): string {
  try {
    return basename(dirname(fileURLToPath(uri))) || 'app';
  } catch {
    return 'app';
  }
}

const EXPECTS: Record<string, ReadonlyArray<'string' | 'array' | 'boolean' | 'table' | 'number'>> = {
  providers: ['array'], extends: ['array'], fallback: ['array'], secrets: ['array'],
  as_path: ['boolean'], prompt: ['boolean'], inherit: ['boolean'],
  required: ['boolean', 'table'], generate: ['boolean', 'table'], require_reason: ['boolean', 'string'],
  ref: ['table'], refs: ['table'], extract: ['table'], cache: ['table'], credentials: ['table'],
  length: ['number'], bytes: ['number'], bits: ['number'],
};

/** Whether a written value suits the field a key is renamed to: as is, wrapped in `[ ]`, or not at all. */
function valueFit(raw: string, field: string): 'ok' | 'wrap' | 'no' {
  const want = EXPECTS[field] ?? ['string'];
  const c = raw[0];
  const kind = c === '"' || c === "'" ? 'string' : c === '[' ? 'array' : c === '{' ? 'table' : raw === 'true' || raw === 'false' ? 'boolean' : 'number';
  if (want.includes(kind)) return 'ok';
  return want.includes('array') && kind === 'string' ? 'wrap' : 'no';
}

/** Renaming the key at `path` would define something that already exists. */
function renameCollides(map: SourceMap, path: TomlPath, to: string): boolean {
  const depth = path.length;
  const prefix = pathKey(path);
  return map.all().some(
    (n) =>
      n.path.length >= depth &&
      n.kind !== 'implicit' &&
      pathKey(n.path.slice(0, depth)) === prefix &&
      map.get([...path.slice(0, -1), to, ...n.path.slice(depth)]) !== undefined,
  );
}

function declareSecret(map: SourceMap, profile: string, name: string): Fix | undefined {
  const line = `${name} = { description = ${tomlString(describeName(name))} }`;
  const edit = appendToTable(map, ['profiles', profile], line, `[profiles.${/^[A-Za-z0-9_-]+$/.test(profile) ? profile : tomlString(profile)}]`);
  return edit && { title: `Declare '${name}' in [profiles.${profile}]`, edits: [edit], preferred: true };
}

function declareAlias(map: SourceMap, alias: string): Fix | undefined {
  const key = /^[A-Za-z0-9_-]+$/.test(alias) ? alias : tomlString(alias);
  const firstHeader = map.tables()[0]?.header?.start;
  const before = map.get(['providers']) ? undefined : map.tables().find((t) => t.path[0] === 'profiles')?.header?.start ?? firstHeader;
  const edit = appendToTable(map, ['providers'], `${key} = "keyring://"`, '[providers]', before);
  return edit && { title: `Add alias '${alias}' to [providers] (keyring://)`, edits: [edit], preferred: true };
}

/** The closest valid secret name: other characters become `_`, and a leading digit gets a `_` before it. */
function identifierFor(name: string): string {
  const cleaned = name.replace(/[^\p{L}\p{N}_]/gu, '_');
  return /^\p{N}/u.test(cleaned) || cleaned === '' ? `_${cleaned}` : cleaned;
}

/** A rename through every use, as the rename request does; nothing when that rename is refused (a clash, a composed name rule). */
function renameFix(map: SourceMap, uri: string, offset: number, to: string): Fix[] {
  let edit;
  try {
    edit = rename({ uri, map }, [], offset, to);
  } catch {
    return [];
  }
  const changes = edit?.changes?.[uri];
  if (!changes?.length) return [];
  const edits = changes.map((c) => ({ start: map.offsetAt(c.range.start.line, c.range.start.character), end: map.offsetAt(c.range.end.line, c.range.end.character), text: c.newText }));
  return [{ title: `Rename to '${to}' everywhere`, edits, preferred: true }];
}

function fixesFor(d: Diagnostic, analysis: Analysis, uri: string): Fix[] {
  const map = analysis.load.root.map;
  const data = (d.data ?? {}) as Record<string, unknown>;
  const path = asPath(data['path']);
  if (!path || !anchoredHere(map, path, d)) return [];
  const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : undefined);
  const one = (title: string, edit: OffsetEdit | undefined, preferred = true): Fix[] => (edit ? [{ title, edits: [edit], preferred }] : []);
  const parent = path.slice(0, -1);
  const last = path[path.length - 1];

  switch (d.code) {
    case 'missing-description': {
      const name = str('name') ?? String(last);
      return one(`Add a description to '${name}'`, addField(map, path, 'description', tomlString(describeName(name)), 'first'));
    }
    case 'empty-description':
      return one('Fill in the description', setStringContent(map, path, describeName(String(path[2] ?? 'secret'))));
    case 'required-with-default': {
      const req = asPath(data['required']);
      const def = asPath(data['default']);
      return [
        ...one('Make it optional: drop `required = true`', req && removeEntry(map, req)),
        ...one('Keep it required: drop `default`', def && removeEntry(map, def), false),
      ];
    }
    case 'extract-with-generate':
    case 'generate-with-default':
    case 'composed-conflict':
    case 'prompt-conflict':
      return one(`Remove \`${String(last)}\``, removeEntry(map, path));
    case 'ref-and-refs':
      return [
        ...one('Keep `refs`: remove the legacy `ref`', removeEntry(map, [...parent, 'ref'])),
        ...one('Keep `ref`: remove `refs`', removeEntry(map, path), false),
      ];
    case 'cached-alias-in-chain': {
      const list = map.get(parent)?.value;
      const element = map.get(path)?.value;
      if (!list || !element) return [];
      return one(`Use only '${str('alias') ?? String(last)}'`, replaceSpan(list, `[${map.text.slice(element.start, element.end)}]`));
    }
    case 'invalid-secret-name': {
      const name = str('name');
      const key = map.get(path)?.key;
      if (!name || !key) return [];
      const quoted = map.text[key.start] === '"' || map.text[key.start] === "'";
      return renameFix(map, uri, key.start + (quoted ? 1 : 0), identifierFor(name));
    }
    case 'prompt-not-required':
      return one('Remove `required` (prompted secrets are required)', removeEntry(map, path));
    case 'generate-requires-type': {
      const gen = map.get(path);
      const genText = gen?.value ? map.text.slice(gen.value.start, gen.value.end) : '';
      const type = /\bcommand\s*=/.test(genText) ? 'command' : 'password';
      return one(`Add \`type = "${type}"\``, addField(map, parent, 'type', `"${type}"`, { after: path }));
    }
    case 'ignored-key':
    case 'unknown-field':
    case 'ignored-table': {
      const suggestion = str('suggestion');
      if (!suggestion || renameCollides(map, path, suggestion)) return [];
      const spans = d.code === 'ignored-table' ? (keySpans(map).get(String(last)) ?? []) : [map.get(path)?.key].filter((s) => s !== undefined);
      if (!spans.length) return [];
      const key = /^[A-Za-z0-9_-]+$/.test(suggestion) ? suggestion : tomlString(suggestion);
      const edits = spans.map((s) => replaceSpan(s, key));
      const value = map.get(path)?.value;
      if (d.code !== 'ignored-table' && value) {
        const fit = valueFit(map.text.slice(value.start, value.end), suggestion);
        if (fit === 'no') return [];
        if (fit === 'wrap') edits.push({ start: value.start, end: value.start, text: '[' }, { start: value.end, end: value.end, text: ']' });
      }
      return [{ title: `Rename to \`${suggestion}\``, edits, preferred: true }];
    }
    case 'ref-not-table':
    case 'unsupported-revision': {
      const replacement = str('replacement');
      const node = map.get(path);
      if (!replacement || !node?.value) return [];
      return one(`Replace with \`${replacement}\``, replaceSpan(node.value, replacement));
    }
    case 'invalid-encoding': {
      const s = str('suggestion');
      return s ? one(`Change to "${s}"`, setStringContent(map, path, s)) : [];
    }
    case 'unknown-secret-type': {
      const s = suggest(str('type') ?? '', SECRET_TYPES);
      return s ? one(`Change to "${s}"`, setStringContent(map, path, s)) : [];
    }
    case 'missing-field': {
      const field = str('field');
      if (field === 'revision' && path.length === 1 && path[0] === 'project') return one('Add `revision = "1.0"`', addField(map, path, 'revision', '"1.0"'));
      if (field === 'name' && path.length === 1 && path[0] === 'project') {
        return one('Add the project name', addField(map, path, 'name', tomlString(projectNameFor(uri)), 'first'));
      }
      if (field === 'project' && path.length === 0) {
        const at = map.tables()[0]?.header?.start ?? map.text.length;
        const nl = map.text.includes('\r\n') ? '\r\n' : '\n';
        const block = `[project]${nl}name = ${tomlString(projectNameFor(uri))}${nl}revision = "1.0"${nl}${nl}`;
        return one('Add a [project] table', { start: at, end: at, text: block });
      }
      return [];
    }
    case 'empty-project-name':
      return one('Use the directory name', setStringContent(map, path, projectNameFor(uri)));
    case 'composed-unknown-reference': {
      const ref = str('reference');
      const profile = str('profile');
      const fix = ref && profile ? declareSecret(map, profile, ref) : undefined;
      return fix ? [fix] : [];
    }
    case 'scope-unknown-secret': {
      const name = str('name');
      if (!name || !isValidSecretName(name)) return [];
      const profiles = [...(analysis.load.rootDoc?.profiles.keys() ?? [])];
      const profile = profiles.includes('default') ? 'default' : profiles[0];
      const fix = profile ? declareSecret(map, profile, name) : undefined;
      return fix ? [fix] : [];
    }
    case 'undefined-alias':
    case 'refs-undefined-alias': {
      const alias = str('alias');
      if (!alias || alias.trim() === '') return [];
      const fixes: Fix[] = [];
      const known = [...(analysis.load.merged?.providers.keys() ?? [])];
      const close = suggest(alias, known);
      if (close && d.code === 'undefined-alias') fixes.push(...one(`Change to '${close}'`, setStringContent(map, path, close)));
      else if (close) {
        const key = map.get(path)?.key;
        if (key) fixes.push(...one(`Change to '${close}'`, replaceSpan(key, close)));
      }
      const add = declareAlias(map, alias);
      if (add) fixes.push({ ...add, preferred: !close });
      return fixes;
    }
  }
  if (SPEC_REPLACEMENT_CODES.has(String(d.code))) {
    const replacement = str('replacement');
    return replacement ? one(`Change to '${replacement}'`, setStringContent(map, path, replacement)) : [];
  }
  return [];
}

/**
 * A missing secret is fixed by giving it a value, which only the client can
 * ask for: its Set and Import commands, each given the shape of the Secrets
 * view's row it would be run from (`uri` as a string). A composition has no
 * value of its own, so it gets Import only.
 */
function presenceActions(d: Diagnostic, analysis: Analysis, uri: string): CodeAction[] {
  const data = (d.data ?? {}) as Record<string, unknown>;
  const name = data['name'];
  const profiles = Array.isArray(data['profiles']) ? data['profiles'].filter((p): p is string => typeof p === 'string') : [];
  if (typeof name !== 'string') return [];
  const action = (title: string, command: string, argument: unknown): CodeAction => ({ title, kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title, command, arguments: [argument] } });
  const composed = (profile: string) => analysis.validation.profiles?.get(profile)?.secrets.get(name)?.fields.composed !== undefined;
  return [
    ...profiles.filter((p) => !composed(p)).map((profile) => action(`Set ${name} in profile ${profile}…`, 'secretspec.setValue', { kind: 'secret', uri, profile, row: { name } })),
    ...profiles.map((profile) => action(`Import secrets into profile ${profile}…`, 'secretspec.import', { kind: 'profile', uri, row: { profile } })),
  ];
}

export function codeActions(analysis: Analysis, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const map = analysis.load.root.map;
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== 'secretspec') continue;
    if (d.code === 'missing-required-secret') {
      out.push(...presenceActions(d, analysis, uri));
      continue;
    }
    for (const fix of fixesFor(d, analysis, uri)) {
      out.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        ...(fix.preferred ? { isPreferred: true } : {}),
        edit: { changes: { [uri]: fix.edits.map((e) => toTextEdit(map, e)) } },
      });
    }
  }
  return out;
}
