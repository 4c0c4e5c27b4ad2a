// Seeded manifests aimed at SecretSpec's load-time rules, for the
// differential test against the real CLI (test/oracle/manifests.test.ts).
// SecretSpec stops at the first problem, so a manifest with several says
// little about the later ones: each manifest gets a small budget of invalid
// draws (none for about a third of them), and every pool is split into
// values SecretSpec should take and values it should not (wrong types, near
// misses). Rules that combine fields still fire from valid draws. The same
// seed always gives the same manifests, and a case's id names its family
// and index so a disagreement can be regenerated alone.

/** A TOML literal written as is (floats, odd spellings). */
class Raw {
  constructor(readonly text: string) {}
}

/** An ordered table: TOML keeps the author's order, and so do the messages that depend on it. */
class Tbl {
  constructor(readonly entries: Array<[string, Value]>) {}
}

type Value = string | number | boolean | Raw | Tbl | Value[];

export interface GeneratedCase {
  id: string;
  family: string;
  /** Paths relative to the case directory. */
  files: Record<string, string>;
  /** The file handed to both sides. */
  open: string;
}

/** mulberry32: tiny, fast and good enough to spread choices evenly. */
class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** Each item with probability p, order kept. */
  some<T>(items: readonly T[], p: number): T[] {
    return items.filter(() => this.chance(p));
  }

  /** Invalid draws this manifest may still make. */
  budget = 0;
  /** Whether to spend one invalid draw here (with probability p, while any is left). */
  bad(p = 0.35): boolean {
    if (this.budget <= 0 || !this.chance(p)) return false;
    this.budget--;
    return true;
  }
  either<T>(valid: readonly T[], invalid: readonly T[], p = 0.35): T {
    return this.pick(invalid.length && this.bad(p) ? invalid : valid);
  }
}

const t = (obj: Record<string, Value>): Tbl => new Tbl(Object.entries(obj));

// ---- rendering ----

function str(s: string): string {
  // TOML basic strings reject raw control characters (DEL included) that JSON would leave in.
  return `"${[...s].map((c) => (c === '"' || c === '\\' ? `\\${c}` : c < ' ' || c === '\u007f' ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')}"`;
}

function key(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : str(k);
}

function render(v: Value): string {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Raw) return v.text;
  if (v instanceof Tbl) return v.entries.length ? `{ ${v.entries.map(([k, x]) => `${key(k)} = ${render(x)}`).join(', ')} }` : '{}';
  return `[${v.map(render).join(', ')}]`;
}

interface Secret {
  name: string;
  fields: Tbl;
  /** Inline table (the common spelling), a standard table, or dotted keys. */
  form?: 'inline' | 'table' | 'dotted';
}

interface Profile {
  name: string;
  secrets: Secret[];
  defaults?: Tbl;
}

interface Manifest {
  /** Absent: no `[project]` at all. */
  project?: Tbl;
  /** The 0.21 project-wide `[defaults]`. */
  defaults?: Tbl;
  providers?: Tbl;
  /** Absent: no `profiles`; empty: an empty `[profiles]` table. */
  profiles?: Profile[];
  /** Scope name → scope table. */
  scopes?: Tbl;
}

function header(path: string[]): string {
  return `[${path.map(key).join('.')}]`;
}

function tableBody(tbl: Tbl): string {
  return tbl.entries.map(([k, v]) => `${key(k)} = ${render(v)}\n`).join('');
}

function renderManifest(m: Manifest): string {
  let out = '';
  if (m.project) out += `[project]\n${tableBody(m.project)}`;
  if (m.defaults) out += `[defaults]\n${tableBody(m.defaults)}`;
  if (m.providers) out += `[providers]\n${tableBody(m.providers)}`;
  if (m.profiles && m.profiles.length === 0) out += '[profiles]\n';
  for (const p of m.profiles ?? []) {
    const loose = p.secrets.filter((s) => s.form !== 'table');
    const tables = p.secrets.filter((s) => s.form === 'table');
    if (loose.length || (!tables.length && !p.defaults)) {
      out += `${header(['profiles', p.name])}\n`;
      for (const s of loose) {
        if (s.form === 'dotted' && s.fields.entries.length) {
          out += s.fields.entries.map(([k, v]) => `${key(s.name)}.${key(k)} = ${render(v)}\n`).join('');
        } else {
          out += `${key(s.name)} = ${render(s.fields)}\n`;
        }
      }
    }
    for (const s of tables) out += `${header(['profiles', p.name, s.name])}\n${tableBody(s.fields)}`;
    if (p.defaults) out += `${header(['profiles', p.name, 'defaults'])}\n${tableBody(p.defaults)}`;
  }
  for (const [name, scope] of m.scopes?.entries ?? []) {
    out += scope instanceof Tbl ? `${header(['scopes', name])}\n${tableBody(scope)}` : `[scopes]\n${key(name)} = ${render(scope)}\n`;
  }
  return out;
}

// ---- pools ----

const PROJECT = (): Tbl => t({ name: 'app', revision: '1.0' });

const NAMES = ['A', 'B', 'C', 'D', 'DB_URL', 'API_KEY'];
const TYPES = ['password', 'hex', 'base64', 'uuid', 'command', 'rsa_private_key', 'openpgp_private_key', 'ssh_private_key'];
const BAD_TYPES: Value[] = ['bogus', 'Password', '', 'ssh_key', 'pgp', 1];
const SPECS = ['env', 'keyring', 'env://', 'keyring://', 'dotenv:.env', 'onepassword://vault', 'local', 'remote', 'cached'];
const MAX_AGES = ['30m', '8h', '1d', '1h30m', '2w', '90s', ' 8h '];
const BAD_MAX_AGES: Value[] = ['0s', '0m', '5', '', ' ', '10x', '1.5h', 'h', '99999999999999999999s', '99999999999999w', '1H', '-5m', 30];

