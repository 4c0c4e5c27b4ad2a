// What a run exposes, decided before and after resolution: the scope's
// visible set and the composition inputs it must read without exposing
// (secrets.rs `resolve_profile_secret_names`, `accessed_names`), the names a
// scope scrubs from the inherited environment (`scope_excluded_names`), how
// a `composed` template renders, and the child's environment
// (`child_env_from`). Pure.
import type { EffectiveProfile } from '../manifest/effective';
import type { MergedManifest } from '../manifest/model';
import { parseTemplate } from '../manifest/template';

export type ScopeSelection = { ok: true; members: ReadonlySet<string> | undefined } | { ok: false; message: string };

/** The members of the scope `name`, undefined when no scope is asked for; an undeclared one is refused as SecretSpec refuses it. */
export function selectScope(manifest: MergedManifest, name: string | undefined): ScopeSelection {
  if (name === undefined) return { ok: true, members: undefined };
  const scope = manifest.scopes.get(name);
  if (!scope) {
    const available = [...manifest.scopes.keys()].sort();
    return { ok: false, message: `Invalid scope: '${name}' is not defined in secretspec.toml. Available scopes: ${available.length ? available.join(', ') : 'none defined'}` };
  }
  return { ok: true, members: new Set((scope.secrets ?? []).map((s) => s.value)) };
}

export interface Surface {
  /** What the command receives: the profile, narrowed to the scope. Sorted. */
  visible: string[];
  /** What is read: the visible secrets and, transitively, the inputs of their compositions. Sorted. */
  accessed: string[];
}

export function surface(profile: EffectiveProfile, members: ReadonlySet<string> | undefined): Surface {
  const all = [...profile.secrets.keys()];
  if (!members) return { visible: all, accessed: all };
  const visible = all.filter((n) => members.has(n));
  const accessed = new Set<string>();
  const stack = [...visible];
  while (stack.length) {
    const name = stack.pop()!;
    if (accessed.has(name)) continue;
    accessed.add(name);
    const composed = profile.secrets.get(name)?.fields.composed?.value;
    if (composed !== undefined) for (const ref of parseTemplate(composed).refs) stack.push(ref.name);
  }
  return { visible, accessed: [...accessed].filter((n) => profile.secrets.has(n)).sort() };
}

/** Every secret any profile declares that the scope does not admit: unset in the command even when inherited. */
export function scopeExcluded(profiles: ReadonlyMap<string, EffectiveProfile>, members: ReadonlySet<string> | undefined): string[] {
  if (!members) return [];
  const excluded = new Set<string>();
  for (const profile of profiles.values()) for (const name of profile.secrets.keys()) if (!members.has(name)) excluded.add(name);
  return [...excluded].sort();
}

/** The profile with only `names`, in the same order, for a report over what a run reads. */
export function restrictProfile(profile: EffectiveProfile, names: readonly string[]): EffectiveProfile {
  const keep = new Set(names);
  return { ...profile, secrets: new Map([...profile.secrets].filter(([name]) => keep.has(name))) };
}

/** `${NAME}` replaced by its value, `$$` by `$`; undefined when an input has no value. */
export function renderTemplate(template: string, value: (name: string) => string | undefined): string | undefined {
  const parsed = parseTemplate(template);
  if (!parsed.ok) return undefined;
  let out = '';
  let at = 0;
  for (const ref of parsed.refs) {
    const v = value(ref.name);
    if (v === undefined) return undefined;
    out += unescapeDollars(template.slice(at, ref.start)) + v;
    at = ref.end;
  }
  return out + unescapeDollars(template.slice(at));
}

function unescapeDollars(literal: string): string {
  return literal.replace(/\$\$/g, '$');
}

/** The parent's environment, the resolved secrets over it, minus what the scope excludes and the runner's own variables. */
export function childEnvironment(parent: NodeJS.ProcessEnv, injected: ReadonlyMap<string, string>, removed: readonly string[]): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  for (const [k, v] of injected) env[k] = v;
  for (const k of removed) delete env[k];
  return env;
}
