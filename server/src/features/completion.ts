// Completion at a cursor: table headers, the keys a table still lacks,
// field values, provider specs, `${` references, scope entries, `refs` keys
// and `extends` directories. Pure: the caller supplies the filesystem facts.
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Range,
} from 'vscode-languageserver/node';
import type { SourceMap } from '../manifest/locate';
import type { AliasModel } from '../manifest/model';
import type { TomlPath } from '../manifest/path';
import { builtinProvider, BUILTIN_SCHEMES } from '../providers/registry';
import { redactSpec, splitSpec } from '../providers/uri';
import { cursorContext, type CursorContext } from './cursor';
import type { Analysis } from '../manifest/analysis';
import { keyDocMarkdown, keyDocsFor, ROOT_TABLE_DOCS, SECRET_FIELD_DOCS, type KeyDoc } from './docs';
import { specRole, type SpecRole } from './occurrences';

export interface CompletionEnv {
  /** Plugin schemes installed on PATH. */
  pluginSchemes(): string[];
  /** Relative directories holding a `secretspec.toml`, for `extends`. */
  manifestDirs(): string[];
  /** The user config's `[defaults.providers]`, which the manifest can name too. */
  userAliases?(): ReadonlyMap<string, AliasModel>;
}

interface Facts {
  map: SourceMap;
  /** Profiles written in this document or known from the last complete analysis. */
  profiles: string[];
  /** Secrets per profile as written, plus those inherited (last complete analysis). */
  secretsOf(profile: string): string[];
  allSecrets(): string[];
  aliases: Map<string, AliasModel | undefined>;
}

const escapeSnippet = (s: string) => s.replace(/[$}\\]/g, (c) => `\\${c}`);
const bareKey = (s: string) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s));

// What completion knows of a manifest does not change between requests on one
// version: it is gathered once (a pass over every node), and each profile's
// sorted names once, rather than per request on a manifest that may be huge.
const factsCache = new WeakMap<Analysis, { complete: Analysis | undefined; userAliases: ReadonlyMap<string, AliasModel> | undefined; facts: Facts }>();

function factsFor(analysis: Analysis, complete: Analysis | undefined, userAliases: ReadonlyMap<string, AliasModel> | undefined): Facts {
  const cached = factsCache.get(analysis);
  if (cached && cached.complete === complete && cached.userAliases === userAliases) return cached.facts;
  const f = facts(analysis, complete, userAliases);
  factsCache.set(analysis, { complete, userAliases, facts: f });
  return f;
}

function facts(analysis: Analysis, complete: Analysis | undefined, userAliases: ReadonlyMap<string, AliasModel> | undefined): Facts {
  const map = analysis.load.root.map;
  const written = new Map<string, Set<string>>();
  for (const n of map.all()) {
    const [root, p, s] = n.path;
    if (root !== 'profiles' || typeof p !== 'string') continue;
    const set = written.get(p) ?? new Set<string>();
    written.set(p, set);
    if (n.path.length === 3 && typeof s === 'string' && s !== 'defaults') set.add(s);
  }
  const effective = complete?.validation.profiles;
  const profiles = new Set([...written.keys(), ...(effective?.keys() ?? [])]);
  const aliases = new Map<string, AliasModel | undefined>();
  for (const [name, a] of complete?.load.merged?.providers ?? []) aliases.set(name, a);
  for (const n of map.all()) if (n.path[0] === 'providers' && n.path.length === 2 && typeof n.path[1] === 'string' && !aliases.has(n.path[1])) aliases.set(n.path[1], undefined);
  // The project's own aliases shadow the user's of the same name.
  for (const [name, a] of userAliases ?? []) if (!aliases.has(name)) aliases.set(name, a);
  const sortedOf = new Map<string, string[]>();
  const secretsOf = (p: string) => {
    let sorted = sortedOf.get(p);
    if (sorted) return sorted;
    const names = new Set(written.get(p) ?? []);
    for (const n of effective?.get(p)?.secrets.keys() ?? []) names.add(n);
    if (p !== 'default' && !effective?.get(p)) for (const n of written.get('default') ?? []) names.add(n);
    sortedOf.set(p, (sorted = [...names].sort()));
    return sorted;
  };
  let all: string[] | undefined;
  return {
    map,
    profiles: [...profiles].sort(),
    secretsOf,
    allSecrets: () => (all ??= [...new Set([...profiles].flatMap(secretsOf))].sort()),
    aliases,
  };
}

