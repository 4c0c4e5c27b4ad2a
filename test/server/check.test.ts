// `secretspec/check` over stdio against real files: reports per profile,
// fallback, unresolved kinds, missing-required warnings, SecretSpec's own
// conformance fixtures, and that no value ever crosses the wire.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CheckResult, ResolutionReport } from '../../protocol/src';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { SHARED, sharedSkipReason } from '../support/shared';

const CANARY = 'canary-value-7f3a9c1e';

const MANIFEST = `[project]
name = "shop"
revision = "1.0"

[profiles.default]
DATABASE_URL = { description = "Database", required = true, providers = ["dotenv:.env"] }
API_KEY = { description = "API key", providers = ["dotenv:.env.local", "dotenv:.env"] }
LOG_LEVEL = { description = "Log level", default = "info", providers = ["dotenv:.env"] }
SENTRY_DSN = { description = "Sentry", required = false, providers = ["dotenv:.env"] }
SESSION_SECRET = { description = "Session", type = "password", generate = true, required = false, providers = ["dotenv:.env"] }
DSN = { description = "Full DSN", composed = "\${DATABASE_URL}?key=\${API_KEY}" }
TOKEN = { description = "Token", providers = ["nosuchplugin://x"] }

[profiles.production]
DATABASE_URL = { description = "Database", providers = ["dotenv:.env.production"] }
`;

/** Checks the schema's shape: required keys, no extra keys, types. */
function assertReportShape(report: ResolutionReport): void {
  const allowedTop = new Set(['schema_version', 'provider', 'profile', 'scope', 'secrets', 'constraint_violations']);
  for (const k of Object.keys(report)) assert.ok(allowedTop.has(k), `unexpected report key ${k}`);
  assert.equal(report.schema_version, 1);
  assert.equal(typeof report.provider, 'string');
  assert.equal(typeof report.profile, 'string');
  const allowed = new Set(['name', 'status', 'required', 'source_provider', 'default_applied', 'generated', 'as_path']);
  for (const s of report.secrets) {
    for (const k of Object.keys(s)) assert.ok(allowed.has(k), `unexpected secret key ${k}`);
    assert.ok(['resolved', 'missing_required', 'missing_optional'].includes(s.status));
    for (const k of ['required', 'default_applied', 'generated', 'as_path'] as const) assert.equal(typeof s[k], 'boolean');
    if ('source_provider' in s) assert.equal(typeof s.source_provider, 'string');
    assert.ok([s.default_applied, s.generated, s.source_provider !== undefined].filter(Boolean).length <= 1, 'provenance flags are exclusive');
  }
  const names = report.secrets.map((s) => s.name);
  assert.deepEqual(names, [...names].sort());
  if (report.constraint_violations) assert.ok(report.constraint_violations.length > 0);
}

