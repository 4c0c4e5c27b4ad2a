// One document's values → the typed model, with every shape error SecretSpec's
// deserializer raises ([P], manifest-rules §1–§6 "Shape") and every key it
// silently ignores (Information). Unlike serde, which stops at the first
// error, every independent problem is collected; a field with a bad value is
// left out of the model so later rules don't pile on. Values are read as
// SecretSpec's toml crate hands them to serde: a datetime is a one-key map
// (DATETIME_KEY), and an array where a struct goes fills its fields by
// position (SeqShape).
import type { Problem } from './problem';
import { suggest } from './suggest';
import {
  ENCODINGS,
  GENERATE_OPTIONS,
  GENERATE_OPTIONS_BY_TYPE,
  REF_COORDINATES,
  SECRET_FIELDS,
  type AliasModel,
  type CredentialSource,
  type DocumentModel,
  type GroupMembership,
  KeyOrigin,
  KeyedValue,
  type Origin,
  type ProfileDefaults,
  type ProfileModel,
  type ProjectDefaults,
  type ProjectModel,
  type RefCoords,
  type ScopeModel,
  type SecretDecl,
  type SecretField,
  type SecretFields,
  type SecretValues,
  type Sourced,
} from './model';
import type { Span } from './locate';
import type { ParsedFile, TomlTable } from './parse';
import type { PathSegment, TomlPath } from './path';
import { checkMaxAge } from './duration';
import { checkRefTemplate } from './refTemplate';

const ROOT_KEYS = ['project', 'profiles', 'defaults', 'providers', 'scopes'];
const PROJECT_KEYS = ['name', 'revision', 'extends', 'require_reason'];
const DEFAULTS_KEYS = ['inherit', 'required', 'default', 'providers'];
const ALIAS_KEYS = ['uri', 'credentials', 'ref', 'fallback', 'cache'];

/**
 * The one key of the map SecretSpec's toml crate presents a datetime as to
 * any target that is not a datetime: `{ "$__toml_private_datetime" = "<text>" }`.
 * A struct that ignores unknown keys therefore reads a datetime as an empty
 * table, one that denies them names this key, and a map of names reads one
 * entry of that name whose value is the datetime's text.
 */
const DATETIME_KEY = '$__toml_private_datetime';

/**
 * A struct as serde's derived `visit_seq` reads it from an array: element i
 * fills field i, in declaration order (`fields`). Fewer than `min` elements
 * fail (the fields after `min` have `#[serde(default)]`); left-over elements
 * fail only when the value was `buffered` (everything inside a secret, which
 * serde buffers because secrets are flattened into their profile), while the
 * toml crate's own sequences ignore them.
 */
interface SeqShape {
  readonly name: string;
  readonly fields: readonly string[];
  readonly min: number;
  readonly buffered: boolean;
}

const shape = (name: string, fields: readonly string[], buffered: boolean, min = fields.length): SeqShape => ({ name, fields, min, buffered });
const PROJECT_SHAPE = shape('Project', PROJECT_KEYS, false, 3);
const PROJECT_DEFAULTS_SHAPE = shape('ProjectDefaults', ['providers'], false);
const PROFILE_DEFAULTS_SHAPE = shape('ProfileDefaults', DEFAULTS_KEYS, false);
const SECRET_SHAPE = shape('SecretSerde', SECRET_FIELDS, true);
const EXTRACT_SHAPE = shape('SecretExtract', ['format', 'pointer'], true);
const REQUIRED_SHAPE = shape('RequiredGroups', ['at_least_one', 'exactly_one'], true, 0);
/** GenerateOptions' declaration order, which is not GENERATE_OPTIONS' order. */
const GENERATE_SHAPE = shape('GenerateOptions', ['length', 'bytes', 'charset', 'command', 'bits', 'algorithm', 'user_id', 'capabilities', 'comment'], true);
const TEMPLATE_SHAPE = shape('NativeAddressTemplate', ['item', 'field', 'vault', 'section', 'version'], false);
/** ProviderCache deserializes through a private struct named `Table`. */
const CACHE_SHAPE = shape('Table', ['provider', 'max_age'], false);
const SCOPE_SHAPE = shape('Scope', ['secrets'], false);

const EXTRACT_FORMATS = ['json', 'ini'];

