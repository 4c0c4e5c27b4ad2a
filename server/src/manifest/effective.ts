// Profiles after field-level inheritance (manifest-rules §3.15): a profile's
// own declaration, then the `default` profile's, then the profile's own
// `[defaults]` table, then (0.21+) the project's `[defaults] providers`
// (lowest precedence, as the code does). Pure.
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
  /** `providers` came from the project's top-level `[defaults]`. */
  fromProjectDefaults?: boolean;
}

export interface EffectiveProfile {
  name: string;
  model: ProfileModel;
  inherits: boolean;
  /** Sorted by name, as SecretSpec visits them. */
  secrets: Map<string, EffectiveSecret>;
  /** Names of the secrets this profile declares itself, sorted the same way. */
  declared: readonly string[];
}

const PLAIN_FIELDS: SecretField[] = ['description', 'composed', 'as_path', 'encoding', 'extract', 'type', 'generate', 'prompt'];

export function effectiveProfiles(manifest: MergedManifest): Map<string, EffectiveProfile> {
  const out = new Map<string, EffectiveProfile>();
  const base = manifest.profiles.get('default');
  const project = manifest.defaults?.providers;
  const baseEffective = base ? effectiveProfileOnce(base, undefined, undefined, project) : undefined;
  for (const [name, model] of manifest.profiles) {
    out.set(name, name === 'default' && baseEffective ? baseEffective : effectiveProfileOnce(model, name === 'default' ? undefined : base, baseEffective, project));
  }
  return out;
}

interface Built {
  defaultProfile: ProfileModel | undefined;
  defaultEffective: EffectiveProfile | undefined;
  projectProviders: Sourced<string[]> | undefined;
  effective: EffectiveProfile;
}

/**
 * The last effective profile built from each model, and from what. Models
 * never change once read, and an edit keeps the model of a profile it did not
 * touch (see ParsedFile.reused), so such a profile is not rebuilt.
 */
const built = new WeakMap<ProfileModel, Built>();

function effectiveProfileOnce(
  model: ProfileModel,
  defaultProfile: ProfileModel | undefined,
  defaultEffective: EffectiveProfile | undefined,
  projectProviders: Sourced<string[]> | undefined,
): EffectiveProfile {
  const last = built.get(model);
  if (last && last.defaultProfile === defaultProfile && last.defaultEffective === defaultEffective && sameProviders(last.projectProviders, projectProviders)) return last.effective;
  const effective = effectiveProfile(model, defaultProfile, defaultEffective, projectProviders);
  built.set(model, { defaultProfile, defaultEffective, projectProviders, effective });
  return effective;
}

/** The project's default providers as the same list written at the same place. */
function sameProviders(a: Sourced<string[]> | undefined, b: Sourced<string[]> | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.at.file !== b.at.file || a.value.length !== b.value.length || a.at.path.length !== b.at.path.length) return false;
  return a.value.every((v, i) => v === b.value[i]) && a.at.path.every((s, i) => s === b.at.path[i]);
}

