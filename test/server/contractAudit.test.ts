// An audit of the server's public contract (lsp-extensions.md) and of the
// check / set / import semantics (providers-and-check.md §B–§E), driven over
// stdio exactly as another editor would: routing through profiles, aliases
// and the defaultProvider setting; fallback on a miss only (provider-protocol
// §9); native addresses; report shape and provenance; malformed requests;
// read-only stores; import convergence; and that no value or credential ever
// crosses the wire.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CheckResult, ImportResult, ReportSecret, ResolutionReport, Unresolved, WriteTargetResult } from '../../protocol/src';
import { ERROR_KINDS } from '../../protocol/src';
import { parseDotenv } from '../../server/src/plugins/bundled/dotenvFormat';
import { LspClient } from '../support/lspClient';

const CANARY = 'canary-audit-5e0b2d71';
const PASSWORD = 'pw-audit-93c1';
const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');

interface RpcError {
  code: number;
  message: string;
  data?: { kind?: string };
}

async function rejection(promise: Promise<unknown>): Promise<RpcError> {
  try {
    await promise;
  } catch (error) {
    return error as RpcError;
  }
  assert.fail('the request should have failed');
}

function dotenvValues(file: string): Record<string, string> {
  const parsed = parseDotenv(readFileSync(file, 'utf8'));
  assert.ok(parsed.ok, 'the .env file still parses');
  return Object.fromEntries(parsed.assignments.map((a) => [a.key, a.value]));
}

/** The schema's shape (§C.3): required keys, no extra keys, exclusive provenance, sorted names. */
function assertReportShape(report: ResolutionReport): void {
  const top = new Set(['schema_version', 'provider', 'profile', 'scope', 'secrets', 'constraint_violations']);
  for (const k of Object.keys(report)) assert.ok(top.has(k), `unexpected report key ${k}`);
  assert.equal(report.schema_version, 1);
  assert.equal(typeof report.provider, 'string');
  const keys = new Set(['name', 'status', 'required', 'source_provider', 'default_applied', 'generated', 'as_path']);
  for (const s of report.secrets) {
    for (const k of Object.keys(s)) assert.ok(keys.has(k), `unexpected secret key ${k}`);
    for (const k of ['required', 'default_applied', 'generated', 'as_path'] as const) assert.equal(typeof s[k], 'boolean', `${s.name}.${k}`);
    assert.ok(['resolved', 'missing_required', 'missing_optional'].includes(s.status));
    assert.ok([s.default_applied, s.generated, s.source_provider !== undefined].filter(Boolean).length <= 1, `${s.name}: provenance flags are exclusive`);
    if (s.status !== 'resolved') assert.equal(s.source_provider, undefined, `${s.name}: only an answer has a source`);
  }
  const names = report.secrets.map((s) => s.name);
  assert.deepEqual(names, [...names].sort());
  if ('constraint_violations' in report) assert.ok(report.constraint_violations!.length > 0, 'absent when empty');
}

function assertUnresolvedShape(unresolved: Unresolved[]): void {
  for (const u of unresolved) {
    assert.deepEqual(Object.keys(u).sort(), ['kind', 'message', 'name', 'provider']);
    assert.ok((ERROR_KINDS as readonly string[]).includes(u.kind), `${u.name}: unknown kind ${u.kind}`);
  }
  const names = unresolved.map((u) => u.name);
  assert.deepEqual(names, [...names].sort());
}

interface Profiled {
  secrets: Record<string, ReportSecret>;
  unresolved: Record<string, Unresolved>;
  report: ResolutionReport;
}

function byProfile(result: CheckResult): Record<string, Profiled> {
  const out: Record<string, Profiled> = {};
  for (const r of result.results) {
    assertReportShape(r.report);
    assertUnresolvedShape(r.unresolved);
    assert.equal(r.report.profile, r.profile);
    for (const u of r.unresolved) assert.ok(!r.report.secrets.some((s) => s.name === u.name), `${u.name} is both reported and unresolved`);
    out[r.profile] = {
      report: r.report,
      secrets: Object.fromEntries(r.report.secrets.map((s) => [s.name, s])),
      unresolved: Object.fromEntries(r.unresolved.map((u) => [u.name, u])),
    };
  }
  return out;
}