/** serde's list of what it expected: "`a`", "`a` or `b`", "one of `a`, `b`, `c`". */
function oneOf(names: readonly string[]): string {
  if (names.length === 1) return `\`${names[0]}\``;
  if (names.length === 2) return `\`${names[0]}\` or \`${names[1]}\``;
  return `one of ${names.map((n) => `\`${n}\``).join(', ')}`;
}

/** The leading elements of `arr` under the field names they fill. */
function seqTable(arr: readonly unknown[], fields: readonly string[]): TomlTable {
  const table: TomlTable = {};
  for (let i = 0; i < arr.length && i < fields.length; i++) table[fields[i]!] = arr[i];
  return table;
}

/** Whether `arr` has a length serde's `visit_seq` for `s` accepts. */
function seqFits(arr: readonly unknown[], s: SeqShape): boolean {
  return arr.length >= s.min && (!s.buffered || arr.length <= s.fields.length);
}

/** One bit per secret field, in SECRET_FIELDS order. */
const FIELD_BITS = new Map<string, number>(SECRET_FIELDS.map((f, i) => [f, 1 << i]));
const REF_BIT = FIELD_BITS.get('ref')!;
const REFS_BIT = FIELD_BITS.get('refs')!;

function fieldPath(decl: Origin, field: string): TomlPath {
  return [...decl.path, field];
}

function isStringList(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (const e of v) if (typeof e !== 'string') return false;
  return true;
}

export function isTable(v: unknown): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

export interface ReadResult {
  doc: DocumentModel;
  problems: Problem[];
}

/** What reading one declaration gave: its model and its problems, which name paths, never offsets. */
interface SecretRead {
  decl: SecretDecl | undefined;
  problems: Problem[];
}

/**
 * Declarations read before, by their value: an incremental parse hands the
 * same object for a declaration whose text did not change (ParsedFile.reused),
 * so an edit reads again only the declarations it touched. Keyed further by
 * file, profile and name, the only other things a declaration's reading uses.
 */
const secretReads = new WeakMap<object, Map<string, SecretRead>>();

/** Profiles read before, by their table, as declarations are (see secretReads): an unchanged profile keeps its model. */
const profileReads = new WeakMap<object, Map<string, { profile: ProfileModel; problems: Problem[] }>>();

export function readDocument(parsed: ParsedFile, file: string | null): ReadResult {
  return new Reader(parsed, file).read();
}

class Reader {
  private readonly problems: Problem[] = [];
  /**
   * `written` sets by field combination. Declarations write a handful of
   * distinct combinations, and the sets are never changed, so thousands of
   * declarations share a few sets.
   */
  private readonly writtenSets = new Map<number, ReadonlySet<SecretField>>();
  /** The `type` written in the declaration being read, for type-aware hints. */
  private declType: unknown;
  /** The arrays being read by position, outermost first (see `valueSpan`). */
  private readonly positionalReads: Array<{ base: TomlPath; fields: readonly string[] }> = [];

  constructor(
    private readonly parsed: ParsedFile,
    private readonly file: string | null,
  ) {}

  private at(path: TomlPath): Origin {
    return { file: this.file, path };
  }

  private sourced<T>(value: T, path: TomlPath): Sourced<T> {
    return { value, at: this.at(path) };
  }

  private error(code: string, message: string, path: TomlPath, part: 'key' | 'value' | 'entry' = 'value', data?: Record<string, unknown>): void {
    this.problems.push({ code, severity: 'error', message, at: { path, part, ...(this.file ? { file: this.file } : {}) }, ...(data ? { data } : {}) });
  }

  private info(code: string, message: string, path: TomlPath, data?: Record<string, unknown>): void {
    this.problems.push({ code, severity: 'information', message, at: { path, part: 'key', ...(this.file ? { file: this.file } : {}) }, ...(data ? { data } : {}) });
  }

  private invalidType(value: unknown, expected: string, path: TomlPath): void {
    this.error('invalid-type', `invalid type: ${this.describe(value, path)}, expected ${expected}`, path, 'value', { expected });
  }

  /** serde's `Unexpected` wording; floats are told from integers by their source text. */
  describe(value: unknown, path: TomlPath): string {
    if (typeof value === 'string') return `string ${rustDebugString(value)}`;
    if (typeof value === 'boolean') return `boolean \`${value}\``;
    if (typeof value === 'bigint') return `integer \`${value}\``;
    if (typeof value === 'number') {
      const span = this.valueSpan(path);
      const raw = span ? this.parsed.text.slice(span.start, span.end).replace(/_/g, '') : String(value);
      const isFloat = /[.eE]|inf|nan/.test(raw) && !/^[+-]?0[xob]/.test(raw);
      if (!isFloat && Number.isInteger(value)) return `integer \`${value}\``;
      return `floating point \`${rustFloat(value)}\``;
    }
    if (Array.isArray(value)) return 'sequence';
    // A datetime included: toml presents it as a map to every target but a datetime (see DATETIME_KEY).
    return 'map';
  }

  private unknownField(key: string, allowed: readonly string[], path: TomlPath): void {
    const s = suggest(key, allowed);
    this.error('unknown-field', `unknown field \`${key}\`, expected ${oneOf(allowed)}`, path, 'key', { key, ...(s ? { suggestion: s } : {}) });
  }

  private ignored(key: string, where: string, known: readonly string[], path: TomlPath): void {
    if (key === DATETIME_KEY) {
      this.info('ignored-datetime', `SecretSpec reads a date-time in ${where} as a table whose only key, \`${DATETIME_KEY}\`, it ignores.`, path);
      return;
    }
    const s = suggest(key, known);
    this.info(
      'ignored-key',
      `SecretSpec ignores \`${key}\` in ${where}${s ? `; did you mean \`${s}\`?` : '.'}`,
      path,
      { key, ...(s ? { suggestion: s } : {}) },
    );
  }

  private missing(field: string, path: TomlPath, part: 'key' | 'value' = 'key'): void {
    this.error('missing-field', `missing field \`${field}\``, path, part, { field });
  }

  /** Reports every key of a closed table that is not `allowed`; true when there is none. */
  private onlyFields(v: TomlTable, allowed: readonly string[], p: TomlPath): boolean {
    let ok = true;
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) {
        this.unknownField(key, allowed, [...p, key]);
        ok = false;
      }
    }
    return ok;
  }

  /** The table's required string `provider`, or undefined once its absence or type is reported. */
  private providerField(v: TomlTable, p: TomlPath): string | undefined {
    const provider = v['provider'];
    if (!('provider' in v)) this.missing('provider', p, 'value');
    else if (typeof provider !== 'string') this.invalidType(provider, 'a string', [...p, 'provider']);
    else return provider;
    return undefined;
  }

  /** A datetime as the one-key map toml presents it as (see DATETIME_KEY), with its text as toml_datetime writes it. */
  private datetimeMap(v: Date, path: TomlPath): TomlTable {
    const span = this.valueSpan(path);
    return { [DATETIME_KEY]: tomlDatetimeText(span ? this.parsed.text.slice(span.start, span.end) : v.toISOString()) };
  }

  /**
   * Where the value at `path` is written. While an array is read by position
   * (see `struct`), its elements go by the names of the fields they fill, so
   * those names are turned back into indexes, innermost read first.
   */
  private valueSpan(path: TomlPath): Span | undefined {
    for (let r = this.positionalReads.length - 1; r >= 0; r--) {
      const { base, fields } = this.positionalReads[r]!;
      const index = path.length > base.length && base.every((segment, i) => path[i] === segment) ? fields.indexOf(path[base.length] as string) : -1;
      if (index >= 0) path = [...base, index, ...path.slice(base.length + 1)];
    }
    return this.parsed.map.get(path)?.value;
  }

  /** `v` where serde reads a map: a table, or a datetime as its one-key map; undefined for anything else. */
  private asMap(v: unknown, path: TomlPath): TomlTable | undefined {
    if (isTable(v)) return v;
    return v instanceof Date ? this.datetimeMap(v, path) : undefined;
  }

  /**
   * `v` read as the struct `s` by `read`: a table as it is, a datetime as its
   * one-key map, an array by position (see SeqShape); anything else is an
   * invalid type. Undefined when serde fails on the value.
   */
  private struct<T>(v: unknown, path: TomlPath, s: SeqShape, read: (table: TomlTable) => T | undefined): T | undefined {
    const table = this.asMap(v, path);
    if (table) return read(table);
    if (!Array.isArray(v)) {
      this.invalidType(v, `struct ${s.name}`, path);
      return undefined;
    }
    const from = this.problems.length;
    this.positionalReads.push({ base: path, fields: s.fields });
    const result = read(seqTable(v, s.fields));
    this.positionalReads.pop();
    // Each element was read under the name of the field it fills: its problems belong at the element.
    for (let i = from; i < this.problems.length; i++) {
      const at = this.problems[i]!.at;
      const index = s.fields.indexOf(at.path[path.length] as string);
      if (index >= 0) at.path = [...path, index, ...at.path.slice(path.length + 1)];
    }
    const n = s.fields.length;
    if (v.length < s.min) {
      this.error('invalid-length', `invalid length ${v.length}, expected struct ${s.name} with ${n} element${n === 1 ? '' : 's'}`, path);
      return undefined;
    }
    if (s.buffered && v.length > n) {
      this.error('invalid-length', `invalid length ${v.length}, expected ${n} elements in sequence`, [...path, n]);
      return undefined;
    }
    for (let i = n; i < v.length; i++) this.info('ignored-element', `SecretSpec ignores this element: it reads the array by position into the ${n} field${n === 1 ? '' : 's'} of ${s.name}.`, [...path, i]);
    // Said once the elements read cleanly: an element's own error already points here.
    if (!this.problems.slice(from).some((p) => p.severity === 'error')) this.positional(v, s.fields, path);
    return result;
  }

  /** An array SecretSpec accepted where a table belongs: say which field each element became. */
  private positional(v: readonly unknown[], fields: readonly string[], path: TomlPath): void {
    const named = fields.slice(0, v.length).map((f) => `\`${f}\``);
    this.info('positional-table', `SecretSpec reads this array by position, as ${named.join(', ')}; a table names them.`, path);
  }

  /**
   * Why `v` is none of the unit variants of an enum (`encoding`,
   * `extract.format`), as serde says it reading a secret's buffered content:
   * a string names the variant; a map must have exactly one key, the
   * variant, whose value would have to be a unit, which TOML cannot write.
   */
  private notVariant(v: unknown, variants: readonly string[], path: TomlPath, code: string): void {
    if (typeof v === 'string') {
      const s = suggest(v, variants);
      this.error(code, `unknown variant \`${v}\`, expected ${oneOf(variants)}`, path, 'value', s ? { suggestion: s } : undefined);
      return;
    }
    const table = this.asMap(v, path);
    if (!table) return this.invalidType(v, 'string or map', path);
    const keys = Object.keys(table);
    if (keys.length !== 1) this.error('invalid-value', 'invalid value: map, expected map with a single key', path);
    else if (!variants.includes(keys[0]!)) this.error(code, `unknown variant \`${keys[0]}\`, expected ${oneOf(variants)}`, [...path, keys[0]!], 'key');
    else this.invalidType(table[keys[0]!], 'unit', [...path, keys[0]!]);
  }

  read(): ReadResult {
    const root = this.parsed.value ?? {};
    const doc: DocumentModel = {
      file: this.file,
      hasProfiles: false,
      profiles: new Map(),
      providers: new Map(),
      scopes: new Map(),
      extensionTables: new Map(),
    };
    for (const key of Object.keys(root)) {
      if (ROOT_KEYS.includes(key)) continue;
      if (key.startsWith('x-')) {
        doc.extensionTables.set(key, this.sourced(root[key], [key]));
        continue;
      }
      const s = suggest(key, ROOT_KEYS);
      this.info('ignored-table', `SecretSpec ignores the top-level \`${key}\`${s ? `; did you mean \`${s}\`?` : '.'}`, [key], {
        key,
        ...(s ? { suggestion: s } : {}),
      });
    }

    if (!('project' in root)) this.error('missing-field', 'missing field `project`', [], 'entry', { field: 'project' });
    else doc.project = this.project(root['project']);

    if ('profiles' in root) {
      doc.hasProfiles = true;
      this.profiles(root['profiles'], doc);
    } else {
      this.error('missing-field', 'missing field `profiles`', [], 'entry', { field: 'profiles' });
    }
    if ('defaults' in root) {
      doc.hasDefaultsTable = true;
      const d = this.projectDefaults(root['defaults']);
      if (d) doc.defaults = d;
    }
    if ('providers' in root) this.providers(root['providers'], doc.providers);
    if ('scopes' in root) this.scopes(root['scopes'], doc.scopes);
    return { doc, problems: this.problems };
  }

  private project(v: unknown): ProjectModel | undefined {
    return isTable(v) ? this.projectTable(v) : this.struct(v, ['project'], PROJECT_SHAPE, (t) => this.projectTable(t));
  }

  private projectTable(v: TomlTable): ProjectModel {
    const path = ['project'];
    const model: ProjectModel = { at: this.at(path) };
    for (const key of Object.keys(v)) {
      if (!PROJECT_KEYS.includes(key)) this.ignored(key, '[project]', PROJECT_KEYS, [...path, key]);
    }
    if (!('name' in v)) this.missing('name', path);
    else if (typeof v['name'] !== 'string') this.invalidType(v['name'], 'a string', [...path, 'name']);
    else model.name = this.sourced(v['name'], [...path, 'name']);

    if (!('revision' in v)) this.missing('revision', path);
    else if (typeof v['revision'] !== 'string') this.invalidType(v['revision'], 'a string', [...path, 'revision']);
    else {
      model.revision = this.sourced(v['revision'], [...path, 'revision']);
      if (v['revision'] !== '1.0') {
        this.error(
          'unsupported-revision',
          `Unsupported secretspec revision '${v['revision']}'. This version of secretspec only supports revision '1.0'`,
          [...path, 'revision'],
          'value',
          { replacement: '"1.0"' },
        );
      }
    }

    if ('extends' in v) {
      const ext = v['extends'];
      const p = [...path, 'extends'];
      if (!Array.isArray(ext)) this.invalidType(ext, 'a sequence', p);
      else {
        const entries: Array<Sourced<string>> = [];
        ext.forEach((e, i) => {
          if (typeof e !== 'string') this.invalidType(e, 'a string', [...p, i]);
          else entries.push(this.sourced(e, [...p, i]));
        });
        model.extends = entries;
      }
    }

    if ('require_reason' in v) {
      const rr = v['require_reason'];
      const p = [...path, 'require_reason'];
      if (typeof rr === 'boolean') model.requireReason = this.sourced(rr, p);
      else if (typeof rr === 'string') {
        if (rr === 'agents') model.requireReason = this.sourced('agents', p);
        else this.error('invalid-require-reason', `invalid require_reason value '${rr}': expected true, false, or "agents"`, p);
      } else this.invalidType(rr, 'a boolean or the string "agents"', p);
    }
    return model;
  }

  /** Top-level `[defaults]` (0.21+): `deny_unknown_fields`, `providers` required. */
  private projectDefaults(v: unknown): ProjectDefaults | undefined {
    return this.struct(v, ['defaults'], PROJECT_DEFAULTS_SHAPE, (t) => this.projectDefaultsTable(t));
  }

  private projectDefaultsTable(v: TomlTable): ProjectDefaults | undefined {
    const path = ['defaults'];
    const ok = this.onlyFields(v, ['providers'], path);
    if (!('providers' in v)) {
      this.missing('providers', path);
      return undefined;
    }
    const list = this.stringList(v['providers'], [...path, 'providers']);
    if (!list || !ok) return undefined;
    return { at: this.at(path), providers: this.sourced(list, [...path, 'providers']) };
  }

  private profiles(value: unknown, doc: DocumentModel): void {
    const v = this.asMap(value, ['profiles']);
    if (!v) {
      this.invalidType(value, 'a map', ['profiles']);
      return;
    }
    for (const [name, value] of Object.entries(v)) {
      const path = ['profiles', name];
      // A profile flattens its secrets, so serde reads it as a map: an array is no positional struct here.
      const pv = this.asMap(value, path);
      if (!pv) {
        this.invalidType(value, 'struct Profile', path);
        doc.hasUnreadableProfile = true;
        continue;
      }
      doc.profiles.set(name, this.parsed.reused && pv === value ? this.profileOnce(name, pv, path) : this.profile(name, pv, path));
    }
  }

  /** `profile`, or the model it gave for this very table before (see profileReads). */
  private profileOnce(name: string, pv: TomlTable, path: TomlPath): ProfileModel {
    const id = `${this.file ?? ''}\u0000${name}`;
    let reads = profileReads.get(pv);
    const known = reads?.get(id);
    if (known) {
      for (const p of known.problems) this.problems.push(p);
      return known.profile;
    }
    const from = this.problems.length;
    const profile = this.profile(name, pv, path);
    if (!reads) profileReads.set(pv, (reads = new Map()));
    reads.set(id, { profile, problems: this.problems.slice(from) });
    return profile;
  }

  private profile(name: string, pv: TomlTable, path: TomlPath): ProfileModel {
    const profile: ProfileModel = { name, at: this.at(path), secrets: new Map() };
    for (const key of Object.keys(pv)) {
      if (key === 'defaults') {
        const d = this.defaults(pv[key], [...path, 'defaults']);
        if (d) profile.defaults = d;
        continue;
      }
      const decl = this.parsed.reused ? this.secretOnce(name, key, pv[key], profile.at) : this.secret(name, key, pv[key], new KeyOrigin(this.file, profile.at, key));
      if (decl) profile.secrets.set(key, decl);
      else profile.hasUnreadableSecret = true;
    }
    return profile;
  }

  private defaults(v: unknown, path: TomlPath): ProfileDefaults | undefined {
    return isTable(v) ? this.defaultsTable(v, path) : this.struct(v, path, PROFILE_DEFAULTS_SHAPE, (t) => this.defaultsTable(t, path));
  }

  private defaultsTable(v: TomlTable, path: TomlPath): ProfileDefaults {
    const d: ProfileDefaults = { at: this.at(path) };
    let reservedWarned = false;
    for (const key of Object.keys(v)) {
      const p = [...path, key];
      const val = v[key];
      if (key === 'inherit' || key === 'required') {
        if (typeof val !== 'boolean') this.invalidType(val, 'a boolean', p);
        else d[key] = this.sourced(val, p);
      } else if (key === 'default') {
        if (typeof val !== 'string') this.invalidType(val, 'a string', p);
        else d.default = this.sourced(val, p);
      } else if (key === 'providers') {
        const list = this.stringList(val, p);
        if (list) d.providers = this.sourced(list, p);
      } else if ((SECRET_FIELDS as readonly string[]).includes(key) && !reservedWarned && this.looksLikeSecret(path)) {
        reservedWarned = true;
        this.problems.push({
          code: 'defaults-reserved',
          severity: 'warning',
          message: `\`defaults\` is reserved for profile defaults, so this is not a secret: SecretSpec ignores \`${key}\` here. Rename the secret.`,
          at: { path, part: 'key', ...(this.file ? { file: this.file } : {}) },
          data: { key },
        });
      } else {
        this.ignored(key, `[profiles.${String(path[1])}.defaults]`, DEFAULTS_KEYS, p);
      }
    }
    return d;
  }

  /**
   * `defaults = { description = … }` or `defaults.description = …` written
   * among a profile's secrets reads as a secret named `defaults`; a
   * `[profiles.<p>.defaults]` header is plainly the defaults table, where a
   * secret field is just an ignored key. Asked only when such a key is there.
   */
  private looksLikeSecret(path: TomlPath): boolean {
    return this.parsed.map.get(path)?.kind !== 'table';
  }

  private stringList(v: unknown, path: TomlPath): string[] | undefined {
    if (isStringList(v)) return v;
    if (!Array.isArray(v)) {
      this.invalidType(v, 'a sequence', path);
      return undefined;
    }
    for (let i = 0; i < v.length; i++) {
      if (typeof v[i] !== 'string') this.invalidType(v[i], 'a string', [...path, i]);
    }
    return undefined;
  }

  /** `secret`, or what it gave for this very value before (see secretReads). */
  private secretOnce(profile: string, name: string, v: unknown, parent: Origin): SecretDecl | undefined {
    if (typeof v !== 'object' || v === null || v instanceof Date) return this.secret(profile, name, v, new KeyOrigin(this.file, parent, name));
    const id = `${this.file ?? ''}\u0000${profile}\u0000${name}`;
    let reads = secretReads.get(v);
    const known = reads?.get(id);
    if (known) {
      for (const p of known.problems) this.problems.push(p);
      return known.decl;
    }
    const from = this.problems.length;
    const decl = this.secret(profile, name, v, new KeyOrigin(this.file, parent, name));
    if (!reads) secretReads.set(v, (reads = new Map()));
    reads.set(id, { decl, problems: this.problems.slice(from) });
    return decl;
  }

  private secret(profile: string, name: string, v: unknown, at: Origin): SecretDecl | undefined {
    return isTable(v) ? this.secretTable(profile, name, v, at) : this.struct(v, at.path, SECRET_SHAPE, (t) => this.secretTable(profile, name, t, at));
  }

  private secretTable(profile: string, name: string, v: TomlTable, at: Origin): SecretDecl {
    const fields: SecretFields = {};
    this.declType = v['type'];
    let bits = 0;
    for (const key of Object.keys(v)) {
      const bit = FIELD_BITS.get(key);
      if (bit === undefined) {
        this.ignored(key, `the declaration of '${name}'`, SECRET_FIELDS, [...at.path, key]);
        continue;
      }
      bits |= bit;
      this.secretField(key as SecretField, v[key], at, fields);
    }
    if (bits & REF_BIT && bits & REFS_BIT) {
      this.error(
        'ref-and-refs',
        '`ref` and `refs` cannot both be set; use `refs` for provider-scoped addresses or keep the legacy route-wide `ref`',
        [...at.path, 'refs'],
        'key',
      );
    }
    return { name, profile, at, fields, written: this.writtenSet(bits) };
  }

  private writtenSet(bits: number): ReadonlySet<SecretField> {
    let set = this.writtenSets.get(bits);
    if (!set) this.writtenSets.set(bits, (set = new Set(SECRET_FIELDS.filter((_, i) => bits & (1 << i)))));
    return set;
  }

  /**
   * One field of the declaration at `decl`. Valid values keep `decl` and the
   * key rather than a path of their own; a path is built only to report a
   * problem.
   */
  private secretField(field: SecretField, v: unknown, decl: Origin, out: SecretFields): void {
    switch (field) {
      case 'description':
      case 'default':
      case 'composed':
      case 'type':
        if (typeof v !== 'string') this.invalidType(v, 'a string', fieldPath(decl, field));
        else out[field] = new KeyedValue(v, decl, field);
        return;
      case 'as_path':
      case 'prompt':
        if (typeof v !== 'boolean') this.invalidType(v, 'a boolean', fieldPath(decl, field));
        else out[field] = new KeyedValue(v, decl, field);
        return;
      case 'providers':
        if (isStringList(v)) out.providers = new KeyedValue(v, decl, field);
        else this.stringList(v, fieldPath(decl, field));
        return;
      case 'encoding':
        if (typeof v === 'string' && (ENCODINGS as readonly string[]).includes(v)) out.encoding = new KeyedValue(v, decl, field);
        else this.notVariant(v, ENCODINGS, fieldPath(decl, field), 'invalid-encoding');
        return;
      case 'required':
        if (typeof v === 'boolean') out.required = new KeyedValue(v, decl, field);
        else this.required(v, fieldPath(decl, field), out);
        return;
      case 'generate':
        this.generate(v, fieldPath(decl, field), out);
        return;
      case 'extract':
        this.extract(v, fieldPath(decl, field), out);
        return;
      case 'ref': {
        const coords = this.refTable(v, fieldPath(decl, field));
        if (coords) out.ref = new KeyedValue(coords, decl, field);
        return;
      }
      case 'refs': {
        const p = fieldPath(decl, field);
        const table = this.asMap(v, p);
        if (!table) {
          this.invalidType(v, 'a map', p);
          return;
        }
        const refs: Record<string, RefCoords> = {};
        let ok = true;
        for (const [alias, rv] of Object.entries(table)) {
          const coords = this.refTable(rv, [...p, alias]);
          if (coords) refs[alias] = coords;
          else ok = false;
        }
        if (ok) out.refs = this.sourced(refs, p);
        return;
      }
    }
  }

  /**
   * `required` as a group-membership table (a boolean never gets here). The
   * untagged enum hides why RequiredGroups failed, an array read by position
   * included.
   */
  private required(v: unknown, p: TomlPath, out: SecretFields): void {
    const untagged = () =>
      this.error('invalid-required', 'data did not match any variant of untagged enum RequiredSetting', p, 'value');
    const seq = Array.isArray(v);
    if (seq && !seqFits(v, REQUIRED_SHAPE)) return untagged();
    const table = seq ? seqTable(v, REQUIRED_SHAPE.fields) : this.asMap(v, p);
    if (!table) return untagged();
    const groups: GroupMembership = {};
    for (const key of Object.keys(table)) {
      if (key !== 'at_least_one' && key !== 'exactly_one') return untagged();
      const g = table[key];
      const gp = [...p, seq ? REQUIRED_SHAPE.fields.indexOf(key) : key];
      if (typeof g === 'string') groups[key] = this.sourced([g], gp);
      else if (Array.isArray(g) && g.every((e) => typeof e === 'string')) groups[key] = this.sourced(g as string[], gp);
      else return untagged();
    }
    if (!groups.at_least_one && !groups.exactly_one) {
      this.error('empty-required-table', '`required` table must set `at_least_one` or `exactly_one`', p, 'value');
      return;
    }
    if (seq) this.positional(v, REQUIRED_SHAPE.fields, p);
    out.required = this.sourced(groups, p);
  }

  private generate(v: unknown, p: TomlPath, out: SecretFields): void {
    if (typeof v === 'boolean') {
      out.generate = this.sourced(v, p);
      return;
    }
    const untagged = () =>
      this.error('invalid-generate', 'data did not match any variant of untagged enum GenerateConfig', p, 'value');
    // The untagged enum hides why GenerateOptions failed, an array read by position included.
    const seq = Array.isArray(v);
    if (seq && !seqFits(v, GENERATE_SHAPE)) return untagged();
    const table = seq ? seqTable(v, GENERATE_SHAPE.fields) : this.asMap(v, p);
    if (!table) return untagged();
    for (const [key, ov] of Object.entries(table)) {
      if (key === 'length' || key === 'bytes' || key === 'bits') {
        const isInt = (typeof ov === 'number' && Number.isInteger(ov)) || typeof ov === 'bigint';
        if (!isInt || Number(ov) < 0 || this.describe(ov, [...p, seq ? GENERATE_SHAPE.fields.indexOf(key) : key]).startsWith('floating')) return untagged();
      } else if (key === 'charset' || key === 'command' || key === 'algorithm' || key === 'user_id' || key === 'comment') {
        if (typeof ov !== 'string') return untagged();
      } else if (key === 'capabilities') {
        if (!isStringList(ov)) return untagged();
      }
    }
    // A did-you-mean names only options the declared type reads (`comment` is no typo of `command` on an SSH key).
    const type = typeof this.declType === 'string' && this.declType in GENERATE_OPTIONS_BY_TYPE ? GENERATE_OPTIONS_BY_TYPE[this.declType as keyof typeof GENERATE_OPTIONS_BY_TYPE] : GENERATE_OPTIONS;
    for (const key of Object.keys(table)) {
      if (!(GENERATE_OPTIONS as readonly string[]).includes(key)) this.ignored(key, '`generate` options', type, [...p, key]);
    }
    if (seq) this.positional(v, GENERATE_SHAPE.fields, p);
    out.generate = this.sourced(table, p);
  }

  private extract(v: unknown, p: TomlPath, out: SecretFields): void {
    const extract = isTable(v) ? this.extractTable(v, p) : this.struct(v, p, EXTRACT_SHAPE, (t) => this.extractTable(t, p));
    if (extract) out.extract = this.sourced(extract, p);
  }

  private extractTable(v: TomlTable, p: TomlPath): SecretValues['extract'] | undefined {
    let ok = this.onlyFields(v, ['format', 'pointer'], p);
    const format = v['format'];
    const pointer = v['pointer'];
    if (!('format' in v)) {
      this.missing('format', p, 'value');
      ok = false;
    } else if (format !== 'json' && format !== 'ini') {
      this.notVariant(format, EXTRACT_FORMATS, [...p, 'format'], 'invalid-extract-format');
      ok = false;
    }
    if (!('pointer' in v)) {
      this.missing('pointer', p, 'value');
      ok = false;
    } else if (typeof pointer !== 'string') {
      this.invalidType(pointer, 'a string', [...p, 'pointer']);
      ok = false;
    }
    return ok ? { format: format as 'json' | 'ini', pointer: pointer as string } : undefined;
  }

  /** A `ref`/`refs.<alias>`/credential `ref` (NativeAddress, manifest-rules §3.2), whose visitor turns a string into a hint. */
  private refTable(v: unknown, p: TomlPath): RefCoords | undefined {
    if (typeof v === 'string') {
      this.error('ref-not-table', refStringHint(v), p, 'value', opRefReplacement(v));
      return undefined;
    }
    const table = this.asMap(v, p);
    if (!table) {
      this.invalidType(v, 'a table of native secret coordinates like { item = "db", field = "password" }', p);
      return undefined;
    }
    return this.refFields(table, p);
  }

  /** An alias's `ref` template (NativeAddressTemplate): a plain derived struct. */
  private refTemplate(v: unknown, p: TomlPath): RefCoords | undefined {
    return this.struct(v, p, TEMPLATE_SHAPE, (t) => this.refFields(t, p));
  }

  /** The coordinates of a ref or ref template, both `deny_unknown_fields` with a required `item`. */
  private refFields(v: TomlTable, p: TomlPath): RefCoords | undefined {
    let ok = true;
    const coords: RefCoords = {};
    for (const [key, cv] of Object.entries(v)) {
      if (!(REF_COORDINATES as readonly string[]).includes(key)) {
        this.unknownField(key, REF_COORDINATES, [...p, key]);
        ok = false;
      } else if (typeof cv !== 'string') {
        this.invalidType(cv, 'a string', [...p, key]);
        ok = false;
      } else coords[key as keyof RefCoords] = cv;
    }
    if (!('item' in v)) {
      this.missing('item', p, 'value');
      ok = false;
    }
    return ok ? coords : undefined;
  }

  /** Aliases written under `path` in another file (the user config's `[defaults.providers]`), with every shape problem. */
  aliasTable(table: TomlTable, path: TomlPath): { aliases: Map<string, AliasModel>; problems: Problem[] } {
    const aliases = new Map<string, AliasModel>();
    for (const [name, av] of Object.entries(table)) aliases.set(name, this.alias(name, av, [...path, name]));
    return { aliases, problems: this.problems };
  }

  private providers(value: unknown, out: Map<string, AliasModel>): void {
    const v = this.asMap(value, ['providers']);
    if (!v) {
      const shape = this.describe(value, ['providers']);
      this.error(
        'invalid-type',
        `invalid type: ${shape}, expected a map of provider aliases (alias = "uri" or alias = { uri = "…" })`,
        ['providers'],
        Array.isArray(value) ? 'key' : 'value',
      );
      return;
    }
    for (const [name, av] of Object.entries(v)) {
      out.set(name, this.alias(name, av, ['providers', name]));
    }
  }

  private alias(name: string, value: unknown, p: TomlPath): AliasModel {
    const model: AliasModel = { name, at: this.at(p), kind: 'invalid', credentials: [] };
    if (typeof value === 'string') {
      model.kind = 'string';
      model.uri = this.sourced(value, p);
      return model;
    }
    const v = this.asMap(value, p);
    if (!v) {
      this.error(
        'invalid-alias',
        `invalid type: ${this.describe(value, p)}, expected a provider URI string, a { uri, credentials, cache } table, or a { fallback, cache } table`,
        p,
      );
      return model;
    }
    for (const key of Object.keys(v)) {
      if (!ALIAS_KEYS.includes(key)) {
        this.unknownField(key, ALIAS_KEYS, [...p, key]);
        return model;
      }
    }
    const has = (k: string) => k in v;
    let ok = true;
    if (has('uri')) {
      if (typeof v['uri'] !== 'string') {
        this.invalidType(v['uri'], 'a string', [...p, 'uri']);
        ok = false;
      } else model.uri = this.sourced(v['uri'], [...p, 'uri']);
    }
    if (has('credentials')) ok = this.credentials(v['credentials'], [...p, 'credentials'], model) && ok;
    if (has('ref')) {
      const coords = this.refTemplate(v['ref'], [...p, 'ref']);
      if (coords) {
        const templateProblems = checkRefTemplate(coords);
        for (const t of templateProblems) this.error('invalid-ref-template', t.message, [...p, 'ref', t.coordinate]);
        if (templateProblems.length) ok = false;
        else model.ref = this.sourced(coords, [...p, 'ref']);
      } else ok = false;
    }
    if (has('fallback')) {
      const list = this.stringList(v['fallback'], [...p, 'fallback']);
      if (list) model.fallback = list.map((s, i) => this.sourced(s, [...p, 'fallback', i]));
      else ok = false;
    }
    if (has('cache')) ok = this.cache(v['cache'], [...p, 'cache'], model) && ok;

    const shape = (message: string, code: string, at: TomlPath = p, part: 'key' | 'value' = 'key') => {
      this.error(code, message, at, part);
      ok = false;
    };
    if (has('uri') && has('fallback')) {
      shape('a provider alias must use either { uri, credentials, ref, cache } or { fallback, cache }, not both', 'alias-uri-and-fallback', [...p, 'fallback']);
    } else if (has('fallback') && !has('cache')) {
      shape('a cached provider alias with fallback also requires cache', 'alias-fallback-without-cache', [...p, 'fallback']);
    } else if (has('cache') && !has('uri') && !has('fallback')) {
      shape('a cached provider alias with cache also requires uri or fallback', 'alias-cache-without-source', [...p, 'cache']);
    } else if (!has('uri') && !has('fallback') && !has('cache')) {
      shape('a provider alias table requires uri or fallback plus cache', 'alias-without-uri', p, 'value');
    } else if (has('uri') && has('cache') && has('ref')) {
      shape('an inline cached provider alias cannot declare a ref template', 'inline-cached-alias-ref', [...p, 'ref']);
    } else if (has('fallback') && has('cache')) {
      if (has('credentials')) {
        shape('a cached provider alias cannot declare credentials; put credentials on its leaf fallback aliases', 'cached-alias-credentials', [...p, 'credentials']);
      } else if (has('ref')) {
        shape('a cached provider alias cannot declare a ref template; put templates on its leaf aliases', 'cached-alias-ref', [...p, 'ref']);
      } else if (model.fallback && (model.fallback.length === 0 || model.fallback.some((f) => f.value.trim() === ''))) {
        const blank = model.fallback.findIndex((f) => f.value.trim() === '');
        shape('a cached provider alias requires at least one non-empty fallback', 'cached-alias-empty-fallback', blank >= 0 ? [...p, 'fallback', blank] : [...p, 'fallback'], 'value');
      }
    }
    if (!ok) return model;
    model.kind = has('fallback') ? 'cached-fallback' : has('cache') ? 'inline-cached' : 'leaf';
    return model;
  }

  private credentials(value: unknown, p: TomlPath, model: AliasModel): boolean {
    const v = this.asMap(value, p);
    if (!v) {
      this.invalidType(value, 'a map', p);
      return false;
    }
    let ok = true;
    for (const [name, value] of Object.entries(v)) {
      const cp = [...p, name];
      const source: CredentialSource = { name, at: this.at(cp) };
      if (typeof value === 'string') {
        source.provider = this.sourced(value, cp);
        model.credentials.push(source);
        continue;
      }
      const cv = this.asMap(value, cp);
      if (!cv) {
        this.error('invalid-type', `invalid type: ${this.describe(value, cp)}, expected a provider spec string or a { provider, ref } table`, cp);
        ok = false;
        continue;
      }
      if (!this.onlyFields(cv, ['provider', 'ref'], cp)) ok = false;
      const provider = this.providerField(cv, cp);
      if (provider === undefined) ok = false;
      else source.provider = this.sourced(provider, [...cp, 'provider']);
      if ('ref' in cv) {
        const coords = this.refTable(cv['ref'], [...cp, 'ref']);
        if (coords) source.ref = this.sourced(coords, [...cp, 'ref']);
        else ok = false;
      }
      model.credentials.push(source);
    }
    return ok;
  }

  private cache(v: unknown, p: TomlPath, model: AliasModel): boolean {
    return this.struct(v, p, CACHE_SHAPE, (t) => this.cacheTable(t, p, model)) ?? false;
  }

  /** True when the cache reads, else undefined; `model.cache` is set either way, for the rules that follow the shape. */
  private cacheTable(v: TomlTable, p: TomlPath, model: AliasModel): true | undefined {
    let ok = this.onlyFields(v, ['provider', 'max_age'], p);
    const cache: NonNullable<AliasModel['cache']> = { at: this.at(p) };
    const provider = this.providerField(v, p);
    if (provider === undefined) {
      ok = false;
    } else if (provider.trim() === '') {
      this.error('cache-provider-empty', 'cache.provider must be a non-empty provider spec', [...p, 'provider']);
      ok = false;
    } else cache.provider = this.sourced(provider, [...p, 'provider']);
    if (!('max_age' in v)) {
      this.missing('max_age', p, 'value');
      ok = false;
    } else if (typeof v['max_age'] !== 'string') {
      this.invalidType(v['max_age'], 'a string', [...p, 'max_age']);
      ok = false;
    } else {
      const err = checkMaxAge(v['max_age']);
      if (err) {
        this.error('invalid-max-age', err, [...p, 'max_age']);
        ok = false;
      } else cache.maxAge = this.sourced(v['max_age'], [...p, 'max_age']);
    }
    model.cache = cache;
    return ok || undefined;
  }

  private scopes(value: unknown, out: Map<string, ScopeModel>): void {
    const v = this.asMap(value, ['scopes']);
    if (!v) {
      this.invalidType(value, 'a map', ['scopes']);
      return;
    }
    for (const [name, sv] of Object.entries(v)) {
      const p: PathSegment[] = ['scopes', name];
      const scope = isTable(sv) ? this.scope(name, sv, p) : this.struct(sv, p, SCOPE_SHAPE, (t) => this.scope(name, t, p));
      if (scope) out.set(name, scope);
    }
  }

  private scope(name: string, sv: TomlTable, p: TomlPath): ScopeModel {
    const scope: ScopeModel = { name, at: this.at(p) };
    for (const key of Object.keys(sv)) {
      if (key !== 'secrets') this.ignored(key, `[scopes.${name}]`, ['secrets'], [...p, key]);
    }
    if (!('secrets' in sv)) {
      this.missing('secrets', p);
    } else {
      const list = this.stringList(sv['secrets'], [...p, 'secrets']);
      if (list) {
        scope.secrets = list.map((s, i) => this.sourced(s, [...p, 'secrets', i]));
        scope.secretsAt = this.at([...p, 'secrets']);
      }
    }
    return scope;
  }
}

