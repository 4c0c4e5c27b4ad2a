// The typed manifest model: what SecretSpec reads out of secretspec.toml,
// with the origin (file + key path) of every piece so problems and editor
// features can point at the exact text.
import type { PathSegment, TomlPath } from './path';

/** `file` is the absolute path of the manifest that holds `path`; null = the document itself. */
export interface Origin {
  readonly file: string | null;
  readonly path: TomlPath;
}

/**
 * The origin of `key` under `parent`. A large manifest has tens of thousands
 * of fields and nearly none of them is ever pointed at, so the full path is
 * built on first use instead of copied for each one up front.
 */
export class KeyOrigin implements Origin {
  private full: TomlPath | undefined = undefined;

  constructor(
    readonly file: string | null,
    private readonly parent: Origin,
    private readonly key: PathSegment,
  ) {}

  get path(): TomlPath {
    return (this.full ??= [...this.parent.path, this.key]);
  }
}

export interface Sourced<T> {
  readonly value: T;
  readonly at: Origin;
}

/** A value read from `key` under `parent`, whose origin is made on first use (see KeyOrigin). */
export class KeyedValue<T> implements Sourced<T> {
  private origin: Origin | undefined = undefined;

  constructor(
    readonly value: T,
    private readonly parent: Origin,
    private readonly key: PathSegment,
  ) {}

  get at(): Origin {
    return (this.origin ??= new KeyOrigin(this.parent.file, this.parent, this.key));
  }
}

export const SECRET_FIELDS = [
  'description',
  'required',
  'default',
  'composed',
  'providers',
  'ref',
  'refs',
  'as_path',
  'encoding',
  'extract',
  'type',
  'generate',
  'prompt',
] as const;
export type SecretField = (typeof SECRET_FIELDS)[number];

export const REF_COORDINATES = ['item', 'field', 'vault', 'section', 'version'] as const;
export type RefCoords = Partial<Record<(typeof REF_COORDINATES)[number], string>>;

export const SECRET_TYPES = ['password', 'hex', 'base64', 'uuid', 'command', 'rsa_private_key', 'openpgp_private_key', 'ssh_private_key'] as const;
export const ENCODINGS = ['base64', 'base64url', 'hex'] as const;
export const GENERATE_OPTIONS = ['length', 'bytes', 'bits', 'charset', 'command', 'algorithm', 'user_id', 'capabilities', 'comment'] as const;
export type GenerateOption = (typeof GENERATE_OPTIONS)[number];

/** The `generate` options each type reads; SecretSpec accepts every option anywhere, the rest are unused. */
export const GENERATE_OPTIONS_BY_TYPE: Record<(typeof SECRET_TYPES)[number], readonly GenerateOption[]> = {
  password: ['length', 'charset'],
  hex: ['bytes'],
  base64: ['bytes'],
  uuid: [],
  command: ['command'],
  rsa_private_key: ['bits'],
  openpgp_private_key: ['user_id', 'algorithm', 'bits', 'capabilities'],
  ssh_private_key: ['algorithm', 'bits', 'comment'],
};

export interface GroupMembership {
  at_least_one?: Sourced<string[]>;
  exactly_one?: Sourced<string[]>;
}
export type Requiredness = boolean | GroupMembership;

export interface SecretValues {
  description: string;
  required: Requiredness;
  default: string;
  composed: string;
  providers: string[];
  ref: RefCoords;
  refs: Record<string, RefCoords>;
  as_path: boolean;
  encoding: string;
  extract: { format: 'json' | 'ini'; pointer: string };
  type: string;
  generate: boolean | Record<string, unknown>;
  prompt: boolean;
}

export type SecretFields = { [F in SecretField]?: Sourced<SecretValues[F]> };

export interface SecretDecl {
  name: string;
  profile: string;
  at: Origin;
  /** Fields with a valid value. */
  fields: SecretFields;
  /** Every field key written, valid or not ("presence counts, not truthiness"), in SECRET_FIELDS order; shared between declarations, never changed. */
  written: ReadonlySet<SecretField>;
}

export interface ProfileDefaults {
  at: Origin;
  inherit?: Sourced<boolean>;
  required?: Sourced<boolean>;
  default?: Sourced<string>;
  providers?: Sourced<string[]>;
}

export interface ProfileModel {
  name: string;
  at: Origin;
  secrets: Map<string, SecretDecl>;
  defaults?: ProfileDefaults;
  /** A key whose value is not a declaration (a shape error, reported): the profile is not empty, only broken. */
  hasUnreadableSecret?: boolean;
}

export interface CredentialSource {
  name: string;
  at: Origin;
  provider?: Sourced<string>;
  ref?: Sourced<RefCoords>;
}

export interface AliasModel {
  name: string;
  at: Origin;
  /** `string`: alias = "uri"; `leaf`: { uri, credentials?, ref? }; `inline-cached`: { uri, cache }; `cached-fallback`: { fallback, cache }; `invalid`: shape error reported. */
  kind: 'string' | 'leaf' | 'inline-cached' | 'cached-fallback' | 'invalid';
  uri?: Sourced<string>;
  credentials: CredentialSource[];
  ref?: Sourced<RefCoords>;
  fallback?: Array<Sourced<string>>;
  cache?: { at: Origin; provider?: Sourced<string>; maxAge?: Sourced<string> };
}

/** The top-level `[defaults]` table (0.21+): one provider chain for every provider-backed secret. */
export interface ProjectDefaults {
  at: Origin;
  providers?: Sourced<string[]>;
}

export interface ScopeModel {
  name: string;
  at: Origin;
  secrets?: Array<Sourced<string>>;
  secretsAt?: Origin;
}

export interface ProjectModel {
  at?: Origin;
  name?: Sourced<string>;
  revision?: Sourced<string>;
  extends?: Array<Sourced<string>>;
  requireReason?: Sourced<boolean | 'agents'>;
}

/** One file's content as SecretSpec deserializes it. */
export interface DocumentModel {
  file: string | null;
  project?: ProjectModel;
  hasProfiles: boolean;
  /** A profile whose value is not a table (a shape error, reported): `[profiles]` is not empty, only broken. */
  hasUnreadableProfile?: boolean;
  profiles: Map<string, ProfileModel>;
  providers: Map<string, AliasModel>;
  scopes: Map<string, ScopeModel>;
  defaults?: ProjectDefaults;
  /** A top-level `defaults` key is written (valid or not). */
  hasDefaultsTable?: boolean;
  /** Top-level `x-*` keys with their raw values; they belong to tools and plugins. */
  extensionTables: Map<string, Sourced<unknown>>;
}

/** The manifest after `extends` merging (manifest-rules §8.3). */
export interface MergedManifest {
  project: ProjectModel;
  profiles: Map<string, ProfileModel>;
  providers: Map<string, AliasModel>;
  scopes: Map<string, ScopeModel>;
  /** The last file's `[defaults]` that has one (a later file's table replaces an earlier one whole). */
  defaults?: ProjectDefaults;
  /** Files in merge order, root last. */
  files: Array<string | null>;
}