const ROUTING = `[project]
name = "app"
revision = "1.0"

[providers]
loc = "dotenv:.env.local"
keyring = "dotenv:.env.kr"

[profiles.default.defaults]
providers = ["dotenv:.env.defaults"]

[profiles.default]
CHAIN = { description = "own chain", providers = ["loc", "dotenv:.env"] }
INHERITED = { description = "no providers of its own" }
SHADOW = { description = "an alias named like a provider", providers = ["keyring"] }

[profiles.prod.defaults]
providers = ["dotenv:.env.prod"]
required = false

[profiles.prod]
CHAIN = { description = "prod chain, inherits providers" }

[profiles.solo.defaults]
inherit = false

[profiles.solo]
ONLY = { description = "solo" }

[profiles.literal.defaults]
inherit = false

[profiles.literal]
FIXED = { description = "nothing stored to route", composed = "fixed" }
`;

describe('routing (§B.1) and the defaultProvider setting', () => {
  let dir: string;
  let client: LspClient;
  const settings: { secretspec: { defaultProvider?: string } } = { secretspec: { defaultProvider: 'dotenv:.env.user' } };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-audit-routing-'));
    writeFileSync(join(dir, 'secretspec.toml'), ROUTING);
    writeFileSync(join(dir, '.env'), `CHAIN=${CANARY}\n`);
    writeFileSync(join(dir, '.env.kr'), `SHADOW=${CANARY}\n`);
    writeFileSync(join(dir, '.env.prod'), `INHERITED=${CANARY}\n`);
    writeFileSync(join(dir, '.env.defaults'), `INHERITED=${CANARY}\n`);
    writeFileSync(join(dir, '.env.user'), `ONLY=${CANARY}\n`);
    writeFileSync(join(dir, '.env.local'), `ONLY=${CANARY}\n`);
    client = await LspClient.start({ initializationOptions: { trusted: true }, settings, env: { ...process.env, PATH: '/usr/bin:/bin' } });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the first check after opening already follows the setting, and the chain, profile defaults and aliases route as §B.1 says', async () => {
    // No wait for diagnostics: a check asked at once must not run on settings not yet read.
    const uri = client.open(join(dir, 'secretspec.toml'), ROUTING);
    const p = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri } }));
    assert.deepEqual(Object.keys(p).sort(), ['default', 'literal', 'prod', 'solo'], 'every profile by default');

    assert.equal(p.default!.secrets.CHAIN?.source_provider, `dotenv:${dir}/.env`, 'the chain falls back past a missing alias file');
    assert.equal(p.default!.secrets.INHERITED?.source_provider, `dotenv:${dir}/.env.defaults`, 'the profile defaults apply to a secret without providers');
    assert.equal(p.default!.secrets.SHADOW?.source_provider, `dotenv:${dir}/.env.kr`, 'an alias shadows the built-in name');

    assert.equal(p.prod!.secrets.CHAIN?.source_provider, `dotenv:${dir}/.env`, "the default profile's chain beats prod's [defaults]");
    assert.equal(p.prod!.secrets.CHAIN?.required, false, "prod's [defaults].required applies");
    assert.equal(p.prod!.secrets.INHERITED?.source_provider, `dotenv:${dir}/.env.prod`, "prod's [defaults] apply to inherited secrets; default's own [defaults] do not flow");

    assert.deepEqual(Object.keys(p.solo!.secrets), ['ONLY'], 'inherit = false takes nothing from default');
    assert.equal(p.solo!.secrets.ONLY?.source_provider, `dotenv:${dir}/.env.user`, 'no chain: the defaultProvider setting');
    assert.equal(p.solo!.report.provider, `dotenv:${dir}/.env.user`, 'an implicit route labels the report with the default provider');
  });

  test('the setting may name an alias, and with none configured the secret is unresolved, never missing', async () => {
    const uri = client.open(join(dir, 'secretspec.toml'), ROUTING);
    settings.secretspec.defaultProvider = 'loc';
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    let solo = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['solo'] })).solo!;
    assert.equal(solo.secrets.ONLY?.source_provider, `dotenv:${dir}/.env.local`);
    const target = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'solo', name: 'ONLY' });
    assert.equal(target.provider, 'dotenv:.env.local', 'writes follow the same default');

    settings.secretspec.defaultProvider = `memory://acct:${PASSWORD}@vault?token=${PASSWORD}`;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const literal = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['literal'] })).literal!;
    assert.equal(literal.report.provider, 'memory://vault', 'the label is credential-free even when no secret was routed');

    delete settings.secretspec.defaultProvider;
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    solo = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['solo'] })).solo!;
    assert.equal(solo.secrets.ONLY, undefined);
    assert.equal(solo.unresolved.ONLY?.kind, 'no_provider_configured');
    assert.equal(solo.report.provider, '');
    const none = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'solo', name: 'ONLY' });
    assert.equal(none.writable, false);
    const refused = await rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'solo', name: 'ONLY', value: CANARY }));
    assert.equal(refused.data?.kind, 'no_provider_configured');
  });

  test('nothing read crossed the wire, and no credential either', () => {
    assert.equal(client.traffic.join('').includes(CANARY), false);
    assert.equal(client.traffic.join('').includes(PASSWORD), false);
  });
});

