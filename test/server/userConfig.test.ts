// The user's own SecretSpec set-up, through the real server over stdio: the
// server runs with a private HOME and XDG_CONFIG_HOME holding a
// `secretspec/config.toml` and `providers.d`, as the CLI would find them.
// Its aliases count as defined, its default provider routes presence,
// SECRETSPEC_PROVIDER overrides every chain, definition jumps into it, the
// file itself gets diagnostics, changes to it are picked up, and a 0.21
// provider claim counts as an installed provider. Where the real CLI can
// answer the same question, its `check --json` is the judge.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { CheckResult, OutlineResult } from '../../protocol/src';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { oracleSkip } from '../support/oracle';
import { assertSameReport, cliReport } from '../oracle/reports';

const CANARY = 'user-config-canary-5d1e';

interface Setup {
  root: string;
  home: string;
  config: string;
  project: string;
  manifest: string;
}

function setup(configText: (root: string) => string): Setup {
  const root = mkdtempSync(join(tmpdir(), 'secretspec-userconfig-'));
  const home = join(root, 'home');
  const config = join(home, '.config', 'secretspec', 'config.toml');
  mkdirSync(join(home, '.config', 'secretspec'), { recursive: true });
  writeFileSync(config, configText(root));
  const project = join(root, 'proj');
  mkdirSync(project);
  writeFileSync(join(root, 'default.env'), `API_KEY=${CANARY}\n`);
  writeFileSync(join(root, 'team.env'), `TOKEN=${CANARY}\n`);
  writeFileSync(join(root, 'tmpl.env'), `demo_default_TEMPLATED=${CANARY}\n`);
  writeFileSync(join(root, 'override.env'), `TOKEN=${CANARY}\nAPI_KEY=${CANARY}\n`);
  return { root, home, config, project, manifest: join(project, 'secretspec.toml') };
}

const CONFIG = (root: string) => `[defaults]
provider = "dotenv:${root}/default.env"
profile = "staging"

[defaults.providers]
team = "dotenv:${root}/team.env"
tmpl = { uri = "dotenv:${root}/tmpl.env", ref = { item = "{project}_{profile}_{key}" } }
`;

const MANIFEST = `[project]
name = "demo"
revision = "1.0"

[profiles.default]
API_KEY = { description = "from the user's default provider" }
TOKEN = { description = "through a user alias", providers = ["team"] }
TEMPLATED = { description = "through a user alias with a ref template", providers = ["tmpl"] }
OPTIONAL = { description = "missing", required = false, providers = ["team"] }
`;

const serverEnv = (s: Setup, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  PATH: '/usr/bin:/bin',
  HOME: s.home,
  XDG_CONFIG_HOME: join(s.home, '.config'),
  ...extra,
});

/** The diagnostics of `uri` once `ok` holds, waiting through republishes (the config is polled once a second). */
async function diagnosticsUntil(client: LspClient, uri: string, ok: (d: Diagnostic[]) => boolean, timeoutMs = 15_000): Promise<Diagnostic[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await client.waitForDiagnostics(uri, { timeoutMs: Math.max(1, deadline - Date.now()) });
    if (ok(d)) return d;
    client.clearDiagnostics(uri);
  }
}

const codes = (d: Diagnostic[]) => d.map((x) => String(x.code));
const statuses = (r: CheckResult, profile = 'default') =>
  Object.fromEntries(r.results.find((x) => x.profile === profile)!.report.secrets.map((s) => [s.name, [s.status, s.source_provider ?? '']]));

