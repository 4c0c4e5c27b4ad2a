// A SecretSpec 0.21 endpoint through the real language server over stdio:
// the real endpoint built from SecretSpec's own `secretspec-ipc` crate,
// claimed in a temporary $XDG_CONFIG_HOME/secretspec/providers.d, answers
// presence (by convention and at a native `ref` address), Set, Delete,
// Import and reflect; a credential it asks for comes from the LSP client's
// `secretspec/credential` handler and appears nowhere else; the real
// SecretSpec 0.21.1 CLI, given the same claim and endpoint, reports the
// same presence; nothing is started untrusted, nothing outlives the server.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { CheckResult, ImportResult, ReflectResult, WriteTargetResult } from '../../protocol/src';
import { LspClient } from '../support/lspClient';
import { oracleEnv, oracleSkip, runOracle } from '../support/oracle';
import { endpointSkip, MANIFEST, realEndpoint, tempDir, traceLines } from './harness';

const skip = endpointSkip();

const CREDENTIAL = 'cred-canary-5b1f0c7e';
const FIELD = '\u001f';

interface World {
  home: string;
  project: string;
  store: string;
  trace: string;
  vars: Record<string, string>;
}

function world(vars: Record<string, string> = {}): World {
  const home = realpathSync(tempDir());
  const providers = path.join(home, '.config', 'secretspec', 'providers.d');
  mkdirSync(providers, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(providers, 'acme.secretspec.json'), JSON.stringify({ executable: realEndpoint().bin, environment: ['IPC_ENDPOINT_*'] }), { mode: 0o600 });
  const project = realpathSync(tempDir());
  writeFileSync(path.join(project, 'secretspec.toml'), MANIFEST);
  const store = path.join(home, 'store.json');
  writeFileSync(store, JSON.stringify({ 'app/default/A': 'a-value', 'app/production/B': 'b-value', [`shared/db${FIELD}password`]: 'db-value' }));
  const trace = path.join(home, 'trace');
  return { home, project, store, trace, vars: { IPC_ENDPOINT_STORE: store, IPC_ENDPOINT_TRACE: trace, ...vars } };
}

async function server(w: World, options: { trusted?: boolean; credentials?: (params: unknown) => unknown } = {}): Promise<{ client: LspClient; uri: string }> {
  const client = await LspClient.start({
    env: { ...oracleEnv(w.home, w.vars), NODE_OPTIONS: '' },
    initializationOptions: { trusted: options.trusted ?? true },
    rootUri: `file://${w.project}`,
  });
  if (options.credentials) client.connection.onRequest('secretspec/credential', options.credentials);
  const uri = client.open(path.join(w.project, 'secretspec.toml'), MANIFEST);
  await client.waitForDiagnostics(uri);
  return { client, uri };
}

function statuses(result: CheckResult, profile: string): Record<string, string> {
  const r = result.results.find((x) => x.profile === profile)!;
  return {
    ...Object.fromEntries(r.report.secrets.map((s) => [s.name, s.status])),
    ...Object.fromEntries(r.unresolved.map((u) => [u.name, `unresolved:${u.kind}`])),
  };
}

function stored(w: World): Record<string, string> {
  return JSON.parse(readFileSync(w.store, 'utf8')) as Record<string, string>;
}

/** Endpoint processes started for this world (their environment names its trace file). */
function endpointPids(w: World): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const endpoint = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0')[0] === realEndpoint().bin;
      if (endpoint && readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`IPC_ENDPOINT_TRACE=${w.trace}`)) out.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

async function stopped(client: LspClient, w: World): Promise<void> {
  await client.stop();
  assert.deepEqual(endpointPids(w), [], 'no endpoint outlives the server');
}

test('presence through the server: by convention and at a native ref address (item and field), per profile', { skip }, async () => {
  const w = world();
  const { client, uri } = await server(w);
  try {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.deepEqual(statuses(result, 'default'), { A: 'resolved', B: 'missing_required', C: 'missing_optional', D: 'resolved', E: 'missing_optional' });
    // production inherits C, D and E from the default profile.
    assert.deepEqual(statuses(result, 'production'), { A: 'missing_required', B: 'resolved', C: 'missing_optional', D: 'resolved', E: 'missing_optional' });
    const trace = traceLines(w.trace);
    assert.ok(trace.includes(`call provider.exists shared/db${FIELD}password`), 'D was asked at its native address');
    assert.ok(trace.some((l) => l.startsWith(`initialize project=app profile=default base_dir=${w.project} reason=check`)), trace.join('\n'));
    assert.ok(!client.traffic.join('').includes('db-value') && !client.traffic.join('').includes('a-value'));
    // LSP shutdown answers only once every session is closed: nothing is left to kill afterwards.
    await client.request('shutdown', null);
    assert.deepEqual(endpointPids(w), []);
  } finally {
    await stopped(client, w);
  }
});

test('the real SecretSpec 0.21.1 CLI and the server, given the same claim and endpoint, report the same presence', { skip: skip || oracleSkip() }, async () => {
  const w = world();
  const { client, uri } = await server(w);
  try {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    for (const profile of ['default', 'production']) {
      const r = runOracle(['check', '--json', '--profile', profile], { cwd: w.project, home: w.home, env: w.vars });
      assert.ok(r.stdout.trim().startsWith('{'), `secretspec check failed: ${r.stderr}`);
      const cli = JSON.parse(r.stdout) as { secrets: Array<{ name: string; status: string }> };
      assert.deepEqual(statuses(result, profile), Object.fromEntries(cli.secrets.map((s) => [s.name, s.status])), profile);
    }
  } finally {
    await stopped(client, w);
  }
});