function description(r: Rng): Value {
  return r.either<Value>(['d', 'd', 'd', '  '], ['', 1, true], 0.1);
}

/** `g` and `auth` are at-least-one groups and `h` an exactly-one group, unless an invalid draw mixes them. */
function requiredValue(r: Rng): Value {
  return r.either<Value>(
    [true, false, t({ at_least_one: 'g' }), t({ at_least_one: ['g'] }), t({ exactly_one: 'h' }), t({ exactly_one: ['h'] }), t({ at_least_one: ['g', 'auth'] }), t({ at_least_one: 'g', exactly_one: 'h' })],
    ['yes', 1, t({}), t({ at_least_one: [] }), t({ exactly_one: ' ' }), t({ at_least_one: 1 }), t({ bogus: 'g' }), t({ at_least_one: 'g', exactly_one: 'g' }), t({ at_least_one: ['g', 'g'] })],
  );
}

/** A template over `refs` (references stay inside it, so the graph is the caller's choice). */
function composedValue(r: Rng, refs: readonly string[]): Value {
  const n = () => r.pick(refs);
  return r.either<Value>(
    [`\${${n()}}`, `pre-\${${n()}}-$$-\${${n()}}`, `\${${n()}}\${${n()}}`],
    ['${lower}', `\${${n()}`, '${ A }', 'plain', `$\${${n()}}`, '${MISSING}', '${A{B}}', '${}', '$$', 1],
  );
}

function refValue(r: Rng): Value {
  return r.either<Value>(
    [t({ item: 'db' }), t({ item: 'db', field: 'password' }), t({ item: 'db', vault: 'V', section: 'S', field: 'f', version: '2' })],
    [t({}), t({ field: 'f' }), t({ item: '' }), t({ item: ' ' }), t({ item: 'db', field: ' ' }), t({ item: 'db', filed: 'x' }), t({ item: 1 }), 'op://V/I/F', 'op://V/I/S/F', 'db/password', 3],
  );
}

function refsValue(r: Rng): Value {
  return r.either<Value>(
    // A cached or undeclared alias as a key is a route rule, not a load rule.
    [t({ local: t({ item: 'x' }) }), t({ remote: t({ item: 'x', field: 'y' }), local: t({ item: 'z' }) }), t({ cached: t({ item: 'x' }) }), t({ undeclared: t({ item: 'x' }) })],
    [t({}), t({ ' ': t({ item: 'x' }) }), t({ local: t({ item: '' }) }), t({ local: t({}) }), t({ local: 'x' }), t({ local: t({ item: 'x', bogus: 'y' }) }), 1],
  );
}

function extractValue(r: Rng): Value {
  const x = (format: Value, pointer: Value) => t({ format, pointer });
  return r.either<Value>(
    [x('json', ''), x('json', '/a/b'), x('json', '/a~0b~1c'), x('ini', '/k'), x('ini', '/s/k'), x('ini', '/s~1x/k')],
    [x('json', 'a'), x('json', '/a~2'), x('json', '/~'), x('ini', '/s/k/x'), x('ini', ''), x('ini', '//k'), x('ini', '/s/'), x('ini', '/k~'), x('yaml', '/a'), x('JSON', '/a'), t({ format: 'json' }), t({ pointer: '/a' }), t({ format: 'json', pointer: '/a', extra: 1 }), 'json'],
  );
}

function generateValue(r: Rng): Value {
  return r.either<Value>(
    [true, true, false, t({}), t({ length: 32 }), t({ length: 0 }), t({ bytes: 16 }), t({ charset: 'ascii' }), t({ charset: 'bogus' }), t({ command: 'echo hi' }), t({ lenght: 64 }), t({ bits: 4096 })],
    [t({ length: -1 }), t({ length: '64' }), t({ bytes: 1.5 }), 'yes', 1],
  );
}

/** `generate` for the 0.21 key types: options aimed at `type`, now and then another type's. */
function keyGenerate(r: Rng, type: string): Value {
  if (r.chance(0.12)) return r.either<Value>([true, false, t({})], ['yes']);
  const pgp = type === 'openpgp_private_key';
  const ssh = type === 'ssh_private_key';
  const options: Array<[string, Value]> = [];
  const algorithm = r.either<Value>(['ed25519', 'rsa'], ['dsa', '', 'RSA', 1]);
  if (r.chance(pgp ? 0.9 : 0.05) || r.bad(0.1)) options.push(['user_id', r.either<Value>(['Alice <alice@example.com>', 'ci'], ['', '  ', 'A\u0007B', 'tab\there', 1])]);
  if (r.chance(0.5)) options.push(['algorithm', algorithm]);
  if (r.chance(algorithm === 'rsa' ? 0.6 : 0.03) || r.bad(0.1)) options.push(['bits', r.either<Value>([2048, 3072, 4096, 8192], [1024, 8193, 0, -1, '3072', new Raw('3072.0')])]);
  if (r.chance(pgp ? 0.4 : 0.03) || r.bad(0.1)) options.push(['capabilities', r.either<Value>([['sign'], ['encrypt'], ['sign', 'encrypt']], [[], ['sign', 'sign'], ['certify'], 'sign', [1]])]);
  if (r.chance(ssh ? 0.5 : 0.03) || r.bad(0.1)) options.push(['comment', r.either<Value>(['ci key', ''], ['a\tb', 'a\nb', 'x\u007fy', 1])]);
  for (const [name, value] of r.some<[string, Value]>([['length', 32], ['bytes', 16], ['command', 'echo hi'], ['charset', 'ascii'], ['bogus', 'x']], 0.04)) options.push([name, value]);
  return new Tbl(options);
}

