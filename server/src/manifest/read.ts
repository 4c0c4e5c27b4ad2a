// One document's values → the typed model, with every shape error SecretSpec's
// deserializer raises ([P], manifest-rules §1–§6 "Shape") and every key it
// silently ignores (Information). Unlike serde, which stops at the first
// error, every independent problem is collected; a field with a bad value is
// left out of the model so later rules don't pile on.
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
  type Sourced,
} from './model';
import type { ParsedFile, TomlTable } from './parse';
import type { PathSegment, TomlPath } from './path';
import { checkMaxAge } from './duration';
import { checkRefTemplate } from './refTemplate';

const ROOT_KEYS = ['project', 'profiles', 'defaults', 'providers', 'scopes'];
const PROJECT_KEYS = ['name', 'revision', 'extends', 'require_reason'];
const DEFAULTS_KEYS = ['inherit', 'required', 'default', 'providers'];
const ALIAS_KEYS = ['uri', 'credentials', 'ref', 'fallback', 'cache'];

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
    if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
    if (typeof value === 'boolean') return `boolean \`${value}\``;
    if (typeof value === 'bigint') return `integer \`${value}\``;
    if (typeof value === 'number') {
      const span = this.parsed.map.get(path)?.value;
      const raw = span ? this.parsed.text.slice(span.start, span.end).replace(/_/g, '') : String(value);
      const isFloat = /[.eE]|inf|nan/.test(raw) && !/^[+-]?0[xob]/.test(raw);
      if (!isFloat && Number.isInteger(value)) return `integer \`${value}\``;
      return `floating point \`${rustFloat(value)}\``;
    }
    if (Array.isArray(value)) return 'sequence';
    if (value instanceof Date) return 'datetime';
    return 'map';
  }

  private unknownField(key: string, allowed: readonly string[], path: TomlPath): void {
    const expected =
      allowed.length === 1
        ? `\`${allowed[0]}\``
        : allowed.length === 2
          ? `\`${allowed[0]}\` or \`${allowed[1]}\``
          : `one of ${allowed.map((a) => `\`${a}\``).join(', ')}`;
    const s = suggest(key, allowed);
    this.error('unknown-field', `unknown field \`${key}\`, expected ${expected}`, path, 'key', { key, ...(s ? { suggestion: s } : {}) });
  }

  private ignored(key: string, where: string, known: readonly string[], path: TomlPath): void {
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
    const path = ['project'];
    if (!isTable(v)) {
      this.invalidType(v, 'struct ProjectInfo', path);
      return undefined;
    }
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
    const path = ['defaults'];
    if (!isTable(v)) {
      this.invalidType(v, 'struct ProjectDefaults', path);
      return undefined;
    }
    let ok = true;
    for (const key of Object.keys(v)) {
      if (key !== 'providers') {
        this.unknownField(key, ['providers'], [...path, key]);
        ok = false;
      }
    }
    if (!('providers' in v)) {
      this.missing('providers', path);
      return undefined;
    }
    const list = this.stringList(v['providers'], [...path, 'providers']);
    if (!list || !ok) return undefined;
    return { at: this.at(path), providers: this.sourced(list, [...path, 'providers']) };
  }

  private profiles(v: unknown, doc: DocumentModel): void {
    if (!isTable(v)) {
      this.invalidType(v, 'a map', ['profiles']);
      return;
    }
    for (const [name, pv] of Object.entries(v)) {
      const path = ['profiles', name];
      if (!isTable(pv)) {
        this.invalidType(pv, 'a map', path);
        doc.hasUnreadableProfile = true;
        continue;
      }
      const profile: ProfileModel = { name, at: this.at(path), secrets: new Map() };
      for (const key of Object.keys(pv)) {
        if (key === 'defaults') {
          const d = this.defaults(pv[key], [...path, 'defaults']);
          if (d) profile.defaults = d;
          continue;
        }
        const decl = this.secret(name, key, pv[key], new KeyOrigin(this.file, profile.at, key));
        if (decl) profile.secrets.set(key, decl);
        else profile.hasUnreadableSecret = true;
      }
      doc.profiles.set(name, profile);
    }
  }

  private defaults(v: unknown, path: TomlPath): ProfileDefaults | undefined {
    if (!isTable(v)) {
      this.invalidType(v, 'struct ProfileDefaults', path);
      return undefined;
    }
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

  private secret(profile: string, name: string, v: unknown, at: Origin): SecretDecl | undefined {
    if (!isTable(v)) {
      this.invalidType(v, 'struct SecretSerde', at.path);
      return undefined;
    }
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
        if (typeof v !== 'string') this.invalidType(v, 'a string', fieldPath(decl, field));
        else if (!(ENCODINGS as readonly string[]).includes(v)) {
          const s = suggest(v, ENCODINGS);
          this.error('invalid-encoding', `unknown variant \`${v}\`, expected one of \`base64\`, \`base64url\`, \`hex\``, fieldPath(decl, field), 'value', s ? { suggestion: s } : undefined);
        } else out.encoding = new KeyedValue(v, decl, field);
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
        const coords = this.refTable(v, fieldPath(decl, field), 'ref');
        if (coords) out.ref = new KeyedValue(coords, decl, field);
        return;
      }
      case 'refs': {
        const p = fieldPath(decl, field);
        if (!isTable(v)) {
          this.invalidType(v, 'a map', p);
          return;
        }
        const refs: Record<string, RefCoords> = {};
        let ok = true;
        for (const [alias, rv] of Object.entries(v)) {
          const coords = this.refTable(rv, [...p, alias], 'refs');
          if (coords) refs[alias] = coords;
          else ok = false;
        }
        if (ok) out.refs = this.sourced(refs, p);
        return;
      }
    }
  }

  /** `required` as a group-membership table (a boolean never gets here). */
  private required(v: unknown, p: TomlPath, out: SecretFields): void {
    const untagged = () =>
      this.error('invalid-required', 'data did not match any variant of untagged enum RequiredSetting', p, 'value');
    if (!isTable(v)) return untagged();
    const groups: GroupMembership = {};
    for (const key of Object.keys(v)) {
      if (key !== 'at_least_one' && key !== 'exactly_one') return untagged();
      const g = v[key];
      const gp = [...p, key];
      if (typeof g === 'string') groups[key] = this.sourced([g], gp);
      else if (Array.isArray(g) && g.every((e) => typeof e === 'string')) groups[key] = this.sourced(g as string[], gp);
      else return untagged();
    }
    if (!groups.at_least_one && !groups.exactly_one) {
      this.error('empty-required-table', '`required` table must set `at_least_one` or `exactly_one`', p, 'value');
      return;
    }
    out.required = this.sourced(groups, p);
  }

  private generate(v: unknown, p: TomlPath, out: SecretFields): void {
    if (typeof v === 'boolean') {
      out.generate = this.sourced(v, p);
      return;
    }
    const untagged = () =>
      this.error('invalid-generate', 'data did not match any variant of untagged enum GenerateConfig', p, 'value');
    if (!isTable(v)) return untagged();
    for (const [key, ov] of Object.entries(v)) {
      if (key === 'length' || key === 'bytes' || key === 'bits') {
        const isInt = (typeof ov === 'number' && Number.isInteger(ov)) || typeof ov === 'bigint';
        if (!isInt || Number(ov) < 0 || this.describe(ov, [...p, key]).startsWith('floating')) return untagged();
      } else if (key === 'charset' || key === 'command' || key === 'algorithm' || key === 'user_id' || key === 'comment') {
        if (typeof ov !== 'string') return untagged();
      } else if (key === 'capabilities') {
        if (!isStringList(ov)) return untagged();
      }
    }
    // A did-you-mean names only options the declared type reads (`comment` is no typo of `command` on an SSH key).
    const type = typeof this.declType === 'string' && this.declType in GENERATE_OPTIONS_BY_TYPE ? GENERATE_OPTIONS_BY_TYPE[this.declType as keyof typeof GENERATE_OPTIONS_BY_TYPE] : GENERATE_OPTIONS;
    for (const key of Object.keys(v)) {
      if (!(GENERATE_OPTIONS as readonly string[]).includes(key)) this.ignored(key, '`generate` options', type, [...p, key]);
    }
    out.generate = this.sourced(v, p);
  }

  private extract(v: unknown, p: TomlPath, out: SecretFields): void {
    if (!isTable(v)) {
      this.invalidType(v, 'struct Extract', p);
      return;
    }
    let ok = true;
    for (const key of Object.keys(v)) {
      if (key !== 'format' && key !== 'pointer') {
        this.unknownField(key, ['format', 'pointer'], [...p, key]);
        ok = false;
      }
    }
    const format = v['format'];
    const pointer = v['pointer'];
    if (!('format' in v)) {
      this.missing('format', p, 'value');
      ok = false;
    } else if (typeof format !== 'string') {
      this.invalidType(format, 'a string', [...p, 'format']);
      ok = false;
    } else if (format !== 'json' && format !== 'ini') {
      this.error('invalid-extract-format', `unknown variant \`${format}\`, expected \`json\` or \`ini\``, [...p, 'format']);
      ok = false;
    }
    if (!('pointer' in v)) {
      this.missing('pointer', p, 'value');
      ok = false;
    } else if (typeof pointer !== 'string') {
      this.invalidType(pointer, 'a string', [...p, 'pointer']);
      ok = false;
    }
    if (ok) out.extract = this.sourced({ format: format as 'json' | 'ini', pointer: pointer as string }, p);
  }

  /** A `ref`/`refs.<alias>` coordinate table (manifest-rules §3.2). */
  private refTable(v: unknown, p: TomlPath, kind: 'ref' | 'refs'): RefCoords | undefined {
    if (typeof v === 'string') {
      this.error('ref-not-table', refStringHint(v), p, 'value', opRefReplacement(v));
      return undefined;
    }
    if (!isTable(v)) {
      this.invalidType(v, 'a table of native secret coordinates like { item = "db", field = "password" }', p);
      return undefined;
    }
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
    void kind;
    return ok ? coords : undefined;
  }

  /** Aliases written under `path` in another file (the user config's `[defaults.providers]`), with every shape problem. */
  aliasTable(table: TomlTable, path: TomlPath): { aliases: Map<string, AliasModel>; problems: Problem[] } {
    const aliases = new Map<string, AliasModel>();
    for (const [name, av] of Object.entries(table)) aliases.set(name, this.alias(name, av, [...path, name]));
    return { aliases, problems: this.problems };
  }

  private providers(v: unknown, out: Map<string, AliasModel>): void {
    if (!isTable(v)) {
      const shape = Array.isArray(v) ? 'sequence' : this.describe(v, ['providers']);
      this.error(
        'invalid-type',
        `invalid type: ${shape}, expected a map of provider aliases (alias = "uri" or alias = { uri = "…" })`,
        ['providers'],
        Array.isArray(v) ? 'key' : 'value',
      );
      return;
    }
    for (const [name, av] of Object.entries(v)) {
      out.set(name, this.alias(name, av, ['providers', name]));
    }
  }

  private alias(name: string, v: unknown, p: TomlPath): AliasModel {
    const model: AliasModel = { name, at: this.at(p), kind: 'invalid', credentials: [] };
    if (typeof v === 'string') {
      model.kind = 'string';
      model.uri = this.sourced(v, p);
      return model;
    }
    if (!isTable(v)) {
      this.error(
        'invalid-alias',
        `invalid type: ${this.describe(v, p)}, expected a provider URI string, a { uri, credentials, cache } table, or a { fallback, cache } table`,
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
      const coords = this.refTable(v['ref'], [...p, 'ref'], 'ref');
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
    model.kind = has('fallback') ? 'cached-fallback' : has('cache') ? 'inline-cached' : has('credentials') || has('ref') ? 'leaf' : 'leaf';
    return model;
  }

  private credentials(v: unknown, p: TomlPath, model: AliasModel): boolean {
    if (!isTable(v)) {
      this.invalidType(v, 'a map', p);
      return false;
    }
    let ok = true;
    for (const [name, cv] of Object.entries(v)) {
      const cp = [...p, name];
      const source: CredentialSource = { name, at: this.at(cp) };
      if (typeof cv === 'string') source.provider = this.sourced(cv, cp);
      else if (isTable(cv)) {
        for (const key of Object.keys(cv)) {
          if (key !== 'provider' && key !== 'ref') {
            this.unknownField(key, ['provider', 'ref'], [...cp, key]);
            ok = false;
          }
        }
        if (!('provider' in cv)) {
          this.missing('provider', cp, 'value');
          ok = false;
        } else if (typeof cv['provider'] !== 'string') {
          this.invalidType(cv['provider'], 'a string', [...cp, 'provider']);
          ok = false;
        } else source.provider = this.sourced(cv['provider'], [...cp, 'provider']);
        if ('ref' in cv) {
          const coords = this.refTable(cv['ref'], [...cp, 'ref'], 'ref');
          if (coords) source.ref = this.sourced(coords, [...cp, 'ref']);
          else ok = false;
        }
      } else {
        this.error('invalid-type', `invalid type: ${this.describe(cv, cp)}, expected a provider spec string or a { provider, ref } table`, cp);
        ok = false;
        continue;
      }
      model.credentials.push(source);
    }
    return ok;
  }

  private cache(v: unknown, p: TomlPath, model: AliasModel): boolean {
    if (!isTable(v)) {
      this.invalidType(v, 'struct CacheConfig', p);
      return false;
    }
    let ok = true;
    const cache: NonNullable<AliasModel['cache']> = { at: this.at(p) };
    for (const key of Object.keys(v)) {
      if (key !== 'provider' && key !== 'max_age') {
        this.unknownField(key, ['provider', 'max_age'], [...p, key]);
        ok = false;
      }
    }
    if (!('provider' in v)) {
      this.missing('provider', p, 'value');
      ok = false;
    } else if (typeof v['provider'] !== 'string') {
      this.invalidType(v['provider'], 'a string', [...p, 'provider']);
      ok = false;
    } else if (v['provider'].trim() === '') {
      this.error('cache-provider-empty', 'cache.provider must be a non-empty provider spec', [...p, 'provider']);
      ok = false;
    } else cache.provider = this.sourced(v['provider'], [...p, 'provider']);
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
    return ok;
  }

  private scopes(v: unknown, out: Map<string, ScopeModel>): void {
    if (!isTable(v)) {
      this.invalidType(v, 'a map', ['scopes']);
      return;
    }
    for (const [name, sv] of Object.entries(v)) {
      const p: PathSegment[] = ['scopes', name];
      const scope: ScopeModel = { name, at: this.at(p) };
      if (!isTable(sv)) {
        this.invalidType(sv, 'struct ScopeConfig', p);
        continue;
      }
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
      out.set(name, scope);
    }
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
