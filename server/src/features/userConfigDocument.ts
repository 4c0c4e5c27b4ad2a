// The user's SecretSpec config opened as a document: diagnostics, completion
// and hover. Its `[defaults.providers]` entries are the manifest's alias
// shapes, so alias keys and specs reuse the manifest's readers, rules, docs
// and hovers with the path read as if it were `[providers]`. Pure.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Diagnostic, type Hover, type Range } from 'vscode-languageserver/node';
import type { LoadResult } from '../manifest/load';
import type { Span } from '../manifest/locate';
import type { MergedManifest } from '../manifest/model';
import { pathKey, type TomlPath } from '../manifest/path';
import { classifySpec } from '../providers/specs';
import { redactSpec } from '../providers/uri';
import { checkProviderSpec } from '../providers/validate';
import type { Problem } from '../manifest/problem';
import { checkProviders, type ProviderEnvironment } from '../rules/providers';
import { Reporter } from '../rules/report';
import type { UserConfig } from '../userConfig/parse';
import { cursorContext, type CursorContext } from './cursor';
import { toDiagnostic } from './diagnostics';
import { keyDocMarkdown, keyDocsFor, type KeyDoc } from './docs';
import { schemeItems } from './completion';
import { specHover, type HoverEnv } from './hover';
import { keySpans, specRole, stringContent } from './occurrences';

const ALIASES: TomlPath = ['defaults', 'providers'];

const DEFAULTS_DOCS: Record<string, KeyDoc> = {
  provider: {
    doc: 'The provider for secrets that have no `providers` chain (an alias, a provider name or a URI). `SECRETSPEC_PROVIDER` overrides it, and every chain too.',
    snippet: '"${1:keyring}"',
  },
  profile: { doc: 'The profile used when none is chosen. `SECRETSPEC_PROFILE` overrides it; without either, `default`.', snippet: '"${1:development}"' },
  providers: {
    doc: 'Your own provider aliases, usable from every project: the same shapes as a manifest\'s `[providers]`. A project alias of the same name wins.',
    snippet: '{ ${1:name} = "${2:keyring://}" }',
  },
};

const AUDIT_DOCS: Record<string, KeyDoc> = {
  enabled: { doc: 'Record secret access (never values) in a local JSON Lines log. On unless set to `false`.', snippet: '${1|false,true|}', values: ['true', 'false'] },
  path: { doc: 'Where the audit log goes; must be absolute (a leading `~` is expanded). Default: `~/.local/state/secretspec/audit.log`.', snippet: '"${1:~/.local/state/secretspec/audit.log}"' },
  max_size_bytes: { doc: 'Size at which the log is truncated and restarted (default 1 MiB).', snippet: '${1:1048576}' },
};

const TABLE_DOCS: Record<string, string> = {
  defaults: 'Your defaults for every project: `provider`, `profile`, and provider aliases in `[defaults.providers]`.',
  'defaults.providers': 'Your own provider aliases, usable from every project; a project alias of the same name wins.',
  audit: 'Audit logging of secret access on this machine: `enabled`, `path`, `max_size_bytes`.',
};

/** An alias path of the user config read as the manifest's `[providers]` path, for the manifest's docs and spec roles. */
function asManifestPath(path: TomlPath): TomlPath | undefined {
  return path[0] === ALIASES[0] && path[1] === ALIASES[1] && path.length > 2 ? ['providers', ...path.slice(2)] : undefined;
}

/** The user's aliases as the only aliases of a manifest, so the manifest's alias rules and hovers apply to them. */
function aliasesOnly(config: UserConfig): MergedManifest {
  return { project: {}, profiles: new Map(), providers: config.aliases, scopes: new Map(), files: [config.path] };
}

function documentLoad(config: UserConfig): LoadResult {
  return { root: config.parsed, problems: [], parents: [], files: new Map(), entryFor: new Map() };
}