function fieldValue(r: Rng, field: string, refs: readonly string[]): Value {
  switch (field) {
    case 'description':
      return description(r);
    case 'required':
      return requiredValue(r);
    case 'default':
      return r.either<Value>(['x', ''], [1, true]);
    case 'composed':
      return composedValue(r, refs);
    case 'providers':
      return r.either<Value>([[r.pick(SPECS)], [r.pick(SPECS), r.pick(SPECS)], []], [[''], 'env', [1]]);
    case 'ref':
      return refValue(r);
    case 'refs':
      return refsValue(r);
    case 'as_path':
      return r.either<Value>([true, false], ['true', 1]);
    case 'encoding':
      return r.either<Value>(['base64', 'base64url', 'hex'], ['rot13', '', 'Base64', 1]);
    case 'extract':
      return extractValue(r);
    case 'type':
      return r.either<Value>(TYPES, BAD_TYPES);
    case 'generate':
      return r.chance(0.3) ? keyGenerate(r, r.pick(TYPES)) : generateValue(r);
    case 'prompt':
      return r.either<Value>([true, false], ['true']);
    default:
      // Misspelt field names, which SecretSpec ignores.
      return r.pick<Value>(['x', true, 1]);
  }
}

const FIELDS = ['required', 'default', 'composed', 'providers', 'ref', 'refs', 'as_path', 'encoding', 'extract', 'type', 'generate', 'prompt', 'descripton', 'requried'];

function secret(r: Rng, name: string, fields: Array<[string, Value]>): Secret {
  return { name, fields: new Tbl(fields), form: r.pick(['inline', 'inline', 'inline', 'inline', 'table', 'dotted'] as const) };
}

/** A description unless an invalid draw drops it. */
function described(r: Rng): Array<[string, Value]> {
  return r.bad(0.08) ? [] : [['description', description(r)]];
}

/** A described secret with `k` random other fields. */
function randomSecret(r: Rng, name: string, refs: readonly string[], k: number): Secret {
  const chosen = new Set<string>();
  while (chosen.size < k) chosen.add(r.pick(FIELDS));
  return secret(r, name, [...described(r), ...[...chosen].map((f): [string, Value] => [f, fieldValue(r, f, refs)])]);
}

/** The aliases generated secrets route through. */
function standardAliases(r: Rng): Tbl {
  const entries: Array<[string, Value]> = [
    ['local', 'keyring://'],
    ['remote', 'onepassword://vault'],
  ];
  if (r.chance(0.7)) entries.push(['cached', t({ fallback: ['remote'], cache: t({ provider: 'local', max_age: '8h' }) })]);
  return new Tbl(entries);
}

// ---- families ----

type Family = (r: Rng) => Manifest | { files: Record<string, string>; open: string };

/** Random field combinations on a few secrets, sometimes overridden in a second profile. */
const fields: Family = (r) => {
  const names = NAMES.slice(0, 1 + r.int(3));
  const profiles: Profile[] = [{ name: 'default', secrets: names.map((n) => randomSecret(r, n, names, r.int(3))) }];
  if (r.chance(0.35)) {
    // An override without a description inherits it.
    const chosen = r.pick(FIELDS);
    profiles.push({ name: r.pick(['prod', 'staging']), secrets: [secret(r, r.pick(names), [[chosen, fieldValue(r, chosen, names)]])] });
  }
  return { project: PROJECT(), providers: r.chance(0.5) ? standardAliases(r) : undefined, profiles };
};

/** `type` with `generate`, weighted to the 0.21 OpenPGP and SSH key types. */
const keyTypes: Family = (r) => {
  const type = r.chance(0.8) ? r.pick(['openpgp_private_key', 'ssh_private_key']) : r.pick(TYPES);
  const fields: Array<[string, Value]> = [['description', 'key']];
  if (!r.bad(0.1)) fields.push(['type', r.either<Value>([type], BAD_TYPES, 0.15)]);
  if (!r.bad(0.1)) fields.push(['generate', keyGenerate(r, type)]);
  for (const extra of r.some(['default', 'prompt', 'extract', 'as_path', 'required', 'encoding'], 0.03)) fields.push([extra, fieldValue(r, extra, NAMES)]);
  const profiles: Profile[] = [{ name: 'default', secrets: [secret(r, 'KEY', fields)] }];
  if (r.chance(0.25)) {
    // The effective secret combines the override with the inherited type or generate.
    const other = r.pick(TYPES);
    profiles.push({ name: 'prod', secrets: [secret(r, 'KEY', r.chance(0.5) ? [['generate', keyGenerate(r, type)]] : [['type', other]])] });
  }
  return { project: PROJECT(), profiles };
};

/** Presence groups over several secrets, mostly with two members or more, with profile defaults and overrides. */
const groups: Family = (r) => {
  const names = NAMES.slice(0, 2 + r.int(3));
  const roles = names.map(() => r.pick(['alone', 'alone', 'g', 'g', 'h', 'h']));
  for (const group of ['g', 'h']) {
    const other = roles.findIndex((x) => x === 'alone');
    if (roles.filter((x) => x === group).length === 1 && other >= 0 && !r.bad(0.5)) roles[other] = group;
  }
  const secrets = names.map((n, i) => {
    const fields: Array<[string, Value]> = [['description', 'd']];
    const role = roles[i]!;
    const required =
      role === 'alone'
        ? r.pick<Value | undefined>([undefined, true, false])
        : r.either<Value>(role === 'g' ? [t({ at_least_one: 'g' }), t({ at_least_one: ['g', 'auth'] })] : [t({ exactly_one: 'h' }), t({ exactly_one: ['h'] })], [requiredValue(r)], 0.25);
    if (required !== undefined) fields.push(['required', required]);
    for (const extra of r.some(['prompt', 'default', 'generate'], 0.05)) fields.push([extra, fieldValue(r, extra, names)]);
    if (fields.some(([k]) => k === 'generate')) fields.push(['type', 'password']);
    return secret(r, n, fields);
  });
  const profiles: Profile[] = [{ name: 'default', secrets, defaults: r.chance(0.2) ? t({ required: r.pick([true, false]) }) : undefined }];
  if (r.chance(0.35)) profiles.push({ name: 'prod', secrets: [secret(r, r.pick(names), [['required', requiredValue(r)]])] });
  return { project: PROJECT(), profiles };
};

