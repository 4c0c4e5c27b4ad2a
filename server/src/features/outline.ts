// `secretspec/outline`: what the presence view shows beside a check result
// (description, provider chain, where each secret is declared), taken from
// the server's own analysis so the client never parses a manifest. Pure
// over an Analysis; registration is the thin edge at the bottom.
import { pathToFileURL } from 'node:url';
import { OutlineRequest, type OutlineParams, type OutlineResult, type OutlineSecret } from '../../../protocol/src';
import type { EffectiveProfile, EffectiveSecret } from '../manifest/effective';
import type { SourceMap, Span } from '../manifest/locate';
import type { MergedManifest, Origin } from '../manifest/model';
import { routeSpecs, type Routing } from '../check/route';
import { redactSpec } from '../providers/uri';
import { parseTemplate } from '../manifest/template';
import type { ServerContext } from '../context';
import { defaultProfile } from '../userConfig/defaults';
import { documentUri, parsedAnalysis } from './requestParams';
import { anchorSpan } from '../manifest/anchor';
import type { Analysis } from '../manifest/analysis';
import { toRange } from './diagnostics';

type Declaration = OutlineSecret['declaration'];

/** The declaration's file, its name token and its whole extent; undefined when the source map has no trace of it. */
function declarationOf(analysis: Analysis, uri: string, at: Origin): Declaration | undefined {
  const parent = at.file ? analysis.load.files.get(at.file) : undefined;
  const map: SourceMap | undefined = at.file ? parent?.map : analysis.load.root.map;
  if (!map) return undefined;
  const name = anchorSpan(map, { path: at.path, part: 'key' });
  if (!name) return undefined;
  const whole = extentOf(map, at);
  return {
    uri: at.file ? pathToFileURL(at.file).href : uri,
    range: toRange(map, name),
    ...(whole ? { extent: toRange(map, whole) } : {}),
  };
}

/**
 * An inline entry from key to value; a `[table]` from its header through its
 * last key line (blank and comment lines before the next header belong to that one).
 */
function extentOf(map: SourceMap, at: Origin): Span | undefined {
  const node = map.get(at.path);
  if (!node?.header) return anchorSpan(map, { path: at.path, part: 'entry' });
  const lines = map.text.slice(node.header.start, node.body?.end ?? node.header.end).split('\n');
  while (lines.length > 1 && /^\s*(#.*)?$/.test(lines[lines.length - 1]!)) lines.pop();
  return { start: node.header.start, end: node.header.start + lines.join('\n').trimEnd().length };
}

function outlineSecret(analysis: Analysis, uri: string, secret: EffectiveSecret, routing: Partial<Routing>): OutlineSecret {
  const fields = secret.fields;
  const declaration = declarationOf(analysis, uri, secret.at) ?? { uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  return {
    name: secret.name,
    ...(fields.description ? { description: fields.description.value } : {}),
    providers: (fields.providers?.value ?? []).map(redactSpec),
    route: fields.composed !== undefined ? [] : routeSpecs(secret, routing.defaultProvider, routing.override).map(redactSpec),
    composed: fields.composed !== undefined,
    ...(fields.composed !== undefined ? { inputs: [...new Set(parseTemplate(fields.composed.value).refs.map((r) => r.name))] } : {}),
    required: fields.required?.value !== false,
    declaration,
    ...(secret.own ? {} : { inheritedFrom: secret.base?.profile ?? 'default' }),
  };
}

/** Aliases that name one store; cached routes have no single URI to show. */
function aliasTargets(manifest: MergedManifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, alias] of manifest.providers) {
    if (alias.kind === 'inline-cached' || alias.kind === 'cached-fallback' || !alias.uri) continue;
    out[name] = redactSpec(alias.uri.value);
  }
  return out;
}

/** What the outline takes from the user's own set-up: how secrets are routed, and the profile SecretSpec would use. */
export interface OutlineContext {
  routing?: Routing;
  defaultProfile?: string;
}

/** The outline of an analysed manifest, or undefined when it does not parse far enough to have profiles. */
export function outline(analysis: Analysis, uri: string, context: OutlineContext = {}): OutlineResult | undefined {
  const manifest = analysis.load.merged;
  const profiles: ReadonlyMap<string, EffectiveProfile> | undefined = analysis.validation.profiles;
  if (!manifest || !profiles) return undefined;
  const routing = context.routing ?? { manifest };
  return {
    project: manifest.project.name?.value ?? '',
    aliases: aliasTargets(routing.manifest),
    ...(context.defaultProfile ? { defaultProfile: context.defaultProfile } : {}),
    profiles: [...profiles.values()].map((p) => ({
      name: p.name,
      inherits: p.inherits,
      secrets: [...p.secrets.values()].map((s) => outlineSecret(analysis, uri, s, routing)),
    })),
    ...(manifest.scopes.size ? { scopes: Object.fromEntries([...manifest.scopes].map(([name, scope]) => [name, (scope.secrets ?? []).map((s) => s.value)])) } : {}),
  };
}

export function registerOutline(ctx: ServerContext): void {
  ctx.connection.onRequest(OutlineRequest, async (params: OutlineParams | undefined): Promise<OutlineResult> => {
    const uri = documentUri(params);
    const { analysis, manifest } = await parsedAnalysis(ctx.analysisFor, uri);
    return outline(analysis, uri, { routing: await ctx.routing(uri, manifest), defaultProfile: defaultProfile(process.env, ctx.userConfig()) })!;
  });
}