describe('the user config, through the server', () => {
  let s: Setup;
  let client: LspClient;
  let uri: string;
  before(async () => {
    s = setup(CONFIG);
    writeFileSync(s.manifest, MANIFEST);
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: serverEnv(s) });
    uri = client.open(s.manifest, MANIFEST);
  });
  after(async () => {
    await client.stop();
    rmSync(s.root, { recursive: true, force: true });
  });

  test('an alias defined only in the user config is not reported undefined', async () => {
    const d = await client.waitForDiagnostics(uri);
    assert.deepEqual(codes(d).filter((c) => c === 'undefined-alias'), [], JSON.stringify(d));
  });

  test('check routes through user aliases (with their ref templates) and the user default provider', async () => {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.deepEqual(statuses(result), {
      API_KEY: ['resolved', `dotenv:${s.root}/default.env`],
      OPTIONAL: ['missing_optional', ''],
      TEMPLATED: ['resolved', `dotenv:${s.root}/tmpl.env`],
      TOKEN: ['resolved', `dotenv:${s.root}/team.env`],
    });
    assert.equal(result.results[0]!.report.provider, `dotenv:${s.root}/default.env`);
    assert.ok(!client.traffic.join('').includes(CANARY), 'no value crosses the wire');
  });

  test('the same report as `secretspec check --json` with the same HOME', { skip: oracleSkip() }, async () => {
    const ours = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
    const theirs = cliReport(s.manifest, 'default', s.home, {});
    assertSameReport(ours.results[0]!.report, theirs, 'user config routing');
  });

  test('definition of a user alias jumps to its key in the user config', async () => {
    const line = MANIFEST.split('\n').findIndex((l) => l.startsWith('TOKEN'));
    const character = MANIFEST.split('\n')[line]!.indexOf('"team"') + 2;
    const [loc] = await client.request<Array<{ uri: string; range: { start: { line: number; character: number } } }>>('textDocument/definition', {
      textDocument: { uri },
      position: { line, character },
    });
    assert.equal(loc?.uri, pathToFileURL(s.config).href);
    const configLines = CONFIG(s.root).split('\n');
    assert.deepEqual(loc?.range.start, { line: configLines.findIndex((l) => l.startsWith('team =')), character: 0 });
  });

  test('completion offers user aliases in a chain; hover says where one comes from', async () => {
    const line = MANIFEST.split('\n').findIndex((l) => l.startsWith('TOKEN'));
    const character = MANIFEST.split('\n')[line]!.indexOf('"team"') + 2;
    const items = await client.request<Array<{ label: string; detail?: string }>>('textDocument/completion', { textDocument: { uri }, position: { line, character } });
    assert.ok(items.some((i) => i.label === 'tmpl' && i.detail === `alias → dotenv:${s.root}/tmpl.env`), JSON.stringify(items.map((i) => i.label)));
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
    assert.match(hover.contents.value, /Provider alias `team`\*\* \(from your SecretSpec user config\)/);
  });

  test("the outline names the profile SecretSpec would use and the user's aliases", async () => {
    const outline = await client.request<OutlineResult>('secretspec/outline', { textDocument: { uri } });
    assert.equal(outline.defaultProfile, 'staging');
    assert.equal(outline.aliases?.['team'], `dotenv:${s.root}/team.env`);
  });

  test('the user config document: clean as written; a broken one gets every problem', async () => {
    const configUri = client.open(s.config, CONFIG(s.root), 'toml');
    assert.deepEqual(await client.waitForDiagnostics(configUri), []);
    const version = client.change(configUri, '[defaults]\nprovider = 1\nprofil = "x"\n[defaults.providers]\nbad = { uri = "dotenv:.env", bogus = 1 }\n');
    const d = await client.waitForDiagnostics(configUri, { version });
    assert.deepEqual(
      d.map((x) => [x.severity, x.code, x.range.start.line]),
      [
        [1, 'invalid-type', 1],
        [3, 'ignored-key', 2],
        [1, 'unknown-field', 4],
      ],
    );
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: configUri }, position: { line: 3, character: 3 } });
    assert.match(hover?.contents.value ?? '', /\[defaults\.providers\]/);
    client.close(configUri);
  });

  test('a change on disk is picked up: a new alias becomes defined', async () => {
    const text = `${MANIFEST}LATE = { description = "late", providers = ["late"] }\n`;
    const version = client.change(uri, text);
    assert.ok(codes(await client.waitForDiagnostics(uri, { version })).includes('undefined-alias'));
    client.clearDiagnostics(uri);
    writeFileSync(s.config, `${CONFIG(s.root)}late = "dotenv:${s.root}/team.env"\n`);
    await diagnosticsUntil(client, uri, (d) => !codes(d).includes('undefined-alias'));
    client.change(uri, MANIFEST);
  });

  test('presence is checked again when the default provider changes on disk', async () => {
    const apiKeyMissing = (d: Diagnostic[]) => d.some((x) => x.code === 'missing-required-secret' && x.message.includes("'API_KEY' is missing"));
    await diagnosticsUntil(client, uri, (d) => !apiKeyMissing(d));
    client.clearDiagnostics(uri);
    writeFileSync(s.config, CONFIG(s.root).replace('/default.env', '/team.env'));
    await diagnosticsUntil(client, uri, apiKeyMissing);
    client.clearDiagnostics(uri);
    writeFileSync(s.config, CONFIG(s.root));
    await diagnosticsUntil(client, uri, (d) => !apiKeyMissing(d));
  });
});