/** `composed` templates over a graph without cycles, unless an invalid draw adds one, and the fields composed forbids. */
const composed: Family = (r) => {
  const names = NAMES.slice(0, 2 + r.int(3));
  const secrets = names.map((n, i) => {
    const fields = described(r);
    const later = names.slice(i + 1);
    if (later.length && (i === 0 || r.chance(0.5))) {
      // A reference back (or to itself) closes a cycle; one to nothing declared is its own rule.
      const refs = r.bad(0.25) ? r.pick([names.slice(0, i + 1), ['ZZZ']]) : later;
      fields.push(['composed', composedValue(r, refs)]);
      for (const extra of ['default', 'providers', 'type', 'generate', 'prompt', 'ref', 'encoding', 'as_path', 'required', 'extract']) {
        if (r.bad(0.03)) fields.push([extra, fieldValue(r, extra, later)]);
      }
    }
    return secret(r, n, fields);
  });
  const profiles: Profile[] = [{ name: 'default', secrets }];
  if (r.chance(0.3)) profiles[0]!.defaults = t(r.chance(0.5) ? { default: 'x' } : { providers: ['env'] });
  if (r.chance(0.3)) {
    // An override can turn a leaf into a composed secret and so close a cycle through the inherited ones.
    const last = names[names.length - 1]!;
    profiles.push({ name: 'prod', secrets: [secret(r, last, [['composed', composedValue(r, r.bad(0.5) ? [names[0]!] : [last === 'A' ? 'B' : 'A'].filter((x) => x !== last && names.includes(x)).concat(names[0]!))]])] });
  }
  return { project: PROJECT(), defaults: r.chance(0.25) ? t({ providers: ['env'] }) : undefined, profiles };
};

function cacheValue(r: Rng): Value {
  return r.either<Value>(
    [t({ provider: 'local', max_age: r.either<Value>(MAX_AGES, BAD_MAX_AGES) })],
    [t({ provider: ' ', max_age: '8h' }), t({ provider: 'local' }), t({ max_age: '8h' }), t({ provider: 'local', max_age: '8h', ttl: '1h' }), 'local'],
  );
}

function templateValue(r: Rng): Value {
  return r.either<Value>(
    [t({ item: '{project}/{profile}/{key}' }), t({ item: '{key}', field: 'value', vault: '{project}' }), t({ item: 'fixed' })],
    [t({ item: '{foo}' }), t({ item: '{key' }), t({ item: 'a}' }), t({ item: ' ' }), t({ item: 'x', field: '' }), t({ item: 'x', bogus: 'y' }), t({ field: 'x' }), 'x'],
  );
}

function credentialValue(r: Rng): Value {
  return r.either<Value>(['keyring', 'local', t({ provider: 'keyring', ref: t({ item: 't' }) }), t({ provider: 'keyring' })], [t({ provider: 'keyring', bogus: 1 }), t({ ref: t({ item: 't' }) }), 1]);
}

function aliasValue(r: Rng): Value {
  if (r.bad(0.3)) {
    // Shapes no alias may take.
    return r.pick<Value>([
      1,
      true,
      ['env'],
      t({ fallback: ['remote'] }),
      t({ cache: t({ provider: 'local', max_age: '8h' }) }),
      t({}),
      t({ bogus: 1 }),
      t({ uri: 'env://', bogus: 1 }),
      t({ uri: 1 }),
      t({ uri: 'akv://v', cache: t({ provider: 'local', max_age: '8h' }), ref: t({ item: '{key}' }) }),
      t({ uri: 'env://', fallback: ['remote'], cache: t({ provider: 'local', max_age: '8h' }) }),
      t({ fallback: ['remote'], cache: t({ provider: 'local', max_age: '8h' }), credentials: t({ token: 'keyring' }) }),
      t({ fallback: ['remote'], cache: t({ provider: 'local', max_age: '8h' }), ref: t({ item: '{key}' }) }),
    ]);
  }
  switch (r.int(6)) {
    case 0:
      return r.pick(['env://', 'keyring://', 'vault://h/kv', '']);
    case 1:
      return t({ uri: r.pick(['env://', 'bws://p', 'vault://h/kv']), credentials: t({ token: credentialValue(r) }) });
    case 2:
      return t({ uri: 'vault://h/kv', ref: templateValue(r) });
    case 3:
      return new Tbl([['uri', r.pick(['akv://v', 'env://'])], ...(r.chance(0.3) ? ([['credentials', t({ token: credentialValue(r) })]] as Array<[string, Value]>) : []), ['cache', cacheValue(r)]]);
    case 4:
      return t({ fallback: r.either<Value>([['remote'], ['remote', 'env']], [[], [''], [' '], 'remote']), cache: cacheValue(r) });
    default:
      return t({ uri: 'env://' });
  }
}

/** `[providers]` aliases in every form, and secrets that route through them. */
const aliases: Family = (r) => {
  const entries: Array<[string, Value]> = [
    ['local', 'keyring://'],
    ['remote', 'onepassword://vault'],
  ];
  const count = 1 + r.int(3);
  for (let i = 0; i < count; i++) entries.push([r.pick(['cached', 'alias', 'vault', 'x y', 'ok']) + (i ? String(i) : ''), aliasValue(r)]);
  const used = entries.map(([k]) => k);
  const fields: Array<[string, Value]> = [['description', 'd']];
  if (r.chance(0.6)) fields.push(['providers', r.some(used, 0.4).concat(r.pick(used))]);
  if (r.chance(0.25)) fields.push(['refs', t({ [r.pick(used)]: t({ item: 'x' }) })]);
  return { project: PROJECT(), providers: new Tbl(entries), profiles: [{ name: 'default', secrets: [secret(r, 'A', fields)] }] };
};