/**
 * SecretSpec's alias shapes read outside a manifest: the user config's
 * `[defaults.providers]` deserializes into the same `ProviderAlias`.
 */
export function readAliasTable(parsed: ParsedFile, file: string | null, table: TomlTable, path: TomlPath): { aliases: Map<string, AliasModel>; problems: Problem[] } {
  return new Reader(parsed, file).aliasTable(table, path);
}

/** serde's `Unexpected` wording for a value of `parsed` (e.g. "integer `1`", "map"), for shape errors read outside a manifest. */
export function describeUnexpected(parsed: ParsedFile, value: unknown, path: TomlPath): string {
  return new Reader(parsed, parsed.path).describe(value, path);
}

const PLAIN_ASCII = /^[\x20-\x7e]*$/;
const GRAPHEME_EXTEND = /\p{Grapheme_Extend}/u;
/** Rust's `is_printable` is false for these general categories, save the space itself. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const DEBUG_ESCAPES: Record<string, string> = { '\0': '\\0', '\t': '\\t', '\r': '\\r', '\n': '\\n', '\\': '\\\\', '"': '\\"' };

/**
 * A string as Rust's `Debug` quotes it (serde's `Unexpected::Str`): `\0`,
 * `\t`, `\r`, `\n`, `\\` and `\"` escaped, then every grapheme-extending or
 * unprintable character as `\u{hex}`; a `'` stays as it is.
 */
