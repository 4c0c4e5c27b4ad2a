// Hovers: what a key means, how a secret is declared in every profile and
// where each provider keeps it, what a provider spec resolves to, and which
// plugin owns an `x-*` table. A hover never shows a value: defaults are
// reported as "set", URIs are redacted.
import { MarkupKind, type Hover } from 'vscode-languageserver/node';
import type { EffectiveSecret } from '../manifest/effective';
import type { Span } from '../manifest/locate';
import type { AliasModel, MergedManifest } from '../manifest/model';
import type { TomlPath } from '../manifest/path';
import { storageAddress } from '../providers/describe';
import { builtinProvider } from '../providers/registry';
import { classifySpec } from '../providers/specs';
import { redactSpec, splitSpec } from '../providers/uri';
import { ownerOf, schemesUsed } from '../rules/extensions';
import { capabilityText } from './completion';
import type { Analysis } from '../manifest/analysis';
import { keyDocMarkdown, keyDocsFor, ROOT_TABLE_DOCS } from './docs';
import { keyAt, nodesOnLine, occurrenceAt, occurrencesOnLine, SECRET_KINDS, specRole, stringContent } from './occurrences';
import { withUserAliases } from '../userConfig/defaults';
import { DEFAULT_ENGINE, formatVersion, type Engine } from '../engine/version';