function effectiveProfile(
  model: ProfileModel,
  defaultProfile: ProfileModel | undefined,
  defaultEffective: EffectiveProfile | undefined,
  projectProviders: Sourced<string[]> | undefined,
): EffectiveProfile {
  // A secret this profile neither redeclares nor touches through `[defaults]`
  // is the default profile's own effective secret: share it instead of
  // rebuilding (and re-checking) it in every profile. The project's
  // `[defaults]` is the same for every profile, so it does not stop sharing.
  const d = model.defaults;
  const noProfileDefaults = !d?.required && !d?.default && !d?.providers;
  const untouched = noProfileDefaults && !projectProviders;
  const sharable = !!defaultEffective && noProfileDefaults;
  const inherits = !!defaultProfile && model.defaults?.inherit?.value !== false;
  const declared = sortedNames(model);
  // The default profile's effective secrets are already in order (and each
  // holds its declaration): walking both sorted lists beats re-sorting the
  // union and looking every name up again.
  const baseEffective = inherits && defaultEffective ? [...defaultEffective.secrets.values()] : undefined;
  const baseDecls = !inherits ? [] : baseEffective ? baseEffective.map((e) => e.own!) : sortedNames(defaultProfile!).map((n) => defaultProfile!.secrets.get(n)!);
  const secrets = new Map<string, EffectiveSecret>();
  let i = 0;
  let j = 0;
  while (i < declared.length || j < baseDecls.length) {
    const name = declared[i];
    const base = baseDecls[j];
    if (name !== undefined && (base === undefined || name < base.name)) {
      const own = model.secrets.get(name)!;
      secrets.set(name, untouched ? ownOnly(name, model, own) : effectiveSecret(name, model, own, undefined, projectProviders));
      i++;
    } else if (name !== undefined && name === base!.name) {
      secrets.set(name, effectiveSecret(name, model, model.secrets.get(name)!, base, projectProviders));
      i++;
      j++;
    } else {
      const inherited = base!;
      const same = sharable ? baseEffective![j] : undefined;
      secrets.set(
        inherited.name,
        same && same.fromDefaults.size === 0
          ? effective(inherited.name, model, undefined, inherited, same.fields, same.at, NO_DEFAULTS, true, same.fromProjectDefaults)
          : effectiveSecret(inherited.name, model, undefined, inherited, projectProviders),
      );
      j++;
    }
  }
  return { name: model.name, model, inherits, secrets, declared };
}

/**
 * Rust's `str` ordering is by UTF-8 bytes; the default sort's UTF-16 code-unit
 * order matches it closely enough for BMP text, with no callback per comparison.
 */
function sortedNames(model: ProfileModel): string[] {
  return [...model.secrets.keys()].sort();
}

/** Declared here, inherited from nowhere, nothing from `[defaults]`: the declaration's fields are the effective ones as they are. */
function ownOnly(name: string, model: ProfileModel, own: SecretDecl): EffectiveSecret {
  return effective(name, model, own, undefined, own.fields, own.at, NO_DEFAULTS, false);
}

/** Every effective secret is built here, with one property layout, so the code reading them sees a single shape. */
function effective(
  name: string,
  model: ProfileModel,
  own: SecretDecl | undefined,
  base: SecretDecl | undefined,
  fields: SecretFields,
  at: Origin,
  fromDefaults: ReadonlySet<DefaultsField>,
  sameAsDefault: boolean,
  fromProjectDefaults = false,
): EffectiveSecret {
  return { name, profile: model.name, own, base, fields, at, sameAsDefault, fromDefaults, fromProjectDefaults };
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

function effectiveSecret(
  name: string,
  model: ProfileModel,
  own: SecretDecl | undefined,
  base: SecretDecl | undefined,
  projectProviders: Sourced<string[]> | undefined,
): EffectiveSecret {
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
  let fromProjectDefaults = false;
  if (!take(fields, 'providers', own) && !take(fields, 'providers', base) && !composed) {
    if (model.defaults?.providers) {
      fields.providers = model.defaults.providers;
      (fromDefaults ??= new Set()).add('providers');
    } else if (projectProviders) {
      fields.providers = projectProviders;
      fromProjectDefaults = true;
    }
  }
  const refOwner = own && (own.written.has('ref') || own.written.has('refs')) ? own : base;
  if (refOwner) {
    take(fields, 'ref', refOwner);
    take(fields, 'refs', refOwner);
  }
  return effective(name, model, own, base, fields, (own ?? base)!.at, fromDefaults ?? NO_DEFAULTS, false, fromProjectDefaults);
}

/** Generation is enabled by `generate = true` or any table, even `{}` (manifest-rules §3.7). */
export function generationEnabled(s: EffectiveSecret): boolean {
  const g = s.fields.generate?.value;
  return g === true || (typeof g === 'object' && g !== null);
}