export function completions(analysis: Analysis, complete: Analysis | undefined, offset: number, env: CompletionEnv): CompletionItem[] {
  const text = analysis.load.root.text;
  const f = factsFor(analysis, complete, env.userAliases?.());
  const ctx = contextAt(f.map, text, offset);
  const range = (start: number, end: number): Range => ({ start: f.map.positionAt(start), end: f.map.positionAt(end) });
  switch (ctx.kind) {
    case 'header':
      return headerItems(f, ctx, range(ctx.start, ctx.end));
    case 'key':
      return keyItems(f, ctx, range(ctx.start, ctx.end));
    case 'value':
      return valueItems(f, ctx, env, range);
    default:
      return [];
  }
}

/**
 * The cursor's context, read from the last table header before its line
 * rather than from the start of the text: a header begins at the top level,
 * and the source map knows where the headers are.
 */
function contextAt(map: SourceMap, text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let base = 0;
  for (const table of map.tables()) {
    const header = table.header;
    if (header && header.end <= lineStart && header.start > base && text.startsWith('[', header.start)) base = header.start;
  }
  if (base === 0) return cursorContext(text, offset);
  const ctx = cursorContext(text.slice(base), offset - base);
  return ctx.kind === 'none' ? ctx : { ...ctx, start: ctx.start + base, end: ctx.end + base };
}

function written(map: SourceMap, path: TomlPath, exceptAt?: number): Set<string> {
  return new Set(
    map
      .children(path)
      .filter((c) => c.key?.start !== exceptAt)
      .map((c) => String(c.path[path.length])),
  );
}

function headerItems(f: Facts, ctx: Extract<CursorContext, { kind: 'header' }>, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  const hasHeader = (path: TomlPath) => !!f.map.get(path)?.header;
  const close = ctx.closed ? '' : ']';
  const add = (label: string, doc: string, snippet?: string) =>
    items.push({
      label,
      kind: CompletionItemKind.Module,
      documentation: { kind: MarkupKind.Markdown, value: doc },
      textEdit: { range, newText: (snippet ?? escapeSnippet(label)) + close },
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: `${items.length}`.padStart(3, '0'),
    });
  if (!hasHeader(['project'])) add('project', ROOT_TABLE_DOCS['project']!);
  if (!hasHeader(['defaults'])) add('defaults', ROOT_TABLE_DOCS['defaults']!);
  if (!hasHeader(['providers'])) add('providers', ROOT_TABLE_DOCS['providers']!);
  const profiles = new Set(f.profiles);
  profiles.add('default');
  for (const p of [...profiles].sort((a, b) => (a === 'default' ? -1 : b === 'default' ? 1 : a < b ? -1 : 1))) {
    const key = `profiles.${bareKey(p)}`;
    if (!hasHeader(['profiles', p])) add(key, p === 'default' ? 'The base profile every other profile inherits from.' : `Secrets of profile \`${p}\`.`);
  }
  add('profiles.<name>', 'A new profile: its secrets inherit from `[profiles.default]`.', 'profiles.${1:production}');
  for (const p of f.profiles) {
    if (!hasHeader(['profiles', p, 'defaults'])) add(`profiles.${bareKey(p)}.defaults`, `Defaults for every secret of profile \`${p}\`: \`required\`, \`default\`, \`providers\`, \`inherit\`.`);
  }
  add('scopes.<name>', ROOT_TABLE_DOCS['scopes']!, 'scopes.${1:name}');
  return items;
}

function keyItem(key: string, d: KeyDoc, range: Range, sort: string): CompletionItem {
  return {
    label: key,
    kind: CompletionItemKind.Property,
    detail: d.since ? `since ${d.since}` : undefined,
    documentation: { kind: MarkupKind.Markdown, value: keyDocMarkdown(key, d) },
    textEdit: { range, newText: `${key} = ${d.snippet}` },
    insertTextFormat: InsertTextFormat.Snippet,
    sortText: sort,
  };
}