test('Set (with the endpoint describing the target first), Delete, at convention and native addresses', { skip }, async () => {
  const w = world();
  const { client, uri } = await server(w);
  try {
    const target = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'B', withDeletable: true });
    assert.equal(target.target, 'test endpoint entry app/default/B');
    assert.equal(target.writable, true);
    assert.equal(target.deletable, true);
    const native = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'E' });
    assert.equal(native.target, 'test endpoint entry shared/db (field user)');

    await client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'B', value: 'set-canary-b' });
    await client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'E', value: 'set-canary-e' });
    assert.equal(stored(w)['app/default/B'], 'set-canary-b');
    assert.equal(stored(w)[`shared/db${FIELD}user`], 'set-canary-e');
    const trace = traceLines(w.trace);
    assert.ok(trace.indexOf('call provider.check_writable app/default/B') < trace.indexOf('call provider.set app/default/B'), 'preflight before the write');

    await client.request('secretspec/delete', { textDocument: { uri }, profile: 'default', name: 'B' });
    await client.request('secretspec/delete', { textDocument: { uri }, profile: 'default', name: 'E' });
    assert.equal(stored(w)['app/default/B'], undefined);
    assert.equal(stored(w)[`shared/db${FIELD}user`], undefined);
    const logs = client.traffic.join('') + client.stderr.join('');
    assert.ok(!logs.includes('set-canary'), 'no value in the server output');
  } finally {
    await stopped(client, w);
  }
});

test('Import into the endpoint never overwrites; reflect lists what it holds for a profile', { skip }, async () => {
  const w = world();
  const env = path.join(w.project, '.env');
  writeFileSync(env, 'A=other-a\nB=imported-b\nC=imported-c\n');
  const { client, uri } = await server(w);
  try {
    const result = await client.request<ImportResult>('secretspec/import', { textDocument: { uri }, profile: 'default', from: `dotenv://${env}` });
    const outcome = Object.fromEntries(result.items.map((i) => [i.name, i.outcome]));
    assert.equal(outcome.A, 'differs');
    assert.equal(outcome.B, 'imported');
    assert.equal(outcome.C, 'imported');
    assert.equal(stored(w)['app/default/A'], 'a-value');
    assert.equal(stored(w)['app/default/B'], 'imported-b');

    const reflected = await client.request<ReflectResult>('secretspec/reflect', { from: 'acme://main', project: 'app', profile: 'default', directory: w.project });
    assert.deepEqual(Object.keys(reflected.secrets).sort(), ['A', 'B', 'C']);
    assert.equal(reflected.secrets.A?.description, 'A from the test endpoint');
    const production = await client.request<ReflectResult>('secretspec/reflect', { from: 'acme://main', project: 'app', profile: 'production', directory: w.project });
    assert.deepEqual(Object.keys(production.secrets), ['B']);
  } finally {
    await stopped(client, w);
  }
});

test('client.credential is answered by the LSP client, and the value appears nowhere but in that answer', { skip }, async () => {
  const w = world({ IPC_ENDPOINT_CREDENTIAL: 'access_token', IPC_ENDPOINT_CREDENTIAL_EXPECT: CREDENTIAL });
  const asked: unknown[] = [];
  const { client, uri } = await server(w, {
    credentials: (params) => {
      asked.push(params);
      return { status: 'found', value: CREDENTIAL };
    },
  });
  try {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
    assert.deepEqual(statuses(result, 'default'), { A: 'resolved', B: 'missing_required', C: 'missing_optional', D: 'resolved', E: 'missing_optional' });
    assert.deepEqual(asked[0], { scheme: 'acme', name: 'access_token', scope: 'acme://main', required: true });
    assert.ok(traceLines(w.trace).includes('credential name=access_token status=found value=ok'), 'the endpoint got the right value');
    assert.ok(!client.traffic.join('').includes(CREDENTIAL), 'not in anything the server sent');
    assert.ok(!client.stderr.join('').includes(CREDENTIAL), 'not on the server stderr');
    assert.ok(!readFileSync(w.trace, 'utf8').includes(CREDENTIAL));
  } finally {
    await stopped(client, w);
  }
});

test('a client without secretspec/credential: the credential is missing, and the secrets are unresolved, never missing', { skip }, async () => {
  const w = world({ IPC_ENDPOINT_CREDENTIAL: 'access_token' });
  const { client, uri } = await server(w);
  try {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, profiles: ['default'] });
    const r = result.results[0]!;
    assert.deepEqual(r.report.secrets, []);
    assert.deepEqual(r.unresolved.map((u) => u.name).sort(), ['A', 'B', 'C', 'D', 'E']);
    assert.ok(traceLines(w.trace).includes('credential name=access_token status=missing value=none'));
  } finally {
    await stopped(client, w);
  }
});

test('untrusted: no endpoint is started, every secret is untrusted_workspace', { skip }, async () => {
  const w = world();
  const { client, uri } = await server(w, { trusted: false });
  try {
    const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri } });
    assert.deepEqual(new Set(Object.values(statuses(result, 'default'))), new Set(['unresolved:untrusted_workspace']));
    assert.deepEqual(traceLines(w.trace), []);
    assert.deepEqual(endpointPids(w), []);
  } finally {
    await stopped(client, w);
  }
});