/** `ref` and `refs` coordinates, alone, together, and inherited across profiles. */
const refs: Family = (r) => {
  const fields: Array<[string, Value]> = [['description', 'd']];
  const both = r.bad(0.15);
  const useRefs = both || r.chance(0.5);
  if (both || !useRefs) fields.push(['ref', refValue(r)]);
  if (useRefs) fields.push(['refs', refsValue(r)]);
  if (r.chance(0.4)) fields.push(['providers', [r.pick(SPECS)]]);
  if (r.chance(0.15)) fields.push(['generate', true], ['type', 'password']);
  const profiles: Profile[] = [{ name: 'default', secrets: [secret(r, 'A', fields)] }];
  if (r.chance(0.3)) profiles.push({ name: 'prod', secrets: [secret(r, 'A', r.chance(0.5) ? [['ref', refValue(r)]] : [['refs', refsValue(r)]])] });
  return { project: PROJECT(), providers: standardAliases(r), profiles };
};

/** `extract`, `encoding`, `as_path` and `prompt`, and what each may not be combined with. */
const storage: Family = (r) => {
  const fields: Array<[string, Value]> = [['description', 'd']];
  for (const f of r.some(['extract', 'encoding', 'as_path', 'prompt'], 0.55)) fields.push([f, fieldValue(r, f, NAMES)]);
  for (const f of r.some(['generate', 'default', 'required', 'composed'], 0.12)) fields.push([f, fieldValue(r, f, ['B'])]);
  if (fields.some(([k]) => k === 'generate') && r.chance(0.7)) fields.push(['type', r.pick(TYPES)]);
  return { project: PROJECT(), profiles: [{ name: 'default', secrets: [secret(r, 'A', fields), secret(r, 'B', [['description', 'b']])] }] };
};

/** `[scopes]`: empty, blank, repeated and undeclared members, and odd shapes. */
const scopes: Family = (r) => {
  const entries: Array<[string, Value]> = [];
  const count = 1 + r.int(2);
  for (let i = 0; i < count; i++) {
    const name = r.either(['web', 'api', 'a b'], [' ', ''], 0.15) + (i ? String(i) : '');
    const members = r.either<Value>([['A'], ['A', 'B'], ['P'], ['B', 'P']], [[], ['A', 'A'], [''], [' '], ['NOPE'], 'A', [1]]);
    entries.push([name, r.either<Value>([t({ secrets: members }), t({ secrets: members, note: 'x' })], [t({}), t({ secret: ['A'] })])]);
  }
  if (r.bad(0.05)) entries.push(['bad', 'A']);
  const profiles: Profile[] = [{ name: 'default', secrets: [secret(r, 'A', [['description', 'a']]), secret(r, 'B', [['description', 'b']])] }];
  if (r.chance(0.7)) profiles.push({ name: 'prod', secrets: [secret(r, 'P', [['description', 'p']])], defaults: r.chance(0.3) ? t({ inherit: false }) : undefined });
  return { project: PROJECT(), profiles, scopes: new Tbl(entries) };
};

function profileDefaults(r: Rng): Tbl {
  const entries: Array<[string, Value]> = [];
  if (r.chance(0.45)) entries.push(['inherit', r.either<Value>([true, false], ['no', 0])]);
  if (r.chance(0.45)) entries.push(['required', r.either<Value>([true, false], ['x', t({ at_least_one: 'g' })])]);
  if (r.chance(0.35)) entries.push(['default', r.either<Value>(['x', ''], [1])]);
  if (r.chance(0.35)) entries.push(['providers', r.either<Value>([['env'], ['local', 'env'], []], [[''], 'env', [1]])]);
  if (r.chance(0.1)) entries.push([r.pick(['description', 'as_path', 'bogus', 'provider']), 'x']);
  return new Tbl(entries);
}

/** `[profiles.<p>.defaults]`: inheritance switches, defaults meeting required secrets, empty profiles. */
const profileDefaultsFamily: Family = (r) => {
  const base: Secret[] = r.bad(0.1)
    ? []
    : [secret(r, 'A', [['description', 'a'], ...r.some<[string, Value]>([['required', r.pick([true, false])], ['generate', true], ['type', 'password'], ['prompt', true]], 0.2)])];
  const profiles: Profile[] = [{ name: 'default', secrets: base, defaults: r.chance(0.4) ? profileDefaults(r) : undefined }];
  const other: Secret[] = r.pick([[], [secret(r, 'A', r.some<[string, Value]>([['required', true], ['default', 'y'], ['description', 'p']], 0.5))], [secret(r, 'B', [['description', 'b'], ...r.some<[string, Value]>([['required', true], ['default', 'y']], 0.4)])]]);
  profiles.push({ name: r.pick(['prod', 'prod env']), secrets: other, defaults: r.chance(0.8) ? profileDefaults(r) : undefined });
  return { project: PROJECT(), profiles };
};

/** The 0.21 top-level `[defaults]` table. */
const projectDefaults: Family = (r) => {
  const entries: Array<[string, Value]> = [];
  if (!r.bad(0.1)) entries.push(['providers', r.either<Value>([['env'], ['local', 'env'], ['keyring']], [[], [''], [' '], ['env', ''], 'env', [1], t({})])]);
  if (r.bad(0.15)) entries.push([r.pick(['provider', 'profile', 'required', 'default', 'bogus']), r.pick<Value>(['env', true])]);
  const secrets = [secret(r, 'A', [['description', 'a'], ...r.some<[string, Value]>([['providers', ['env']], ['default', 'x'], ['required', false]], 0.2)])];
  if (r.chance(0.3)) secrets.push(secret(r, 'B', [['description', 'b'], ['composed', 'x-${A}']]));
  return {
    project: PROJECT(),
    providers: r.chance(0.3) ? standardAliases(r) : undefined,
    defaults: new Tbl(entries),
    profiles: [{ name: 'default', secrets, defaults: r.chance(0.2) ? t({ providers: ['keyring'] }) : undefined }],
  };
};