describe('SECRETSPEC_PROVIDER and SECRETSPEC_PROFILE in the server environment', () => {
  let s: Setup;
  let client: LspClient;
  let uri: string;
  const override = (root: string) => `dotenv:${root}/override.env`;
  before(async () => {
    s = setup(CONFIG);
    writeFileSync(s.manifest, MANIFEST);
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: serverEnv(s, { SECRETSPEC_PROVIDER: `  ${override(s.root)}\n`, SECRETSPEC_PROFILE: 'production' }) });
    uri = client.open(s.manifest, MANIFEST);
    await client.waitForDiagnostics(uri);
  });
  after(async () => {
    await client.stop();
    rmSync(s.root, { recursive: true, force: true });
  });

  test('the override replaces every chain', async () => {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    const store = override(s.root);
    assert.deepEqual(statuses(result), {
      API_KEY: ['resolved', store],
      OPTIONAL: ['missing_optional', ''],
      TEMPLATED: ['missing_required', ''],
      TOKEN: ['resolved', store],
    });
    assert.equal(result.results[0]!.report.provider, store);
  });

  test('as `secretspec check --json` with the same environment', { skip: oracleSkip() }, async () => {
    const ours = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
    const theirs = cliReport(s.manifest, 'default', s.home, { SECRETSPEC_PROVIDER: override(s.root) });
    assertSameReport(ours.results[0]!.report, theirs, 'SECRETSPEC_PROVIDER');
  });

  test('writes go to the override', async () => {
    const target = await client.request<{ provider: string }>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'TOKEN' });
    assert.equal(target.provider, override(s.root));
  });

  test('SECRETSPEC_PROFILE names the profile SecretSpec would use', async () => {
    const outline = await client.request<OutlineResult>('secretspec/outline', { textDocument: { uri } });
    assert.equal(outline.defaultProfile, 'production');
  });
});

describe('0.21 provider claims count as installed providers', () => {
  let s: Setup;
  let client: LspClient;
  const text = `[project]
name = "claims"
revision = "1.0"

[profiles.default]
TOKEN = { description = "an external provider", providers = ["vaultx://team/app", "weird+scheme://x"] }
`;
  before(async () => {
    s = setup(() => '');
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: serverEnv(s) });
  });
  after(async () => {
    await client.stop();
    rmSync(s.root, { recursive: true, force: true });
  });

  test('a claim file makes the "no plugin installed" warning go away; unknown schemes are never an Error', async () => {
    writeFileSync(s.manifest, text);
    const uri = client.open(s.manifest, text);
    const before = await client.waitForDiagnostics(uri);
    const missing = before.find((d) => d.code === 'plugin-not-installed');
    assert.ok(missing, JSON.stringify(before));
    assert.match(missing.message, /secretspec-provider-vaultx on PATH, or .*providers\.d\/vaultx\.secretspec\.json/);
    assert.ok(before.every((d) => d.severity !== 1), `no Error: ${JSON.stringify(before)}`);

    const claims = join(s.home, '.config', 'secretspec', 'providers.d');
    mkdirSync(claims);
    writeFileSync(join(claims, 'vaultx.secretspec.json'), JSON.stringify({ executable: '/usr/bin/true' }));
    client.clearDiagnostics(uri);
    await diagnosticsUntil(client, uri, (d) => !codes(d).includes('plugin-not-installed'));

    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    const unresolved = result.results[0]!.unresolved.find((u) => u.name === 'TOKEN');
    // The claim is now spoken: its executable is started (and here fails at once), never "not installed".
    assert.equal(unresolved?.kind, 'plugin_crashed', JSON.stringify(unresolved));

    unlinkSync(join(claims, 'vaultx.secretspec.json'));
    client.clearDiagnostics(uri);
    await diagnosticsUntil(client, uri, (d) => codes(d).includes('plugin-not-installed'));
  });
});