const SEMANTICS = `[project]
name = "app"
revision = "1.0"

[providers]
tmpl = { uri = "dotenv:.env", ref = { item = "{profile}_{key}" } }
creds = "memory://acct:${PASSWORD}@vault?token=${PASSWORD}"
mref = "memory://refs"
route = { fallback = ["dotenv:.env.src"], cache = { provider = "dotenv:.env.cache", max_age = "1h" } }

[profiles.default]
PRESENT = { description = "present", providers = ["dotenv:.env"] }
EMPTY = { description = "empty value counts", providers = ["dotenv:.env"] }
FELL_BACK = { description = "primary misses", providers = ["dotenv:.env.missing", "dotenv:.env"] }
ERR_FIRST = { description = "primary errors", providers = ["memory://down?fault=error&kind=auth_failed&on=any", "dotenv:.env"] }
ERR_SECOND = { description = "fallback errors", providers = ["dotenv:.env", "memory://down?fault=error&kind=permission_denied&on=any"] }
NOT_INSTALLED = { description = "no plugin", providers = ["nosuchplugin://x"] }
WITH_DEFAULT = { description = "default", default = "d", providers = ["dotenv:.env"] }
GEN_REQUIRED = { description = "gen", type = "password", generate = true, providers = ["dotenv:.env"] }
GEN_OPTIONAL = { description = "gen", type = "password", generate = true, required = false, providers = ["dotenv:.env"] }
GEN_NULL = { description = "gen", type = "hex", generate = true, providers = ["null"] }
OPTIONAL = { description = "optional", required = false, providers = ["dotenv:.env"] }
AS_PATH = { description = "as path", as_path = true, providers = ["dotenv:.env"] }
COMPOSED_OK = { description = "composed", composed = "\${PRESENT}:\${EMPTY}" }
COMPOSED_MISSING = { description = "composed", required = false, composed = "\${PRESENT}:\${OPTIONAL}" }
COMPOSED_UNKNOWN = { description = "composed", composed = "\${PRESENT}:\${NOT_INSTALLED}" }
GROUP_A = { description = "a", required = { at_least_one = ["auth"] }, providers = ["dotenv:.env"] }
GROUP_B = { description = "b", required = { at_least_one = ["auth"] }, providers = ["dotenv:.env"] }
ONE_A = { description = "a", required = { exactly_one = ["db"] }, providers = ["dotenv:.env"] }
ONE_B = { description = "b", required = { exactly_one = ["db"] }, providers = ["dotenv:.env"] }
RENAMED = { description = "ref", providers = ["dotenv:.env"], ref = { item = "ACTUAL_NAME" } }
TEMPLATED = { description = "alias template", providers = ["tmpl"] }
SCOPED = { description = "refs beat the template", providers = ["tmpl"], refs = { tmpl = { item = "SCOPED_KEY" } } }
FIELD = { description = "dotenv has no field", providers = ["dotenv:.env"], ref = { item = "X", field = "password" } }
NATIVE = { description = "a plugin cannot be asked by ref", providers = ["mref"], ref = { item = "elsewhere" } }
CREDS = { description = "credentials in the URI", providers = ["creds"] }
CACHE_HIT = { description = "cached route, cache answers", providers = ["route"] }
SOURCE_HIT = { description = "cached route, source answers", providers = ["route"] }
CACHE_MISS = { description = "cached route, nobody answers", required = false, providers = ["route"] }
`;