export interface HoverEnv {
  pluginInstalled(scheme: string): boolean;
  /** What the plugin's `hello` advertised, once it has run (trusted workspaces only). */
  advertised?(scheme: string): readonly string[] | undefined;
  /** The SecretSpec release the manifest is checked against. */
  engine?: Engine;
  /** The user config's `[defaults.providers]`, which a manifest can name too. */
  userAliases?: ReadonlyMap<string, AliasModel>;
  /** How the last check answered a secret through the user's CLI, if it did. */
  viaCli?(profile: string, name: string): string | undefined;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

export function hover(analysis: Analysis, complete: Analysis | undefined, offset: number, env: HoverEnv): Hover | null {
  const map = analysis.load.root.map;
  // Only what is written on the cursor's line: a hover on a huge manifest reads a few nodes, not all of them.
  const occ = occurrenceAt(occurrencesOnLine(map, offset), offset);
  const model = complete ?? analysis;
  const aliasScope = model.load.merged && withUserAliases(model.load.merged, env.userAliases);
  const range = (s: Span) => ({ start: map.positionAt(s.start), end: map.positionAt(s.end) });
  const md = (value: string, s: Span): Hover => ({ contents: { kind: MarkupKind.Markdown, value }, range: range(s) });

  if (occ && SECRET_KINDS.has(occ.kind)) return md(secretHover(model, occ.name, env.viaCli), occ.span);
  if (occ && (occ.kind === 'alias-decl' || occ.kind === 'alias-use' || occ.kind === 'refs-key')) {
    return md(specHover(aliasScope, occ.name, env), occ.span);
  }
  const key = keyAt(map, offset);
  const text = key && keyHover(key.path, model, env.engine ?? DEFAULT_ENGINE);
  if (key && text) return md(text, key.span);
  for (const node of nodesOnLine(map, offset)) {
    if (node.kind !== 'scalar' || !node.value || offset < node.value.start || offset > node.value.end) continue;
    if (!specRole(node.path)) continue;
    const content = stringContent(map, node.path);
    if (!content) continue;
    return md(specHover(aliasScope, map.text.slice(content.start, content.end), env), content);
  }
  return null;
}

function keyHover(path: TomlPath, model: Analysis, engine: Engine): string | undefined {
  const last = path[path.length - 1];
  if (typeof last !== 'string') return undefined;
  if (path.length === 1) {
    if (last.startsWith('x-')) return extensionHover(last, model.load.merged);
    if (last === 'project') return `**\`[project]\`**\n\n${ROOT_TABLE_DOCS[last]}\n\n${engineLine(engine)}`;
    return ROOT_TABLE_DOCS[last] && `**\`[${last}]\`**\n\n${ROOT_TABLE_DOCS[last]}`;
  }
  const doc = keyDocsFor(path.slice(0, -1))?.[last];
  if (doc) return keyDocMarkdown(last, doc);
  if (path[0] === 'profiles' && path.length === 2) return `**Profile \`${last}\`**${last === 'default' ? '\n\nThe base profile: every other profile inherits its declarations and fields.' : ''}`;
  if (path[0] === 'scopes' && path.length === 2) return `**Scope \`${last}\`**\n\nA named subset of the declared secrets.`;
  if (path[0] === 'profiles' && path.length === 3 && last === 'defaults') return `**\`[profiles.${String(path[1])}.defaults]\`**\n\nDefaults for every secret of this profile: \`required\`, \`default\`, \`providers\`, \`inherit\`.`;
  return undefined;
}

export function engineLine(engine: Engine): string {
  const v = formatVersion(engine.version);
  return engine.cli ? `Checked against SecretSpec ${v}, the CLI at ${code(engine.cli)}.` : `Checked against SecretSpec ${v}, the newest release this extension knows (${engine.reason ?? 'no `secretspec` CLI found'}).`;
}

function extensionHover(table: string, merged: MergedManifest | undefined): string {
  const owner = merged ? ownerOf(table, schemesUsed(merged)) : undefined;
  return owner
    ? `**\`[${table}]\`**: extension table of the \`${owner}\` provider plugin. SecretSpec ignores it; the plugin reads it. The language server never edits it.`
    : `**\`[${table}]\`**: extension table. No provider this manifest uses owns it, so SecretSpec and every plugin in use ignore it.`;
}

function requiredText(s: EffectiveSecret): string {
  const r = s.fields.required?.value;
  if (r === true) return 'yes';
  if (r === false) return 'no';
  if (typeof r === 'object' && r !== null) {
    const groups = [...(r.at_least_one?.value ?? []).map((g) => `at least one of ${g}`), ...(r.exactly_one?.value ?? []).map((g) => `exactly one of ${g}`)];
    return groups.join('; ') || 'group';
  }
  return s.fields.default ? 'no (has default)' : 'yes';
}

function declaredText(s: EffectiveSecret): string {
  const file = s.at.file ? ` (${s.at.file})` : '';
  if (s.own && s.base) return `here, inherits from \`default\`${file}`;
  if (s.own) return `here${file}`;
  return `inherited from \`default\`${file}`;
}

function chainOf(s: EffectiveSecret): string[] {
  return s.fields.providers?.value ?? [];
}

export function secretHover(model: Analysis, name: string, viaCli?: HoverEnv['viaCli']): string {
  const profiles = model.validation.profiles;
  const merged = model.load.merged;
  const lines = [`**Secret \`${name}\`**`];
  const rows: string[] = [];
  const addresses: string[] = [];
  const project = merged?.project.name?.value ?? '{project}';
  for (const [p, profile] of [...(profiles ?? [])].sort(([a], [b]) => (a === 'default' ? -1 : b === 'default' ? 1 : a < b ? -1 : 1))) {
    const s = profile.secrets.get(name);
    if (!s) continue;
    const description = s.fields.description?.value;
    if (description && lines.length === 1) lines.push('', description.replace(/\n/g, ' '));
    const chain = chainOf(s);
    const composed = !!s.fields.composed;
    const shown = composed ? 'composed' : chain.length ? chain.map((c) => code(redactSpec(c))).join(' → ') : '(default provider)';
    const fromDefaults = s.fromDefaults.size ? ` · from \`[profiles.${p}.defaults]\`: ${[...s.fromDefaults].join(', ')}` : '';
    rows.push(`| ${code(p)} | ${requiredText(s)} | ${s.fields.default ? 'set' : '—'} | ${shown} | ${declaredText(s)}${fromDefaults} |`);
    const via = viaCli?.(p, name);
    if (via) addresses.push(`- ${code(p)}: answered through your secretspec CLI, ${via}`);
    if (composed) continue;
    for (const spec of chain.length ? chain : []) {
      for (const leaf of leaves(spec, merged)) {
        const ref = s.fields.refs?.value[spec] ?? s.fields.ref?.value;
        const where = ref?.item !== undefined ? { text: `native item \`${ref.item}\` (from \`ref\`)`, flat: false } : storageAddress(leaf, { project, profile: p, key: name });
        if (where) addresses.push(`- ${code(p)} via ${code(redactSpec(leaf))}: ${where.text}${where.flat ? ' (flat store: every profile reads the same place)' : ''}`);
      }
    }
    if (!chain.length) {
      const where = storageAddress('keyring', { project, profile: p, key: name });
      if (where) addresses.push(`- ${code(p)} via the default provider, e.g. keyring: ${where.text}`);
    }
  }
  if (!rows.length) return `${lines[0]}\n\nNot declared in any profile.`;
  lines.push('', '| profile | required | default | providers | declared |', '|---|---|---|---|---|', ...rows);
  if (addresses.length) lines.push('', '**Storage**', '', ...addresses);
  return lines.join('\n');
}

/** The leaf provider specs an alias or spec stands for. */
function leaves(spec: string, merged: MergedManifest | undefined, depth = 0): string[] {
  const alias = !spec.includes('://') ? merged?.providers.get(spec) : undefined;
  if (!alias || depth > 3) return [spec];
  if (alias.uri) return [alias.uri.value];
  return (alias.fallback ?? []).flatMap((f) => leaves(f.value, merged, depth + 1));
}

export function specHover(merged: MergedManifest | undefined, spec: string, env: HoverEnv): string {
  const aliases = new Set(merged?.providers.keys() ?? []);
  const alias = !spec.includes('://') ? merged?.providers.get(spec) : undefined;
  const lines: string[] = [];
  let target = spec;
  if (alias) {
    lines.push(`**Provider alias \`${spec}\`**${env.userAliases?.get(spec) === alias ? ' (from your SecretSpec user config)' : ''}`);
    if (alias.uri) {
      lines.push('', `Resolves to ${code(redactSpec(alias.uri.value))}.`);
      target = alias.uri.value;
    }
    if (alias.fallback) lines.push('', `Cached route: reads ${alias.fallback.map((f) => code(redactSpec(f.value))).join(' → ')}.`);
    if (alias.cache?.provider) lines.push('', `Caches into ${code(redactSpec(alias.cache.provider.value))}${alias.cache.maxAge ? ` for ${alias.cache.maxAge.value}` : ''}.`);
    if (alias.credentials.length) lines.push('', `Credentials: ${alias.credentials.map((c) => code(c.name)).join(', ')}.`);
    if (!alias.uri) return lines.join('\n');
  } else {
    const c = classifySpec(spec, aliases);
    if (c.kind === 'undefined-alias') return `**\`${spec}\`**: not a provider alias of this manifest and not a provider URI.`;
    lines.push(`**Provider \`${redactSpec(spec)}\`**`);
  }
  const scheme = splitSpec(target).scheme;
  const provider = builtinProvider(scheme);
  if (provider) {
    lines.push('', `Built-in provider \`${provider.name}\`: ${capabilityText(provider)}.`);
    if (provider.refCoordinates.length) lines.push('', `\`ref\` coordinates: item, ${provider.refCoordinates.join(', ')}.`);
    if (provider.credentialNames.length) lines.push('', `Credentials: ${provider.credentialNames.join(', ')}.`);
    const shape = provider.shapes[scheme];
    if (shape) lines.push('', `URI shape: \`${shape.shape}\``);
    const where = storageAddress(target, { project: '{project}', profile: '{profile}', key: '{key}' });
    if (where) lines.push('', `Stores each secret at ${where.text}${where.flat ? ' (flat: profiles share it)' : ''}.`);
    if (provider.presence) lines.push('', provider.presence(process.platform));
  } else {
    const installed = env.pluginInstalled(scheme);
    const caps = env.advertised?.(scheme);
    const capsText = caps ? `Its \`hello\` advertised: ${caps.length ? caps.join(', ') : 'nothing'}.` : `Its capabilities are what the plugin's \`hello\` advertises when it starts (in a trusted workspace).`;
    lines.push('', `Plugin scheme \`${scheme}\`: ${installed ? `\`secretspec-provider-${scheme}\` is on PATH` : `no \`secretspec-provider-${scheme}\` found on PATH`}. ${capsText}`);
  }
  return lines.join('\n');
}
