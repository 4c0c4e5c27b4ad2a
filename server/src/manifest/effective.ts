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
  /** Identical to the default profile's effective secret (inherited untouched), so its per-secret checks say nothing new. */
  sameAsDefault?: boolean;
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
  const baseEffective = base ? effectiveProfile(base, undefined) : undefined;
  for (const [name, model] of manifest.profiles) {
    out.set(name, name === 'default' && baseEffective ? baseEffective : effectiveProfile(model, name === 'default' ? undefined : base, baseEffective));
  }
  return out;
}

export function effectiveProfile(model: ProfileModel, defaultProfile: ProfileModel | undefined, defaultEffective?: EffectiveProfile): EffectiveProfile {
  // A secret this profile neither redeclares nor touches through `[defaults]`
  // is the default profile's own effective secret: share it instead of
  // rebuilding (and re-checking) it in every profile.
  const d = model.defaults;
  const sharable = !!defaultEffective && !d?.required && !d?.default && !d?.providers;
  const inherits = !!defaultProfile && model.defaults?.inherit?.value !== false;
  const names = new Set(model.secrets.keys());
  if (inherits) for (const n of defaultProfile!.secrets.keys()) names.add(n);
  const secrets = new Map<string, EffectiveSecret>();
  // Rust's `str` ordering is by UTF-8 bytes; the default sort's UTF-16 code-unit
  // order matches it closely enough for BMP text, with no callback per comparison.
  for (const name of [...names].sort()) {
    const own = model.secrets.get(name);
    const base = inherits ? defaultProfile!.secrets.get(name) : undefined;
    const same = sharable && inherits && !own ? defaultEffective!.secrets.get(name) : undefined;
    if (same && same.fromDefaults.size === 0) {
      secrets.set(name, { name, profile: model.name, base: base!, fields: same.fields, at: same.at, fromDefaults: NO_DEFAULTS, sameAsDefault: true });
      continue;
    }
    secrets.set(name, effectiveSecret(name, model, own, base));
  }
  return { name: model.name, model, inherits, secrets };
}

type DefaultsField = 'required' | 'default' | 'providers';

// Most secrets take nothing from `[defaults]`: they share one empty set
// instead of allocating their own (tens of thousands in a large manifest).
const NO_DEFAULTS: ReadonlySet<DefaultsField> = new Set();

/** Copies `f` from `decl` when `decl` wrote it (valid or not); true when it did. */
function take<F extends SecretField>(fields: SecretFields, f: F, decl: SecretDecl | undefined): boolean {
  if (!decl?.written.has(f)) return false;
  const v = decl.fields[f];
  if (v) fields[f] = v;
  return true;
}

function effectiveSecret(name: string, model: ProfileModel, own: SecretDecl | undefined, base: SecretDecl | undefined): EffectiveSecret {
  const fields: SecretFields = {};
  let fromDefaults: Set<DefaultsField> | undefined;
  for (const f of PLAIN_FIELDS) if (!take(fields, f, own)) take(fields, f, base);

  if (!take(fields, 'required', own) && !take(fields, 'required', base)) {
    const d = model.defaults?.required;
    if (d) {
      fields.required = d as Sourced<boolean>;
      (fromDefaults ??= new Set()).add('required');
    }
  }
  const composed = fields.composed !== undefined || own?.written.has('composed') || base?.written.has('composed');
  if (!take(fields, 'default', own) && !take(fields, 'default', base) && !composed && model.defaults?.default) {
    fields.default = model.defaults.default;
    (fromDefaults ??= new Set()).add('default');
  }
  if (!take(fields, 'providers', own) && !take(fields, 'providers', base) && !composed && model.defaults?.providers) {
    fields.providers = model.defaults.providers;
    (fromDefaults ??= new Set()).add('providers');
  }
  const refOwner = own && (own.written.has('ref') || own.written.has('refs')) ? own : base;
  if (refOwner) {
    take(fields, 'ref', refOwner);
    take(fields, 'refs', refOwner);
  }
  const at = (own ?? base)!.at;
  const secret: EffectiveSecret = { name, profile: model.name, fields, at, fromDefaults: fromDefaults ?? NO_DEFAULTS };
  if (own) secret.own = own;
  if (base) secret.base = base;
  return secret;
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