const SEMANTICS_ENV = `PRESENT=${CANARY}
EMPTY=
FELL_BACK=${CANARY}
ERR_FIRST=${CANARY}
ONE_A=${CANARY}
ONE_B=${CANARY}
ACTUAL_NAME=${CANARY}
default_TEMPLATED=${CANARY}
SCOPED_KEY=${CANARY}
`;

describe('check semantics (§B.3, §C.2, §C.3, §A.8)', () => {
  let dir: string;
  let store: string;
  let client: LspClient;
  let uri: string;
  let p: Profiled;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-audit-check-'));
    store = join(dir, 'store.json');
    writeFileSync(store, JSON.stringify({ 'app/default/CREDS': CANARY, 'app/default/NATIVE': CANARY, 'app/default/elsewhere': CANARY }));
    writeFileSync(join(dir, 'secretspec.toml'), SEMANTICS);
    writeFileSync(join(dir, '.env'), SEMANTICS_ENV);
    writeFileSync(join(dir, '.env.cache'), `CACHE_HIT='secretspec-cache-v2:{"project":"app","profile":"default","cached_at":1,"route_fingerprint":"f","value":"${CANARY}"}'\n`);
    writeFileSync(join(dir, '.env.src'), `SOURCE_HIT=${CANARY}\n`);
    client = await LspClient.start({
      initializationOptions: { trusted: true },
      env: { ...process.env, PATH: `${FIXTURES}:/usr/bin:/bin` },
      settings: { secretspec: { plugins: { memory: { env: { FIXTURE_STORE: store } } } } },
    });
    uri = client.open(join(dir, 'secretspec.toml'), SEMANTICS);
    await client.waitForDiagnostics(uri);
    p = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] })).default!;
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a value, even an empty one, is resolved with its source; a miss falls back', () => {
    assert.equal(p.secrets.PRESENT?.status, 'resolved');
    assert.equal(p.secrets.PRESENT?.source_provider, `dotenv:${dir}/.env`);
    assert.equal(p.secrets.EMPTY?.status, 'resolved');
    assert.equal(p.secrets.FELL_BACK?.source_provider, `dotenv:${dir}/.env`);
  });

  test('a cached route reads its cache first, then its sources; the answering store is the source', () => {
    assert.equal(p.secrets.CACHE_HIT?.source_provider, `dotenv:${dir}/.env.cache`);
    assert.equal(p.secrets.SOURCE_HIT?.source_provider, `dotenv:${dir}/.env.src`);
    assert.equal(p.secrets.CACHE_MISS?.status, 'missing_optional');
  });

  test('a provider error is never a miss; the chain goes on past it, as SecretSpec 0.21.1 reads it (providers-and-check §B.3)', () => {
    // The draft protocol's §9 stops the chain at an error; SecretSpec's read_fallback_chain does not, and SecretSpec wins.
    assert.equal(p.secrets.ERR_FIRST?.status, 'resolved', 'a failed primary, then a value: resolved');
    assert.equal(p.secrets.ERR_FIRST?.source_provider, `dotenv:${dir}/.env`);
    assert.equal(p.unresolved.ERR_FIRST, undefined);
    assert.equal(p.secrets.ERR_SECOND, undefined, 'a miss then an error is undetermined, not missing');
    assert.equal(p.unresolved.ERR_SECOND?.kind, 'permission_denied');
    assert.equal(p.unresolved.NOT_INSTALLED?.kind, 'plugin_not_installed');
  });

  test('missing-value policy: default, generate (0.20), optional, as_path', () => {
    assert.deepEqual(
      { ...p.secrets.WITH_DEFAULT },
      { name: 'WITH_DEFAULT', status: 'resolved', required: false, default_applied: true, generated: false, as_path: false },
    );
    assert.equal(p.secrets.GEN_REQUIRED?.status, 'missing_required', 'a required generate secret with a persisting store is missing until provisioned');
    assert.equal(p.secrets.GEN_REQUIRED?.required, true, 'generate does not make a secret optional');
    assert.equal(p.secrets.GEN_REQUIRED?.generated, false);
    assert.equal(p.secrets.GEN_OPTIONAL?.status, 'resolved');
    assert.equal(p.secrets.GEN_OPTIONAL?.generated, true);
    assert.equal(p.secrets.GEN_NULL?.status, 'resolved', 'null does not persist generated values');
    assert.equal(p.secrets.GEN_NULL?.generated, true);
    assert.equal(p.secrets.GEN_NULL?.required, true);
    assert.equal(p.secrets.OPTIONAL?.status, 'missing_optional');
    assert.equal(p.secrets.AS_PATH?.as_path, true);
    assert.equal(p.secrets.AS_PATH?.status, 'missing_required');
  });

  test('compositions follow their parts; an undetermined part leaves them unresolved', () => {
    assert.deepEqual(
      { ...p.secrets.COMPOSED_OK },
      { name: 'COMPOSED_OK', status: 'resolved', required: true, default_applied: false, generated: false, as_path: false },
    );
    assert.equal(p.secrets.COMPOSED_MISSING?.status, 'missing_optional');
    assert.equal(p.secrets.COMPOSED_UNKNOWN, undefined);
    assert.equal(p.unresolved.COMPOSED_UNKNOWN?.kind, 'plugin_not_installed');
  });

  test('presence groups become constraint_violations; group members are not required', () => {
    assert.equal(p.secrets.GROUP_A?.required, false);
    assert.equal(p.secrets.GROUP_A?.status, 'missing_optional');
    assert.deepEqual(p.report.constraint_violations, [
      { kind: 'at_least_one', group: 'auth', secrets: ['GROUP_A', 'GROUP_B'], present: [] },
      { kind: 'exactly_one', group: 'db', secrets: ['ONE_A', 'ONE_B'], present: ['ONE_A', 'ONE_B'] },
    ]);
  });

  test('ref, refs and alias templates address flat stores; anything a plugin cannot be asked is unresolved', () => {
    assert.equal(p.secrets.RENAMED?.status, 'resolved', 'ref.item replaces the dotenv key');
    assert.equal(p.secrets.TEMPLATED?.status, 'resolved', 'the alias template expands {profile} and {key}');
    assert.equal(p.secrets.SCOPED?.status, 'resolved', 'refs.<alias> wins over the alias template');
    assert.equal(p.unresolved.FIELD?.kind, 'unsupported');
    assert.match(p.unresolved.FIELD?.message ?? '', /does not support the `field` coordinate/);
    assert.equal(p.secrets.NATIVE, undefined, 'not asked under the wrong (convention) key');
    assert.equal(p.unresolved.NATIVE?.kind, 'unsupported');
  });

  test('source_provider and every other field are credential-free', () => {
    assert.equal(p.secrets.CREDS?.status, 'resolved');
    assert.equal(p.secrets.CREDS?.source_provider, 'memory://vault');
    assert.equal(JSON.stringify(p).includes(PASSWORD), false);
    assert.equal(client.traffic.join('').includes(PASSWORD), false, 'the password reached the wire');
  });

  test('writes honour the same native address a check reads', async () => {
    const target = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'TEMPLATED' });
    assert.deepEqual(target, { provider: 'dotenv:.env', target: `dotenv file ${join(dir, '.env')}, key default_TEMPLATED`, writable: true });
    await client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'RENAMED', value: `${CANARY}-new` });
    const values = dotenvValues(join(dir, '.env'));
    assert.equal(values.ACTUAL_NAME, `${CANARY}-new`);
    assert.equal(values.RENAMED, undefined, 'never written under the convention key');
    const native = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'NATIVE' });
    assert.equal(native.writable, false);
    assert.equal((await rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'NATIVE', value: CANARY }))).data?.kind, 'unsupported');
    assert.equal(JSON.parse(readFileSync(store, 'utf8'))['app/default/elsewhere'], CANARY, 'the plugin store is untouched');
  });

  test('no value crossed the wire', () => {
    assert.equal(client.traffic.join('').includes(CANARY), false);
    assert.equal(client.stderr.join('').includes(CANARY), false);
  });
});