export function rustDebugString(s: string): string {
  if (PLAIN_ASCII.test(s) && !s.includes('"') && !s.includes('\\')) return `"${s}"`;
  let out = '"';
  for (const c of s) {
    const escape = DEBUG_ESCAPES[c];
    if (escape) out += escape;
    else if (c !== ' ' && (GRAPHEME_EXTEND.test(c) || UNPRINTABLE.test(c))) out += `\\u{${c.codePointAt(0)!.toString(16)}}`;
    else out += c;
  }
  return `${out}"`;
}

/**
 * A datetime's text as toml_datetime's `Display` writes it, from its source:
 * `T` between date and time (for a `t` or a space), a fraction of at most
 * nine digits without trailing zeros, `Z` for `z`, and `-00:00` as `+00:00`.
 */
export function tomlDatetimeText(raw: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}:\d{2})(?::(\d{2})(?:\.(\d+))?)?)?([Zz]|[+-]\d{2}:\d{2})?$/.exec(raw);
  if (!m) return raw;
  const [, date = '', hoursMinutes, seconds, fraction, offset] = m;
  let text = date;
  if (hoursMinutes) {
    text += `${date ? 'T' : ''}${hoursMinutes}${seconds ? `:${seconds}` : ''}`;
    if (fraction) text += `.${fraction.slice(0, 9).padEnd(9, '0').replace(/0+$/, '') || '0'}`;
  }
  if (offset) text += offset === 'z' ? 'Z' : offset === '-00:00' ? '+00:00' : offset;
  return text;
}