function keyItems(f: Facts, ctx: Extract<CursorContext, { kind: 'key' }>, range: Range): CompletionItem[] {
  const c = ctx.container;
  const present = written(f.map, c, ctx.start);
  const items: CompletionItem[] = [];
  if (c[0] === 'profiles' && c.length === 2 && typeof c[1] === 'string') {
    const profile = c[1];
    items.push({
      label: 'API_KEY',
      kind: CompletionItemKind.Snippet,
      detail: 'new secret',
      documentation: { kind: MarkupKind.Markdown, value: 'Declare a secret with a description; `required` defaults to `true`.' },
      textEdit: { range, newText: '${1:API_KEY} = { description = "$2", required = ${3|true,false|} }' },
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: '1',
    });
    for (const name of f.allSecrets()) {
      if (present.has(name)) continue;
      items.push({
        label: name,
        kind: CompletionItemKind.Variable,
        detail: profile === 'default' ? 'declared in another profile' : 'redeclare for this profile',
        textEdit: { range, newText: `${bareKey(name)} = { $1 }` },
        insertTextFormat: InsertTextFormat.Snippet,
        sortText: `0${name}`,
      });
    }
    return items;
  }
  if (c[0] === 'profiles' && c.length === 4 && c[3] === 'refs') {
    for (const [name, alias] of f.aliases) {
      if (present.has(name) || (alias && (alias.kind === 'cached-fallback' || alias.kind === 'inline-cached'))) continue;
      items.push({
        label: name,
        kind: CompletionItemKind.Reference,
        detail: alias?.uri ? redactSpec(alias.uri.value) : 'provider alias',
        textEdit: { range, newText: `${bareKey(name)} = { item = "$1" }` },
        insertTextFormat: InsertTextFormat.Snippet,
      });
    }
    return items;
  }
  if (c[0] === 'providers' && c.length === 1) {
    for (const [label, newText, doc] of ALIAS_SNIPPETS) {
      items.push({ label, kind: CompletionItemKind.Snippet, textEdit: { range, newText }, insertTextFormat: InsertTextFormat.Snippet, documentation: { kind: MarkupKind.Markdown, value: doc } });
    }
    return items;
  }
  if (c[0] === 'providers' && c.length === 3 && c[2] === 'credentials' && typeof c[1] === 'string') {
    const uri = f.aliases.get(c[1])?.uri?.value;
    const provider = uri ? builtinProvider(splitSpec(uri).scheme) : undefined;
    for (const name of provider?.credentialNames ?? []) {
      if (present.has(name)) continue;
      items.push({ label: name, kind: CompletionItemKind.Property, detail: `${provider!.name} credential`, textEdit: { range, newText: `${name} = "$1"` }, insertTextFormat: InsertTextFormat.Snippet });
    }
    return items;
  }
  const docs = keyDocsFor(c);
  if (!docs) return [];
  Object.entries(docs).forEach(([key, d], i) => {
    if (!present.has(key)) items.push(keyItem(key, d, range, `${i}`.padStart(2, '0')));
  });
  return items;
}