const WRITES = `[project]
name = "app"
revision = "1.0"

[providers]
route = { fallback = ["dotenv:.env.src"], cache = { provider = "dotenv:.env.cache", max_age = "1h" } }

[profiles.default]
A = { description = "a", providers = ["dotenv:.env"] }
B = { description = "b", providers = ["memory://dst?fault=error&on=set&kind=internal&echo=1"] }
C = { description = "c", providers = ["dotenv:.env"] }
ENV = { description = "env", required = false, providers = ["env"] }
NULL = { description = "null", required = false, providers = ["null"] }
READS_ONLY = { description = "no set", required = false, providers = ["memory://ro?caps=get"] }
`;

describe('writes: writeTarget, set and import (§D)', () => {
  let dir: string;
  let store: string;
  let client: LspClient;
  let uri: string;
  const changed: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-audit-writes-'));
    store = join(dir, 'store.json');
    writeFileSync(join(dir, 'secretspec.toml'), WRITES);
    writeFileSync(join(dir, '.env'), `A=${CANARY}-kept\n`);
    writeFileSync(join(dir, '.env.legacy'), `A=${CANARY}-old\nB=${CANARY}-b\nC=${CANARY}-c\n`);
    client = await LspClient.start({
      initializationOptions: { trusted: true },
      env: { ...process.env, PATH: `${FIXTURES}:/usr/bin:/bin` },
      settings: { secretspec: { plugins: { memory: { env: { FIXTURE_STORE: store } } } } },
    });
    client.connection.onNotification('secretspec/didChangePresence', (p: { textDocument: { uri: string } }) => changed.push(p.textDocument.uri));
    uri = client.open(join(dir, 'secretspec.toml'), WRITES);
    await client.waitForDiagnostics(uri);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const target = (name: string) => client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name });

  test('read-only stores: writeTarget explains, set fails with read_only or capability_required', async () => {
    for (const [name, kind] of [
      ['ENV', 'read_only'],
      ['NULL', 'read_only'],
      ['READS_ONLY', 'capability_required'],
    ] as const) {
      const t = await target(name);
      assert.deepEqual(Object.keys(t).filter((k) => !['provider', 'target', 'writable', 'reason'].includes(k)), []);
      assert.equal(t.writable, false, name);
      assert.ok((t.reason ?? '').length > 0, `${name} says why`);
      assert.equal(typeof t.provider, 'string');
      assert.equal(typeof t.target, 'string');
      const e = await rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name, value: CANARY }));
      assert.equal(e.data?.kind, kind, name);
    }
  });

  test('a cached route writes its authoritative source', async () => {
    const text = WRITES.replace('ENV = {', 'CACHED = { description = "cached", providers = ["route"] }\nENV = {');
    client.change(uri, text);
    const t = await target('CACHED');
    assert.equal(t.provider, 'dotenv:.env.src');
    assert.equal(t.writable, true);
    client.change(uri, WRITES);
  });

  test('a failed write never echoes the value', async () => {
    const e = await rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'B', value: `${CANARY}-set` }));
    assert.ok((ERROR_KINDS as readonly string[]).includes(e.data?.kind ?? ''));
    assert.equal(e.message.includes(CANARY), false);
  });

  test('import never overwrites, fails before writing on nothing, and converges after a failure', async () => {
    const run = (extra: Record<string, unknown> = {}) =>
      client.request<ImportResult>('secretspec/import', { textDocument: { uri }, profile: 'default', from: 'dotenv:.env.legacy', ...extra });
    const outcomes = (r: ImportResult) => Object.fromEntries(r.items.map((i) => [i.name, i.outcome]));

    const planned = await run({ dryRun: true });
    assert.deepEqual(outcomes(planned), { A: 'differs', B: 'imported', C: 'imported', ENV: 'not_found', NULL: 'not_found', READS_ONLY: 'not_found' });
    for (const item of planned.items) {
      assert.deepEqual(Object.keys(item).filter((k) => !['name', 'outcome', 'target', 'deletedFromSource', 'message'].includes(k)), []);
    }
    assert.deepEqual(dotenvValues(join(dir, '.env')), { A: `${CANARY}-kept` }, 'a dry run writes nothing');

    const before = changed.length;
    const failed = await rejection(run());
    assert.equal(failed.message.includes(CANARY), false, 'the plugin echoed the value; the server must not');
    assert.ok(changed.length >= before, 'the server is still answering');

    client.change(uri, WRITES.replace('?fault=error&on=set&kind=internal&echo=1', ''));
    const second = await run();
    assert.equal(outcomes(second).A, 'differs');
    assert.equal(outcomes(second).B, 'imported');
    assert.ok(['imported', 'exists'].includes(outcomes(second).C!), 'C was copied now or before the failure');
    const third = await run();
    assert.deepEqual(outcomes(third), { A: 'differs', B: 'exists', C: 'exists', ENV: 'not_found', NULL: 'not_found', READS_ONLY: 'not_found' }, 'a re-run converges');
    assert.equal(dotenvValues(join(dir, '.env')).A, `${CANARY}-kept`, 'never overwritten');
    assert.equal(dotenvValues(join(dir, '.env')).C, `${CANARY}-c`);
    assert.equal(JSON.parse(readFileSync(store, 'utf8'))['app/default/B'], `${CANARY}-b`);
    assert.ok(changed.includes(uri), 'didChangePresence after a write');
    client.change(uri, WRITES);
  });

  test('import sources: a cached alias and an unknown word are refused with invalid_request', async () => {
    for (const from of ['route', 'nosuch', '']) {
      const e = await rejection(client.request('secretspec/import', { textDocument: { uri }, profile: 'default', from }));
      assert.equal(e.data?.kind, 'invalid_request', from);
    }
    const profile = await rejection(client.request('secretspec/import', { textDocument: { uri }, profile: 'nope', from: 'dotenv:.env.legacy' }));
    assert.equal(profile.data?.kind, 'not_declared');
  });

  test('no value crossed the wire or reached stderr', () => {
    assert.equal(client.traffic.join('').includes(CANARY), false);
    assert.equal(client.stderr.join('').includes(CANARY), false);
  });
});