describe('secretspec/check', () => {
  let dir: string;
  let client: LspClient;
  let uri: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-check-'));
    writeFileSync(join(dir, 'secretspec.toml'), MANIFEST);
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${CANARY}\n# comment\nSENTRY_DSN=\n`);
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: '/usr/bin:/bin' } });
    uri = client.open(join(dir, 'secretspec.toml'), MANIFEST);
    await client.waitForDiagnostics(uri);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('reports every profile in SecretSpec shape, with fallback and unresolved kinds', async () => {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.deepEqual(result.results.map((r) => r.profile), ['default', 'production']);
    const def = result.results[0]!;
    assertReportShape(def.report);
    const by = Object.fromEntries(def.report.secrets.map((s) => [s.name, s]));
    assert.equal(by.DATABASE_URL?.status, 'resolved');
    assert.match(by.DATABASE_URL?.source_provider ?? '', /^dotenv:/);
    assert.equal(by.API_KEY?.status, 'missing_required', 'both links of the chain missed');
    assert.equal(by.LOG_LEVEL?.status, 'resolved');
    assert.equal(by.LOG_LEVEL?.default_applied, true);
    assert.equal(by.LOG_LEVEL?.required, false);
    assert.equal(by.SENTRY_DSN?.status, 'resolved', 'an empty value is present');
    assert.equal(by.SESSION_SECRET?.generated, true, 'optional generate secrets would be generated');
    assert.equal(by.DSN?.status, 'missing_required', 'a composition follows its missing dependency');
    assert.equal(by.TOKEN, undefined, 'an undetermined secret is not in the report');
    assert.deepEqual(
      def.unresolved.map((u) => [u.name, u.kind]),
      [['TOKEN', 'plugin_not_installed']],
    );
    assert.match(def.unresolved[0]!.message, /secretspec-provider-nosuchplugin/);

    const prod = result.results[1]!;
    const pby = Object.fromEntries(prod.report.secrets.map((s) => [s.name, s]));
    assert.equal(pby.DATABASE_URL?.status, 'missing_required', 'production reads its own file');
  });

  test('falls back on a miss and reports the answering provider', async () => {
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${CANARY}\nAPI_KEY=${CANARY}\n`);
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
    const api = result.results[0]!.report.secrets.find((s) => s.name === 'API_KEY')!;
    assert.equal(api.status, 'resolved');
    assert.equal(api.source_provider, `dotenv:${dir}/.env`, "SecretSpec's canonical uri(): the path joined to the manifest's directory");
    const dsn = result.results[0]!.report.secrets.find((s) => s.name === 'DSN')!;
    assert.equal(dsn.status, 'resolved');
    assert.equal(dsn.source_provider, undefined);
  });

  test('publishes a warning per missing required secret and clears it when the secret appears', async () => {
    writeFileSync(join(dir, '.env'), `API_KEY=${CANARY}\n`);
    client.clearDiagnostics(uri);
    await client.request('secretspec/check', { textDocument: { uri } });
    let diags = await client.waitForDiagnostics(uri);
    const missing = diags.filter((d) => d.code === 'missing-required-secret');
    assert.deepEqual(missing.map((d) => d.message.match(/'(\w+)'/)![1]).sort(), ['DATABASE_URL', 'DSN'], 'a composition of a missing secret is missing too');
    assert.match(missing.find((d) => d.message.includes("'DATABASE_URL'"))!.message, /'default', 'production'/);
    assert.equal(missing[0]!.severity, 2);
    assert.equal(missing[0]!.range.start.line, 5, 'on the declaration line');

    // Issue 16 #5: the warning's own advice as quick fixes, running the client's commands on a row-shaped argument.
    type Action = { title: string; command?: { command: string; arguments?: unknown[] }; edit?: unknown };
    const actionsFor = (d: Diagnostic) =>
      client.request<Action[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
    const db = await actionsFor(missing.find((d) => d.message.includes("'DATABASE_URL'"))!);
    assert.deepEqual(
      db.map((a) => [a.command?.command, a.command?.arguments]),
      [
        ['secretspec.setValue', [{ kind: 'secret', uri, profile: 'default', row: { name: 'DATABASE_URL' } }]],
        ['secretspec.setValue', [{ kind: 'secret', uri, profile: 'production', row: { name: 'DATABASE_URL' } }]],
        ['secretspec.import', [{ kind: 'profile', uri, row: { profile: 'default' } }]],
        ['secretspec.import', [{ kind: 'profile', uri, row: { profile: 'production' } }]],
      ],
    );
    assert.match(missing[0]!.message, /"SecretSpec: Set Secret Value…"/, 'the command as its title reads');
    const dsn = await actionsFor(missing.find((d) => d.message.includes("'DSN'"))!);
    assert.ok(dsn.length > 0 && dsn.every((a) => a.command?.command === 'secretspec.import'), 'a composition has no value to set');

    writeFileSync(join(dir, '.env'), `API_KEY=${CANARY}\nDATABASE_URL=${CANARY}\n`);
    writeFileSync(join(dir, '.env.production'), `DATABASE_URL=${CANARY}\n`);
    client.clearDiagnostics(uri);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, '.env')).href, type: 2 }] });
    diags = await client.waitForDiagnostics(uri);
    assert.deepEqual(diags.filter((d) => d.code === 'missing-required-secret'), []);
  });

  test('no secret value ever appears in what the server sent', () => {
    assert.ok(!client.traffic.join('').includes(CANARY));
    assert.ok(!client.stderr.join('').includes(CANARY));
  });
});

describe('secretspec/check in an untrusted workspace', () => {
  test('asks no provider and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secretspec-untrusted-'));
    writeFileSync(join(dir, 'secretspec.toml'), MANIFEST);
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${CANARY}\n`);
    const client = await LspClient.start({ initializationOptions: { trusted: false } });
    try {
      const uri = client.open(join(dir, 'secretspec.toml'), MANIFEST);
      const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
      for (const r of result.results) {
        assert.deepEqual(r.report.secrets.filter((s) => s.source_provider), []);
        assert.ok(r.unresolved.length > 0);
        for (const u of r.unresolved) assert.ok(['untrusted_workspace'].includes(u.kind), `${u.name}: ${u.kind}`);
      }
    } finally {
      await client.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const conformanceSkip = sharedSkipReason('conformance');

describe("SecretSpec's conformance fixtures", { skip: conformanceSkip }, () => {
  const fixtures = conformanceSkip ? [] : readdirSync(join(SHARED, 'conformance')).filter((d) => !d.includes('.'));
  for (const name of fixtures) {
    test(`${name}: same projected report as SecretSpec`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `secretspec-conf-${name}-`));
      cpSync(join(SHARED, 'conformance', name), dir, { recursive: true });
      const client = await LspClient.start({
        initializationOptions: { trusted: true },
        settings: { secretspec: { defaultProvider: 'dotenv://.env' } },
      });
      try {
        const text = readFileSync(join(dir, 'secretspec.toml'), 'utf8');
        const uri = client.open(join(dir, 'secretspec.toml'), text);
        await client.waitForDiagnostics(uri);
        const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
        const report = result.results[0]!.report;
        assertReportShape(report);
        const projected = {
          profile: report.profile,
          secrets: Object.fromEntries(
            report.secrets.map((s) => [
              s.name,
              { status: s.status, required: s.required, as_path: s.as_path, generated: s.generated, default_applied: s.default_applied, source_provider: s.source_provider !== undefined },
            ]),
          ),
        };
        const expected = JSON.parse(readFileSync(join(dir, 'expected_report.json'), 'utf8'));
        assert.deepEqual(projected, expected);
      } finally {
        await client.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