/** `[project]` itself: name, revision, `require_reason`, `extends` shapes; missing tables. */
const project: Family = (r) => {
  const entries: Array<[string, Value]> = [];
  if (!r.bad(0.08)) entries.push(['name', r.either<Value>(['app', ' '], ['', 1])]);
  if (!r.bad(0.08)) entries.push(['revision', r.either<Value>(['1.0'], ['2.0', '1', ' 1.0', new Raw('1.0'), ''])]);
  if (r.chance(0.4)) entries.push(['require_reason', r.either<Value>([true, false, 'agents'], ['always', 1, ''])]);
  if (r.chance(0.15)) entries.push(['extends', r.either<Value>([[]], ['x', [1]])]);
  if (r.chance(0.1)) entries.push(['homepage', 'x']);
  const profiles: Profile[] | undefined = r.bad(0.05) ? r.pick([undefined, []]) : [{ name: 'default', secrets: [secret(r, 'A', [['description', 'a']])] }];
  return { project: r.bad(0.05) ? undefined : new Tbl(entries), profiles };
};

function projectWith(name: string, extendsList?: Value): Tbl {
  return new Tbl([['name', name], ['revision', '1.0'], ...(extendsList === undefined ? [] : ([['extends', extendsList]] as Array<[string, Value]>))]);
}

/** `extends`: parents in sibling directories, missing parents, cycles, and merges across files. */
const extendsFamily: Family = (r) => {
  const parent: Manifest = {
    project: r.bad(0.1) ? r.pick([t({ name: 'base' }), t({ name: 'base', revision: '2.0' }), t({ name: 'base', revision: new Raw('1.0') })]) : projectWith('base', r.bad(0.1) ? [r.pick(['../app', '../base'])] : undefined),
    profiles: [{ name: 'default', secrets: [secret(r, 'S', [...described(r), ...r.some<[string, Value]>([['required', true], ['type', 'password']], 0.3)])], defaults: r.chance(0.2) ? profileDefaults(r) : undefined }],
  };
  if (r.chance(0.2)) parent.profiles!.push({ name: 'prod', secrets: [], defaults: profileDefaults(r) });
  if (r.chance(0.15)) parent.defaults = t({ providers: r.either<Value>([['env']], [[]]) });
  const files: Record<string, string> = {
    'base/secretspec.toml': renderManifest(parent),
    'other/secretspec.toml': renderManifest({ project: projectWith('other', r.bad(0.1) ? ['../app'] : ['../base']), profiles: [{ name: 'default', secrets: [secret(r, r.pick(['S', 'O']), [['description', 'o']])] }] }),
    'shared/base.toml': renderManifest({ project: projectWith('shared'), profiles: [{ name: 'default', secrets: [secret(r, 'T', [['description', 't']])] }] }),
  };
  const entry = (): Value => r.either<Value>(['../base', '../base', '../base/', '../base/secretspec.toml', '../other', '../shared/base.toml'], ['../missing', '../app', '', '../shared', './', 1]);
  const extendsList: Value = r.bad(0.05) ? '../base' : Array.from({ length: 1 + r.int(2) }, entry);
  const own: Secret[] = r.pick([
    [secret(r, 'A', [['description', 'a']])],
    [secret(r, 'S', r.some<[string, Value]>([['required', false], ['default', 'x'], ['description', 'own']], 0.5))],
    [secret(r, 'A', [['description', 'a'], ['composed', r.pick(['${S}', '${T}', '${O}'])]])],
    [],
  ]);
  files['app/secretspec.toml'] = renderManifest({
    project: projectWith('app', extendsList),
    profiles: [{ name: 'default', secrets: own, defaults: r.chance(0.15) ? profileDefaults(r) : undefined }, ...(r.chance(0.2) ? [{ name: 'prod', secrets: [secret(r, 'S', [['required', true]])] }] : [])],
  });
  return { files, open: 'app/secretspec.toml' };
};

const RICH = renderManifest({
  project: t({ name: 'shop', revision: '1.0', require_reason: false }),
  defaults: t({ providers: ['local'] }),
  providers: t({
    local: 'keyring://',
    remote: t({ uri: 'vault://h/kv', ref: t({ item: '{project}/{key}' }) }),
    cached: t({ fallback: ['remote'], cache: t({ provider: 'local', max_age: '8h' }) }),
  }),
  profiles: [
    {
      name: 'default',
      secrets: [
        { name: 'DB_URL', fields: t({ description: 'db', required: true, providers: ['cached'] }) },
        { name: 'DB_USER', fields: t({ description: 'user', refs: t({ remote: t({ item: 'db', field: 'user' }) }) }) },
        { name: 'DSN', fields: t({ description: 'dsn', composed: 'pg://${DB_USER}@${DB_URL}' }) },
        { name: 'GPG', fields: t({ description: 'gpg', type: 'openpgp_private_key', generate: t({ user_id: 'CI <ci@example.com>', algorithm: 'rsa', bits: 3072, capabilities: ['sign'] }) }), form: 'table' },
        { name: 'SSH', fields: t({ description: 'ssh', type: 'ssh_private_key', generate: t({ comment: 'deploy' }), as_path: true }) },
        { name: 'GH', fields: t({ description: 'gh', required: t({ at_least_one: 'auth' }) }) },
        { name: 'GL', fields: t({ description: 'gl', required: t({ at_least_one: 'auth' }) }) },
        { name: 'CFG', fields: t({ description: 'cfg', extract: t({ format: 'ini', pointer: '/db/password' }), encoding: 'base64' }) },
      ],
      defaults: t({ required: false }),
    },
    { name: 'prod', secrets: [{ name: 'DB_URL', fields: t({ prompt: true }) }], defaults: t({ providers: ['remote'] }) },
  ],
  scopes: t({ web: t({ secrets: ['DB_URL', 'DSN'] }) }),
});