describe('malformed requests and manifests', () => {
  let dir: string;
  let client: LspClient;
  let uri: string;
  let broken: string;
  let child: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-audit-errors-'));
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: '/usr/bin:/bin' } });
    uri = client.open(join(dir, 'secretspec.toml'), WRITES, 'toml');
    broken = client.open(join(dir, 'broken', 'secretspec.toml'), '[project]\nname = "x"\n[profiles.default\nA = {', 'plaintext');
    writeFileSync(join(dir, 'base.toml'), '[project]\nname = "base"\nrevision = "1.0"\n\n[providers]\nshared = "dotenv:.env.shared"\n\n[profiles.default]\nFROM_BASE = { description = "b", providers = ["shared"] }\n');
    mkdirSync(join(dir, 'child'));
    writeFileSync(join(dir, 'child', '.env.shared'), `FROM_BASE=${CANARY}\n`);
    child = client.open(
      join(dir, 'child', 'secretspec.toml'),
      `[project]\nname = "child"\nrevision = "1.0"\nextends = ["${join(dir, 'base.toml')}"]\n\n[profiles.default]\nOWN = { description = "own", providers = ["shared"] }\n`,
    );
    await client.waitForDiagnostics(uri);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('missing or mistyped params get invalid_request, and the server keeps serving', async () => {
    const cases: Array<[string, unknown]> = [
      ['secretspec/check', undefined],
      ['secretspec/check', null],
      ['secretspec/check', {}],
      ['secretspec/check', { textDocument: {} }],
      ['secretspec/check', { textDocument: { uri: 42 } }],
      ['secretspec/check', { textDocument: { uri }, profiles: 'default' }],
      ['secretspec/check', { textDocument: { uri }, profiles: [1] }],
      ['secretspec/writeTarget', {}],
      ['secretspec/writeTarget', { textDocument: { uri }, profile: 'default' }],
      ['secretspec/set', { textDocument: { uri }, profile: 'default', name: 'A' }],
      ['secretspec/set', { textDocument: { uri }, profile: 7, name: 'A', value: 'v' }],
      ['secretspec/import', { textDocument: { uri }, profile: 'default' }],
      ['secretspec/import', { textDocument: { uri }, profile: 'default', from: 'dotenv:.env', deleteSource: 'yes' }],
      ['secretspec/reflect', {}],
      ['secretspec/reflect', { from: 'dotenv', project: 'x', directory: 'relative' }],
      ['secretspec/outline', {}],
      ['secretspec/delete', { textDocument: { uri }, profile: 'default' }],
    ];
    for (const [method, params] of cases) {
      const e = await rejection(client.request(method, params));
      assert.equal(e.data?.kind, 'invalid_request', `${method} ${JSON.stringify(params)}: ${e.message}`);
      assert.equal(e.code, -32602, `${method} ${JSON.stringify(params)}`);
    }
    assert.equal(client.exited, false);
    const ok = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.deepEqual(ok.results.map((r) => r.profile), ['default']);
  });

  test('an unknown profile, a closed document and an unparsable manifest are clear errors', async () => {
    const unknown = await rejection(client.request('secretspec/check', { textDocument: { uri }, profiles: ['default', 'staging'] }));
    assert.equal(unknown.data?.kind, 'not_declared');
    assert.match(unknown.message, /'staging'/);
    const closed = await rejection(client.request('secretspec/check', { textDocument: { uri: 'file:///nowhere/secretspec.toml' } }));
    assert.equal(closed.data?.kind, 'invalid_request');
    for (const method of ['secretspec/check', 'secretspec/outline']) {
      const e = await rejection(client.request(method, { textDocument: { uri: broken } }));
      assert.equal(e.data?.kind, 'invalid_request', method);
    }
    const set = await rejection(client.request('secretspec/set', { textDocument: { uri: broken }, profile: 'default', name: 'A', value: CANARY }));
    assert.equal(set.data?.kind, 'invalid_request');
    const diags = await client.waitForDiagnostics(broken);
    assert.ok(diags.some((d) => d.severity === 1 && d.source === 'secretspec'), 'a manifest whatever its languageId; the syntax error is an Error');
  });

  test('a document not named secretspec.toml is not a manifest, whatever its languageId', async () => {
    const other = client.open(join(dir, 'other.toml'), WRITES, 'secretspec');
    for (const [method, params] of [
      ['secretspec/check', { textDocument: { uri: other } }],
      ['secretspec/outline', { textDocument: { uri: other } }],
      ['secretspec/writeTarget', { textDocument: { uri: other }, profile: 'default', name: 'A' }],
      ['secretspec/check', { textDocument: { uri: 'file:///x/%E0%A4%A' } }],
    ] as const) {
      const e = await rejection(client.request(method, params));
      assert.equal(e.data?.kind, 'invalid_request', method);
    }
  });

  test('a manifest with extends checks its parent secrets through the parent aliases', async () => {
    const result = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri: child } }));
    assert.deepEqual(Object.keys(result.default!.secrets), ['FROM_BASE', 'OWN']);
    assert.equal(result.default!.secrets.FROM_BASE?.source_provider, `dotenv:${dir}/child/.env.shared`, "the parent's secret, through the parent's alias, beside the manifest SecretSpec was given");
    assert.equal(result.default!.secrets.OWN?.status, 'missing_required');
  });
});