export function userConfigDiagnostics(config: UserConfig, env: ProviderEnvironment): Diagnostic[] {
  const problems: Problem[] = [...config.problems];
  if (!config.parsed.syntax) {
    const r = new Reporter();
    checkProviders(aliasesOnly(config), { ...(env.pluginInstalled ? { pluginInstalled: env.pluginInstalled } : {}) }, r);
    const provider = config.provider;
    if (provider) {
      const c = classifySpec(provider.value, new Set(config.aliases.keys()));
      if (c.kind === 'undefined-alias') {
        // It may name a project's alias: SecretSpec looks the default provider up in the project's `[providers]` first.
        r.info(
          'default-provider-not-here',
          `'${redactSpec(provider.value)}' is neither one of your [defaults.providers] nor a provider name, so it works only in projects whose [providers] define it`,
          provider.at,
          'value',
        );
      } else if (c.kind !== 'alias' && c.kind !== 'cached-alias') {
        for (const issue of checkProviderSpec(provider.value, env.pluginInstalled ? { pluginInstalled: env.pluginInstalled } : {})) {
          r.add(issue.severity, issue.code, issue.message, provider.at, 'value', issue.data ? { data: issue.data } : {});
        }
      }
    }
    problems.push(...r.problems);
  }
  const load = documentLoad(config);
  return problems.map((p) => toDiagnostic(p, load));
}

export interface UserConfigCompletionEnv {
  pluginSchemes(): string[];
}

export function userConfigCompletions(config: UserConfig, offset: number, env: UserConfigCompletionEnv): CompletionItem[] {
  const map = config.parsed.map;
  const ctx = cursorContext(map.text, offset);
  const range = (start: number, end: number): Range => ({ start: map.positionAt(start), end: map.positionAt(end) });
  if (ctx.kind === 'header') {
    return Object.entries(TABLE_DOCS)
      .filter(([name]) => !map.get(name.split('.'))?.header)
      .map(([name, doc]) => ({
        label: name,
        kind: CompletionItemKind.Module,
        documentation: { kind: MarkupKind.Markdown, value: doc },
        textEdit: { range: range(ctx.start, ctx.end), newText: ctx.closed ? name : `${name}]` },
      }));
  }
  if (ctx.kind === 'key') return keyItems(config, ctx, range(ctx.start, ctx.end));
  if (ctx.kind === 'value') return valueItems(config, ctx, env, range(ctx.start, ctx.end));
  return [];
}

function keyItems(config: UserConfig, ctx: Extract<CursorContext, { kind: 'key' }>, range: Range): CompletionItem[] {
  const c = ctx.container;
  const present = new Set(config.parsed.map.children(c).filter((n) => n.key?.start !== ctx.start).map((n) => String(n.path[c.length])));
  if (pathKey(c) === pathKey(ALIASES)) {
    return [
      { label: 'alias = "uri"', kind: CompletionItemKind.Snippet, textEdit: { range, newText: '${1:name} = "${2:keyring://}"' }, insertTextFormat: InsertTextFormat.Snippet },
      {
        label: 'alias = { uri, credentials }',
        kind: CompletionItemKind.Snippet,
        textEdit: { range, newText: '${1:name} = { uri = "$2", credentials = { $3 } }' },
        insertTextFormat: InsertTextFormat.Snippet,
      },
      {
        label: 'alias = { fallback, cache }',
        kind: CompletionItemKind.Snippet,
        textEdit: { range, newText: '${1:name} = { fallback = ["$2"], cache = { provider = "${3:keyring://}", max_age = "${4:8h}" } }' },
        insertTextFormat: InsertTextFormat.Snippet,
      },
    ];
  }
  const manifestPath = asManifestPath(c);
  const docs = c.length === 1 && c[0] === 'defaults' ? DEFAULTS_DOCS : c.length === 1 && c[0] === 'audit' ? AUDIT_DOCS : manifestPath ? keyDocsFor(manifestPath) : undefined;
  if (!docs) return [];
  return Object.entries(docs)
    .filter(([key]) => !present.has(key))
    .map(([key, d], i) => ({
      label: key,
      kind: CompletionItemKind.Property,
      documentation: { kind: MarkupKind.Markdown, value: keyDocMarkdown(key, d) },
      textEdit: { range, newText: `${key} = ${d.snippet}` },
      insertTextFormat: InsertTextFormat.Snippet,
      sortText: `${i}`.padStart(2, '0'),
    }));
}