const COMPOSED_REF = /\$\{([A-Za-z0-9_]*)$/;

function valueItems(f: Facts, ctx: Extract<CursorContext, { kind: 'value' }>, env: CompletionEnv, range: (s: number, e: number) => Range): CompletionItem[] {
  const p = ctx.path;
  const role = specRole(p);
  if (role) return specItems(f, ctx, role, env, range(ctx.start, ctx.end));
  const [root, a, b, c] = p;
  if (root === 'profiles' && p.length === 4 && c === 'composed' && ctx.inString) {
    const m = COMPOSED_REF.exec(ctx.typed);
    if (!m) return [];
    const start = ctx.start + ctx.typed.length - m[1]!.length;
    const text = f.map.text;
    let end = ctx.start + ctx.typed.length;
    while (end < ctx.end && /[A-Za-z0-9_]/.test(text[end]!)) end++;
    const closed = text[end] === '}';
    return f
      .secretsOf(String(a))
      .filter((n) => n !== b)
      .map((name) => ({
        label: name,
        kind: CompletionItemKind.Variable,
        detail: `secret of profile ${String(a)}`,
        textEdit: { range: range(start, end), newText: closed ? name : `${name}}` },
      }));
  }
  if (root === 'scopes' && p.length === 4 && b === 'secrets' && typeof c === 'number') {
    return f.allSecrets().map((name) => stringValue(name, ctx, range(ctx.start, ctx.end), CompletionItemKind.Variable, 'declared secret'));
  }
  if (root === 'project' && b === undefined && a === 'revision') return [stringValue('1.0', ctx, range(ctx.start, ctx.end), CompletionItemKind.Value)];
  if (root === 'project' && a === 'extends' && typeof b === 'number') {
    return env.manifestDirs().map((dir) => stringValue(dir, ctx, range(ctx.start, ctx.end), CompletionItemKind.Folder, 'holds a secretspec.toml'));
  }
  let values: readonly string[] | undefined;
  const last = p[p.length - 1];
  if (typeof last === 'string') {
    const docs = keyDocsFor(p.slice(0, -1));
    values = docs?.[last]?.values;
    if (root === 'profiles' && p.length === 4 && SECRET_FIELD_DOCS[last]) values = SECRET_FIELD_DOCS[last]!.values;
  }
  if (!values) return [];
  return values
    .filter((v) => !v.startsWith('{'))
    .flatMap((v) => {
      const isString = v.startsWith('"');
      if (ctx.inString && !isString) return [];
      const label = isString ? v.slice(1, -1) : v;
      return [isString ? stringValue(label, ctx, range(ctx.start, ctx.end), CompletionItemKind.EnumMember) : rawValue(label, range(ctx.start, ctx.end))];
    });
}

function stringValue(value: string, ctx: Extract<CursorContext, { kind: 'value' }>, range: Range, kind: CompletionItemKind, detail?: string): CompletionItem {
  return {
    label: value,
    kind,
    ...(detail ? { detail } : {}),
    textEdit: { range, newText: ctx.inString ? value : JSON.stringify(value) },
    ...(ctx.inString ? {} : { filterText: JSON.stringify(value) }),
  };
}

function rawValue(value: string, range: Range): CompletionItem {
  return { label: value, kind: value === 'true' || value === 'false' ? CompletionItemKind.Keyword : CompletionItemKind.Value, textEdit: { range, newText: value } };
}

function specItems(f: Facts, ctx: Extract<CursorContext, { kind: 'value' }>, role: SpecRole, env: CompletionEnv, range: Range): CompletionItem[] {
  const items: CompletionItem[] = [];
  const wrap = (s: string) => (ctx.inString ? s : `"${s}"`);
  const self = ctx.path[0] === 'providers' ? ctx.path[1] : undefined;
  if (role !== 'uri') {
    for (const [name, alias] of f.aliases) {
      if (name === self) continue;
      items.push({
        label: name,
        kind: CompletionItemKind.Reference,
        // Credential-free: a user alias's URI comes from another file, never shown whole.
        detail: alias?.uri ? `alias → ${redactSpec(alias.uri.value)}` : 'provider alias',
        textEdit: { range, newText: wrap(escapeSnippet(name)) },
        insertTextFormat: InsertTextFormat.Snippet,
        ...(ctx.inString ? {} : { filterText: `"${name}"` }),
        sortText: `0${name}`,
      });
    }
  }
  items.push(...schemeItems(ctx, range, env.pluginSchemes()));
  return items;
}

/** The shapes of a new `[providers]` entry: label, snippet, documentation. */
const ALIAS_SNIPPETS: ReadonlyArray<readonly [string, string, string]> = [
  ['alias = "uri"', '${1:name} = "${2:keyring://}"', 'A provider alias: a short name for a provider URI.'],
  ['alias = { uri, cache }', '${1:name} = { uri = "$2", cache = { provider = "${3:keyring://}", max_age = "${4:8h}" } }', 'An alias whose values are cached in a deletable store.'],
];

export function capabilityText(p: { reads: boolean; writes: boolean; deletes: boolean; reflect: boolean }): string {
  const caps = [p.reads && 'read', p.writes && 'write', p.deletes && 'delete', p.reflect && 'reflect'].filter(Boolean);
  return caps.length ? caps.join(', ') : 'no operations';
}

/** Built-in schemes with their URI shapes, then plugin schemes found on PATH, wherever a provider spec is typed. */
export function schemeItems(ctx: Extract<CursorContext, { kind: 'value' }>, range: Range, pluginSchemes: readonly string[]): CompletionItem[] {
  const items: CompletionItem[] = [];
  const wrap = (s: string) => (ctx.inString ? s : `"${s}"`);
  for (const scheme of BUILTIN_SCHEMES) {
    const provider = builtinProvider(scheme)!;
    const shape = provider.shapes[scheme];
    if (!shape) continue;
    items.push({
      label: scheme,
      kind: CompletionItemKind.Module,
      detail: shape.shape,
      documentation: { kind: MarkupKind.Markdown, value: `Built-in provider \`${provider.name}\`: ${capabilityText(provider)}.` },
      textEdit: { range, newText: wrap(shape.snippet) },
      insertTextFormat: InsertTextFormat.Snippet,
      ...(ctx.inString ? {} : { filterText: `"${scheme}` }),
      sortText: `1${scheme}`,
    });
  }
  for (const scheme of pluginSchemes) {
    items.push({
      label: scheme,
      kind: CompletionItemKind.Module,
      detail: `plugin: secretspec-provider-${scheme}`,
      textEdit: { range, newText: wrap(`${scheme}://$1`) },
      insertTextFormat: InsertTextFormat.Snippet,
      ...(ctx.inString ? {} : { filterText: `"${scheme}` }),
      sortText: `2${scheme}`,
    });
  }
  return items;
}