/** One line of a rich valid manifest removed, or one value in it retyped. */
const mutate: Family = (r) => {
  const lines = RICH.split('\n');
  const i = r.int(lines.length - 1);
  const retyped: Array<[RegExp, string]> = [
    [/= "[^"]*"/, '= 1'],
    [/= true\b/, '= "true"'],
    [/= \[[^\]]*\]/, '= "x"'],
    [/= \{.*\}$/, '= "x"'],
    [/(\w+) = /, '$1_x = '],
    [/"([^"]*)"/, '"$1 "'],
  ];
  const [pattern, replacement] = r.pick(retyped);
  lines[i] = r.chance(0.4) ? '' : lines[i]!.replace(pattern, replacement);
  return { files: { 'secretspec.toml': lines.join('\n') }, open: 'secretspec.toml' };
};

/** Secret and profile names, valid and not. */
const names: Family = (r) => {
  const name = r.either(['A', 'DB_URL', '_X', 'ÄPI', 'lower', 'x1'], ['1BAD', 'a-b', 'A.B', '', 'a b', '٣X']);
  const profiles: Profile[] = [{ name: 'default', secrets: [secret(r, r.chance(0.5) ? name : 'A', [['description', 'd']])] }];
  if (r.chance(0.5)) profiles.push({ name: r.pick(['prod', '', 'a b', 'défaut']), secrets: [secret(r, name, [['description', 'd'], ...r.some<[string, Value]>([['required', true], ['default', 'x']], 0.3)])] });
  return { project: PROJECT(), profiles };
};

const HEAD = '[project]\nname = "app"\nrevision = "1.0"\n';
const ONE = '[profiles.default]\nA = { description = "d" }\n';
const secretWith = (fields: string) => `${HEAD}[profiles.default]\nA = { description = "d", ${fields} }\n`;

/**
 * One value slot per place a manifest holds a value (`@` marks it), for
 * `retypedManifests`; the manifest around it is valid, so the slot decides.
 */
const SLOTS: Record<string, string> = {
  'project.name': '[project]\nname = @\nrevision = "1.0"\n' + ONE,
  'project.revision': '[project]\nname = "app"\nrevision = @\n' + ONE,
  'project.extends': `${HEAD}extends = @\n${ONE}`,
  'project.extends[0]': `${HEAD}extends = [@]\n${ONE}`,
  'project.require_reason': `${HEAD}require_reason = @\n${ONE}`,
  project: `project = @\n${ONE}`,
  // Top-level keys go before `[project]`: written after a table header they would be keys of that table.
  profiles: `profiles = @\n${HEAD}`,
  'profiles.default': `${HEAD}[profiles]\ndefault = @\n`,
  'profiles.default.A': `${HEAD}[profiles.default]\nA = @\n`,
  'secret.description': `${HEAD}[profiles.default]\nA = { description = @ }\n`,
  'secret.required': secretWith('required = @'),
  // A partner in group `A`, so that a value read as membership of `A` makes a whole group.
  'secret.required+partner': `${HEAD}[profiles.default]\nA = { description = "d", required = @ }\nB = { description = "d", required = { at_least_one = "A" } }\n`,
  'secret.required.at_least_one': `${HEAD}[profiles.default]\nA = { description = "d", required = { at_least_one = @ } }\nB = { description = "d", required = { at_least_one = "g" } }\n`,
  'secret.required.exactly_one[0]': `${HEAD}[profiles.default]\nA = { description = "d", required = { exactly_one = [@] } }\nB = { description = "d", required = { exactly_one = "g" } }\n`,
  'secret.default': secretWith('default = @'),
  'secret.composed': `${HEAD}[profiles.default]\nA = { description = "d", composed = @ }\nB = { description = "d" }\n`,
  'secret.providers': secretWith('providers = @'),
  'secret.providers[0]': secretWith('providers = [@]'),
  'secret.ref': secretWith('ref = @'),
  'secret.ref.item': secretWith('ref = { item = @ }'),
  'secret.ref.version': secretWith('ref = { item = "i", version = @ }'),
  'secret.refs': secretWith('refs = @'),
  'secret.refs.local': secretWith('refs = { local = @ }'),
  'secret.refs.local.field': secretWith('refs = { local = { item = "i", field = @ } }'),
  'secret.as_path': secretWith('as_path = @'),
  'secret.encoding': secretWith('encoding = @'),
  'secret.extract': secretWith('extract = @'),
  'secret.extract.format': secretWith('extract = { format = @, pointer = "/a" }'),
  'secret.extract.pointer': secretWith('extract = { format = "json", pointer = @ }'),
  'secret.type': secretWith('type = @'),
  'secret.generate': secretWith('type = "password", generate = @'),
  'secret.generate.length': secretWith('type = "password", generate = { length = @ }'),
  'secret.generate.charset': secretWith('type = "password", generate = { charset = @ }'),
  'secret.generate.command': secretWith('type = "command", generate = { command = @ }'),
  'secret.generate.user_id': secretWith('type = "openpgp_private_key", generate = { user_id = @ }'),
  'secret.generate.algorithm': secretWith('type = "openpgp_private_key", generate = { user_id = "u", algorithm = @ }'),
  'secret.generate.bits': secretWith('type = "ssh_private_key", generate = { algorithm = "rsa", bits = @ }'),
  'secret.generate.capabilities': secretWith('type = "openpgp_private_key", generate = { user_id = "u", capabilities = @ }'),
  'secret.generate.capabilities[0]': secretWith('type = "openpgp_private_key", generate = { user_id = "u", capabilities = [@] }'),
  'secret.generate.comment': secretWith('type = "ssh_private_key", generate = { comment = @ }'),
  'secret.prompt': secretWith('prompt = @'),
  'profile.defaults': `${HEAD}[profiles.default]\nA = { description = "d" }\ndefaults = @\n`,
  'profile.defaults.inherit': `${HEAD}${ONE}[profiles.prod]\nB = { description = "d" }\n[profiles.prod.defaults]\ninherit = @\n`,
  'profile.defaults.required': `${HEAD}${ONE}[profiles.default.defaults]\nrequired = @\n`,
  'profile.defaults.default': `${HEAD}${ONE}[profiles.default.defaults]\ndefault = @\n`,
  'profile.defaults.providers': `${HEAD}${ONE}[profiles.default.defaults]\nproviders = @\n`,
  defaults: `defaults = @\n${HEAD}${ONE}`,
  'defaults.providers': `${HEAD}[defaults]\nproviders = @\n${ONE}`,
  'defaults.providers[0]': `${HEAD}[defaults]\nproviders = [@]\n${ONE}`,
  providers: `providers = @\n${HEAD}${ONE}`,
  'providers.alias': `${HEAD}[providers]\nalias = @\n${ONE}`,
  'providers.alias.uri': `${HEAD}[providers]\nalias = { uri = @ }\n${ONE}`,
  'providers.alias.credentials': `${HEAD}[providers]\nalias = { uri = "bws://p", credentials = @ }\n${ONE}`,
  'providers.alias.credentials.token': `${HEAD}[providers]\nalias = { uri = "bws://p", credentials = { token = @ } }\n${ONE}`,
  'providers.alias.credentials.token.provider': `${HEAD}[providers]\nalias = { uri = "bws://p", credentials = { token = { provider = @ } } }\n${ONE}`,
  'providers.alias.ref': `${HEAD}[providers]\nalias = { uri = "vault://h/kv", ref = @ }\n${ONE}`,
  'providers.alias.ref.item': `${HEAD}[providers]\nalias = { uri = "vault://h/kv", ref = { item = @ } }\n${ONE}`,
  'providers.alias.fallback': `${HEAD}[providers]\nlocal = "keyring://"\nalias = { fallback = @, cache = { provider = "local", max_age = "8h" } }\n${ONE}`,
  'providers.alias.cache': `${HEAD}[providers]\nalias = { uri = "akv://v", cache = @ }\n${ONE}`,
  'providers.alias.cache.provider': `${HEAD}[providers]\nalias = { uri = "akv://v", cache = { provider = @, max_age = "8h" } }\n${ONE}`,
  'providers.alias.cache.max_age': `${HEAD}[providers]\nalias = { uri = "akv://v", cache = { provider = "local", max_age = @ } }\n${ONE}`,
  scopes: `scopes = @\n${HEAD}${ONE}`,
  'scopes.web': `${HEAD}${ONE}[scopes]\nweb = @\n`,
  'scopes.web.secrets': `${HEAD}${ONE}[scopes.web]\nsecrets = @\n`,
  'scopes.web.secrets[0]': `${HEAD}${ONE}[scopes.web]\nsecrets = [@]\n`,
};