describe('an untrusted workspace (trusted defaults to false)', () => {
  test('validation works, check asks no provider and says why, every mutation is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secretspec-audit-untrusted-'));
    writeFileSync(join(dir, '.env'), `PRESENT=${CANARY}\n`);
    writeFileSync(join(dir, '.env.legacy'), `PRESENT=${CANARY}\n`);
    const client = await LspClient.start({ env: { ...process.env, PATH: `${FIXTURES}:/usr/bin:/bin` } });
    try {
      const uri = client.open(join(dir, 'secretspec.toml'), SEMANTICS);
      const diags = await client.waitForDiagnostics(uri);
      assert.ok(Array.isArray(diags));
      const p = byProfile(await client.request<CheckResult>('secretspec/check', { textDocument: { uri } })).default!;
      assert.deepEqual(
        p.report.secrets.filter((s) => s.source_provider !== undefined),
        [],
        'no provider answered',
      );
      for (const s of p.report.secrets) assert.ok(s.default_applied || s.generated || s.status !== 'resolved' || s.name.startsWith('COMPOSED'), s.name);
      assert.ok(Object.values(p.unresolved).some((u) => u.kind === 'untrusted_workspace'));
      for (const u of Object.values(p.unresolved)) assert.equal(u.kind, 'untrusted_workspace', u.name);
      const t = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'PRESENT' });
      assert.equal(t.writable, false);
      const kinds = await Promise.all([
        rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'PRESENT', value: CANARY })),
        rejection(client.request('secretspec/import', { textDocument: { uri }, profile: 'default', from: 'dotenv:.env.legacy' })),
        rejection(client.request('secretspec/reflect', { from: 'dotenv://.env', project: 'app', directory: dir })),
        rejection(client.request('secretspec/delete', { textDocument: { uri }, profile: 'default', name: 'PRESENT' })),
      ]);
      assert.deepEqual(
        kinds.map((e) => e.data?.kind),
        ['untrusted_workspace', 'untrusted_workspace', 'untrusted_workspace', 'untrusted_workspace'],
      );
      assert.equal(dotenvValues(join(dir, '.env')).PRESENT, CANARY, 'nothing was written');
      assert.equal(client.traffic.join('').includes(CANARY), false);
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