/**
 * An f64 as serde's `Unexpected::Float` shows it: Rust's `Display` (never an
 * exponent; `inf`, `-inf`, `NaN`) with a `.0` added to whole numbers.
 */
export function rustFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  let text = Object.is(value, -0) ? '-0' : String(value);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (exp) {
    const [, sign, lead, frac = '', power] = exp;
    const digits = lead! + frac;
    const point = 1 + Number(power);
    text = point <= 0 ? `${sign}0.${'0'.repeat(-point)}${digits}` : `${sign}${digits.padEnd(point, '0')}${digits.length > point ? `.${digits.slice(point)}` : ''}`;
  }
  return text.includes('.') ? text : `${text}.0`;
}

/** The two `ref = "<string>"` translation hints of manifest-rules §3.2. */
export function refStringHint(s: string): string {
  const op = /^op:\/\/([^/]+)\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/.exec(s);
  if (op) {
    const [, vault, item, section, field] = op;
    const parts = [`vault = "${vault}"`, `item = "${item}"`, ...(section ? [`section = "${section}"`] : []), `field = "${field}"`];
    return `\`ref\` takes a table of coordinates, not a URI. Use: ref = { ${parts.join(', ')} }`;
  }
  return `\`ref\` takes a table of native secret coordinates, not a string: got '${s}'. Write e.g. ref = { item = "db", field = "password" }; which store resolves the coordinates comes from \`providers\` (or the default provider).`;
}

function opRefReplacement(s: string): Record<string, unknown> | undefined {
  const op = /^op:\/\/([^/]+)\/([^/]+)\/(?:([^/]+)\/)?([^/]+)$/.exec(s);
  if (!op) return undefined;
  const [, vault, item, section, field] = op;
  const parts = [`vault = ${JSON.stringify(vault)}`, `item = ${JSON.stringify(item)}`, ...(section ? [`section = ${JSON.stringify(section)}`] : []), `field = ${JSON.stringify(field)}`];
  return { replacement: `{ ${parts.join(', ')} }` };
}