/** A value of each TOML type. */
const TYPED_VALUES: Record<string, string> = {
  string: '"A"',
  empty: '""',
  integer: '1',
  negative: '-1',
  float: '1.5',
  boolean: 'true',
  array: '["A"]',
  'empty-array': '[]',
  table: '{ item = "A" }',
  'empty-table': '{}',
  datetime: '1979-05-27T07:32:00Z',
};

/** TOML 1.1 spellings (SecretSpec's toml crate reads 1.1), in a few slots of different types. */
const TOML11_VALUES: Record<string, string> = {
  'toml11-escape': '"\\e\\x41"',
  'toml11-time': '07:32',
  'toml11-inline-newline': '{\n  item = "A",\n}',
};
const TOML11_SLOTS = ['secret.default', 'secret.as_path', 'secret.ref'];

/** Every slot with a value of every type, and the TOML 1.1 spellings in a few. */
export function retypedManifests(): GeneratedCase[] {
  const cases = (slot: string, values: Record<string, string>): GeneratedCase[] =>
    Object.entries(values).map(([kind, value]) => ({
      id: `retype-${slot}=${kind}`,
      family: 'retype',
      files: { 'secretspec.toml': SLOTS[slot]!.replace('@', value) },
      open: 'secretspec.toml',
    }));
  return [...Object.keys(SLOTS).flatMap((slot) => cases(slot, TYPED_VALUES)), ...TOML11_SLOTS.flatMap((slot) => cases(slot, TOML11_VALUES))];
}

export const FAMILIES: Record<string, Family> = {
  fields,
  keyTypes,
  groups,
  composed,
  aliases,
  refs,
  storage,
  scopes,
  profileDefaults: profileDefaultsFamily,
  projectDefaults,
  project,
  extends: extendsFamily,
  mutate,
  names,
};

/** Families whose rules are new in 0.21, or many, get more of the manifests. */
const WEIGHTS: Record<string, number> = { keyTypes: 3, aliases: 2, projectDefaults: 2, extends: 2 };

/**
 * `count` manifests, round-robin over the (weighted) families; case `i`
 * depends only on `seed` and `i`, so its id reproduces it.
 */
export function generateManifests(seed: number, count: number): GeneratedCase[] {
  const families = Object.entries(FAMILIES).flatMap((entry) => Array.from({ length: WEIGHTS[entry[0]] ?? 1 }, () => entry));
  const out: GeneratedCase[] = [];
  for (let i = 0; i < count; i++) {
    const [family, make] = families[i % families.length]!;
    const r = new Rng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    r.budget = r.pick([0, 0, 1, 1, 1, 2]);
    const made = make(r);
    const files = 'files' in made ? made.files : { 'secretspec.toml': renderManifest(made) };
    out.push({ id: `gen-${family}-${i}`, family, files, open: 'open' in made ? made.open : 'secretspec.toml' });
  }
  return out;
}