function valueItems(config: UserConfig, ctx: Extract<CursorContext, { kind: 'value' }>, env: UserConfigCompletionEnv, range: Range): CompletionItem[] {
  const p = ctx.path;
  const wrap = (s: string) => (ctx.inString ? s : `"${s}"`);
  if (pathKey(p) === pathKey(['audit', 'enabled']) && !ctx.inString) {
    return ['true', 'false'].map((v) => ({ label: v, kind: CompletionItemKind.Keyword, textEdit: { range, newText: v } }));
  }
  const isDefaultProvider = pathKey(p) === pathKey(['defaults', 'provider']);
  const manifestPath = asManifestPath(p);
  const role = isDefaultProvider ? 'chain' : manifestPath ? specRole(manifestPath) : undefined;
  if (!role) return [];
  const items: CompletionItem[] = [];
  if (role !== 'uri') {
    for (const [name, alias] of config.aliases) {
      if (name === p[2]) continue;
      items.push({
        label: name,
        kind: CompletionItemKind.Reference,
        detail: alias.uri ? 'your alias' : 'your cached alias',
        textEdit: { range, newText: wrap(name) },
        ...(ctx.inString ? {} : { filterText: `"${name}"` }),
        sortText: `0${name}`,
      });
    }
  }
  items.push(...schemeItems(ctx, range, env.pluginSchemes()));
  return items;
}

export function userConfigHover(config: UserConfig, offset: number, env: HoverEnv): Hover | null {
  const map = config.parsed.map;
  const md = (value: string, s: Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: { start: map.positionAt(s.start), end: map.positionAt(s.end) } });
  const manifest = aliasesOnly(config);
  for (const [k, spans] of keySpans(map)) {
    const s = spans.find((sp) => sp.start <= offset && offset < sp.end);
    if (!s) continue;
    const node = map.all().find((n) => pathKey(n.path) === k);
    const text = node && keyHover(node.path, manifest, env);
    if (text) return md(text, s);
  }
  for (const node of map.all()) {
    if (node.kind !== 'scalar' || !node.value || offset < node.value.start || offset > node.value.end) continue;
    const manifestPath = asManifestPath(node.path);
    const isSpec = pathKey(node.path) === pathKey(['defaults', 'provider']) || (manifestPath !== undefined && specRole(manifestPath) !== undefined);
    const content = isSpec ? stringContent(map, node.path) : undefined;
    if (content) return md(specHover(manifest, map.text.slice(content.start, content.end), env), content);
  }
  return null;
}

function keyHover(path: TomlPath, manifest: MergedManifest, env: HoverEnv): string | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  const table = TABLE_DOCS[path.join('.')];
  if (table) return `**\`[${path.join('.')}]\`**\n\n${table}`;
  const parent = path.slice(0, -1).join('.');
  const own = parent === 'defaults' ? DEFAULTS_DOCS[last] : parent === 'audit' ? AUDIT_DOCS[last] : undefined;
  if (own) return keyDocMarkdown(last, own);
  const manifestPath = asManifestPath(path);
  if (!manifestPath) return undefined;
  // An alias name: what it stands for, as a project alias would show it.
  if (manifestPath.length === 2) return specHover(manifest, last, env);
  const doc = keyDocsFor(manifestPath.slice(0, -1))?.[last];
  return doc && keyDocMarkdown(last, doc);
}
