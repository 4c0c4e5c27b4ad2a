// Profiles after field-level inheritance (manifest-rules §3.15): a profile's
// own declaration, then the `default` profile's, then the profile's own
// `[defaults]` table (lowest precedence, as the code does). Pure.
import type { MergedManifest, Origin, ProfileModel, SecretDecl, SecretField, SecretFields, Sourced } from './model';

export interface EffectiveSecret {
  name: string;
  profile: string;
  /** The declaration written in this profile, if any. */
  own?: SecretDecl;
  /** The `default` profile's declaration it inherits from, if any. */
  base?: SecretDecl;
  fields: SecretFields;
  /** Where to point for the secret as a whole. */
  at: Origin;
  /** Fields taken from `[profiles.<p>.defaults]`. */
  fromDefaults: ReadonlySet<'required' | 'default' | 'providers'>;
}

export interface EffectiveProfile {
  name: string;
  model: ProfileModel;
  inherits: boolean;
  /** Sorted by name, as SecretSpec visits them. */
  secrets: Map<string, EffectiveSecret>;
}

const PLAIN_FIELDS: SecretField[] = ['description', 'composed', 'as_path', 'encoding', 'extract', 'type', 'generate', 'prompt'];

export function effectiveProfiles(manifest: MergedManifest): Map<string, EffectiveProfile> {
  const out = new Map<string, EffectiveProfile>();
  const base = manifest.profiles.get('default');
  for (const [name, model] of manifest.profiles) out.set(name, effectiveProfile(model, name === 'default' ? undefined : base));
  return out;
}

export function effectiveProfile(model: ProfileModel, defaultProfile: ProfileModel | undefined): EffectiveProfile {
  const inherits = !!defaultProfile && model.defaults?.inherit?.value !== false;
  const names = new Set(model.secrets.keys());
  if (inherits) for (const n of defaultProfile!.secrets.keys()) names.add(n);
  const secrets = new Map<string, EffectiveSecret>();
  for (const name of [...names].sort(compareNames)) {
    const own = model.secrets.get(name);
    const base = inherits ? defaultProfile!.secrets.get(name) : undefined;
    secrets.set(name, effectiveSecret(name, model, own, base));
  }
  return { name: model.name, model, inherits, secrets };
}

/** Rust's `str` ordering: by UTF-8 bytes, which for BMP text matches code-unit order closely enough. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function effectiveSecret(name: string, model: ProfileModel, own: SecretDecl | undefined, base: SecretDecl | undefined): EffectiveSecret {
  const fields: SecretFields = {};
  const fromDefaults = new Set<'required' | 'default' | 'providers'>();
  const take = <F extends SecretField>(f: F, decl: SecretDecl | undefined): boolean => {
    if (!decl?.written.has(f)) return false;
    const v = decl.fields[f];
    if (v) fields[f] = v;
    return true;
  };
  for (const f of PLAIN_FIELDS) if (!take(f, own)) take(f, base);

  if (!take('required', own) && !take('required', base)) {
    const d = model.defaults?.required;
    if (d) {
      fields.required = d as Sourced<boolean>;
      fromDefaults.add('required');
    }
  }
  const composed = fields.composed !== undefined || own?.written.has('composed') || base?.written.has('composed');
  if (!take('default', own) && !take('default', base) && !composed && model.defaults?.default) {
    fields.default = model.defaults.default;
    fromDefaults.add('default');
  }
  if (!take('providers', own) && !take('providers', base) && !composed && model.defaults?.providers) {
    fields.providers = model.defaults.providers;
    fromDefaults.add('providers');
  }
  const refOwner = own && (own.written.has('ref') || own.written.has('refs')) ? own : base;
  if (refOwner) {
    take('ref', refOwner);
    take('refs', refOwner);
  }
  const at = (own ?? base)!.at;
  return {
    name,
    profile: model.name,
    ...(own ? { own } : {}),
    ...(base ? { base } : {}),
    fields,
    at,
    fromDefaults,
  };
}

/** Generation is enabled by `generate = true` or any table, even `{}` (manifest-rules §3.7). */
export function generationEnabled(s: EffectiveSecret): boolean {
  const g = s.fields.generate?.value;
  return g === true || (typeof g === 'object' && g !== null);
}

export function groupsOf(s: EffectiveSecret): { at_least_one: string[]; exactly_one: string[] } | undefined {
  const r = s.fields.required?.value;
  if (typeof r !== 'object' || r === null) return undefined;
  return { at_least_one: r.at_least_one?.value ?? [], exactly_one: r.exactly_one?.value ?? [] };
}
