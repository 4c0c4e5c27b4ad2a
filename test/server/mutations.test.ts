// writeTarget, set, import and reflect over stdio against real files: where a
// write goes, what is refused and with which kind, what lands on disk, import
// outcomes and convergence, deleteSource, reflect, the untrusted refusal, and
// that no value ever crosses the wire or reaches stderr.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ImportResult, ReflectResult, SetResult, WriteTargetResult } from '../../protocol/src';
import { parseDotenv } from '../../server/src/plugins/bundled/dotenvFormat';
import { LspClient } from '../support/lspClient';
import { rejection } from '../support/rpcError';

const CANARY = 'canary-9d41b7e2';
const SET_VALUE = `${CANARY}-set "quoted" #hash`;
const FILE_VALUE = `${CANARY}-file`;

const MANIFEST = `[project]
name = "shop"

[profiles.default]
API_KEY = { description = "API key", providers = ["dotenv:.env", "env"] }
CONFLICT = { description = "Differs", providers = ["dotenv:.env"] }
EXISTING = { description = "Same", providers = ["dotenv:.env"] }
ABSENT = { description = "Nowhere", required = false, providers = ["dotenv:.env"] }
FROM_ENV = { description = "Env", required = false, providers = ["env"] }
DSN = { description = "Composed", composed = "\${EXISTING}/\${API_KEY}" }
STORED = { description = "File store", providers = ["file:./store"] }
`;

function dotenvValues(file: string): Record<string, string> {
  const parsed = parseDotenv(readFileSync(file, 'utf8'));
  assert.ok(parsed.ok, 'the .env file still parses');
  return Object.fromEntries(parsed.assignments.map((a) => [a.key, a.value]));
}

describe('mutation requests', () => {
  const dirs: string[] = [];
  let client: LspClient;
  const changed: string[] = [];

  function workspace(files: Record<string, string>): { dir: string; uri: string } {
    const dir = mkdtempSync(join(tmpdir(), 'secretspec-mutations-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const uri = client.open(join(dir, 'secretspec.toml'), files['secretspec.toml'] ?? MANIFEST);
    return { dir, uri };
  }

  before(async () => {
    client = await LspClient.start({ initializationOptions: { trusted: true }, env: { ...process.env, PATH: '/usr/bin:/bin' } });
    client.connection.onNotification('secretspec/didChangePresence', (p: { textDocument: { uri: string } }) => changed.push(p.textDocument.uri));
  });
  after(async () => {
    await client.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('writeTarget names the primary and its native target, or says why it is not writable', async () => {
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST });
    const ask = (name: string) => client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name, withDeletable: true });
    const plain = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'API_KEY' });
    assert.deepEqual(plain, { provider: 'dotenv:.env', target: `dotenv file ${join(dir, '.env')}, key API_KEY`, writable: true }, 'exactly the documented shape unless deletable is asked for');
    assert.deepEqual(await ask('API_KEY'), { provider: 'dotenv:.env', target: `dotenv file ${join(dir, '.env')}, key API_KEY`, writable: true, deletable: true });
    assert.deepEqual(await ask('STORED'), { provider: 'file:./store', target: `file ${join(dir, 'store', 'shop', 'default', 'STORED')}`, writable: true, deletable: true });
    const env = await ask('FROM_ENV');
    assert.equal(env.writable, false);
    assert.equal(env.provider, 'env://');
    assert.equal(env.target, 'environment variable FROM_ENV');
    assert.match(env.reason ?? '', /read-only/);
    assert.equal(env.deletable, false);
    const composed = await ask('DSN');
    assert.equal(composed.writable, false);
    assert.equal(composed.reason, "Composed secret 'DSN' is derived from other secrets and has no stored value to change");
    assert.equal(composed.deletable, false);
    const undeclared = await ask('NOPE');
    assert.equal(undeclared.writable, false);
    assert.match(undeclared.reason ?? '', /^Secret 'NOPE' is not defined in profile 'default'\. Available secrets: ABSENT, API_KEY, /);
  });

  test('set writes through the primary, keeps comments, and round-trips the value', async () => {
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST, '.env': '# shared settings\nOTHER=1\n\n# keep me\n' });
    const before = changed.length;
    const result = await client.request<SetResult>('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'API_KEY', value: SET_VALUE });
    assert.deepEqual(result, { provider: 'dotenv:.env', target: `dotenv file ${join(dir, '.env')}, key API_KEY` });
    const text = readFileSync(join(dir, '.env'), 'utf8');
    assert.ok(text.startsWith('# shared settings\nOTHER=1\n'), 'existing lines are kept');
    assert.match(text, /# keep me/);
    assert.equal(dotenvValues(join(dir, '.env')).API_KEY, SET_VALUE);
    assert.ok(changed.slice(before).includes(uri), 'didChangePresence was sent for the manifest');

    await client.request<SetResult>('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'STORED', value: FILE_VALUE });
    assert.equal(readFileSync(join(dir, 'store', 'shop', 'default', 'STORED'), 'utf8'), FILE_VALUE);
  });

  test('set on a cached route writes the authoritative source and drops only SecretSpec cache entries', async () => {
    const manifest = `[project]
name = "shop"

[providers]
route = { fallback = ["dotenv:.env.src"], cache = { provider = "dotenv:.env.cache", max_age = "1h" } }

[profiles.default]
TOKEN = { description = "Cached", providers = ["route"] }
OTHER = { description = "Cached too", providers = ["route"] }
`;
    const envelope = `secretspec-cache-v2:{"project":"shop","profile":"default","cached_at":1,"route_fingerprint":"f","value":"${CANARY}-stale"}`;
    const cache = `TOKEN='${envelope}'\nOTHER=${CANARY}-foreign\n`;
    const { dir, uri } = workspace({ 'secretspec.toml': manifest, '.env.cache': cache });
    const target = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'TOKEN' });
    assert.deepEqual(target, { provider: 'dotenv:.env.src', target: `dotenv file ${join(dir, '.env.src')}, key TOKEN`, writable: true });
    await client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'TOKEN', value: `${CANARY}-fresh` });
    await client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'OTHER', value: `${CANARY}-other` });
    assert.deepEqual(dotenvValues(join(dir, '.env.src')), { TOKEN: `${CANARY}-fresh`, OTHER: `${CANARY}-other` });
    assert.deepEqual(dotenvValues(join(dir, '.env.cache')), { OTHER: `${CANARY}-foreign` }, 'the stale envelope is dropped, a value SecretSpec did not write is kept');
  });

  test('a bundled provider is started once for writes of several secrets, not once per secret (issue 16 #8)', async () => {
    const { uri } = workspace({ 'secretspec.toml': MANIFEST, '.env': '' });
    const logged: string[] = [];
    const listening = client.connection.onNotification('window/logMessage', (p: { message: string }) => logged.push(p.message));
    try {
      for (const name of ['API_KEY', 'CONFLICT', 'EXISTING']) {
        await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name });
        await client.request<SetResult>('secretspec/set', { textDocument: { uri }, profile: 'default', name, value: SET_VALUE });
      }
    } finally {
      listening.dispose();
    }
    const starts = logged.filter((l) => /dotenv.* started/.test(l));
    assert.equal(starts.length, 1, starts.join('\n'));
  });

  test('set refusals carry their kind and never the value', async () => {
    const { uri } = workspace({ 'secretspec.toml': MANIFEST });
    const set = (name: string, value: string, profile = 'default') => rejection(client.request('secretspec/set', { textDocument: { uri }, profile, name, value }));
    const empty = await set('API_KEY', '');
    assert.equal(empty.data?.kind, 'invalid_request');
    assert.equal(empty.message, 'Secret value cannot be empty');
    assert.equal((await set('FROM_ENV', CANARY)).data?.kind, 'read_only');
    assert.equal((await set('DSN', CANARY)).data?.kind, 'read_only');
    assert.equal((await set('NOPE', CANARY)).data?.kind, 'not_declared');
    assert.equal((await set('API_KEY', CANARY, 'staging')).data?.kind, 'not_declared');
    const notString = await rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'API_KEY', value: 42 }));
    assert.equal(notString.data?.kind, 'invalid_request');
  });

  test('import: dry run, then copy without overwriting, converge, and delete only equal sources', async () => {
    const legacy = `API_KEY=${CANARY}-a\nEXISTING=${CANARY}-same\nCONFLICT=${CANARY}-old\n`;
    const current = `# current\nEXISTING=${CANARY}-same\nCONFLICT=${CANARY}-new\n`;
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST, '.env.legacy': legacy, '.env': current });
    const run = (extra: Record<string, unknown> = {}) =>
      client.request<ImportResult>('secretspec/import', { textDocument: { uri }, profile: 'default', from: 'dotenv:.env.legacy', ...extra });
    const outcomes = (r: ImportResult) => Object.fromEntries(r.items.map((i) => [i.name, i.outcome]));
    const target = `dotenv file ${join(dir, '.env')}`;

    const planned = await run({ dryRun: true });
    assert.deepEqual(planned.items.map((i) => i.name), ['ABSENT', 'API_KEY', 'CONFLICT', 'DSN', 'EXISTING', 'FROM_ENV', 'STORED']);
    assert.deepEqual(outcomes(planned), {
      ABSENT: 'not_found',
      API_KEY: 'imported',
      CONFLICT: 'differs',
      DSN: 'skipped',
      EXISTING: 'exists',
      FROM_ENV: 'not_found',
      STORED: 'not_found',
    });
    assert.equal(planned.items.find((i) => i.name === 'API_KEY')?.target, `${target}, key API_KEY`);
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), current, 'a dry run writes nothing');

    const done = await run();
    assert.deepEqual(outcomes(done), outcomes(planned));
    const after = dotenvValues(join(dir, '.env'));
    assert.equal(after.API_KEY, `${CANARY}-a`);
    assert.equal(after.CONFLICT, `${CANARY}-new`, 'an existing value is never overwritten');
    assert.ok(readFileSync(join(dir, '.env'), 'utf8').startsWith('# current\n'));

    const again = await run();
    assert.ok(again.items.every((i) => ['exists', 'differs', 'not_found', 'skipped'].includes(i.outcome)), 'a second run imports nothing');
    assert.equal(outcomes(again).API_KEY, 'exists');

    const refused = await rejection(client.request('secretspec/import', { textDocument: { uri }, profile: 'default', from: 'dotenv://.env', deleteSource: true }));
    assert.equal(refused.data?.kind, 'invalid_request');
    assert.match(refused.message, /same provider entry/);

    const cleaned = await run({ deleteSource: true });
    const deleted = Object.fromEntries(cleaned.items.filter((i) => i.deletedFromSource !== undefined).map((i) => [i.name, i.deletedFromSource]));
    assert.deepEqual(deleted, { API_KEY: true, CONFLICT: false, EXISTING: true });
    assert.deepEqual(dotenvValues(join(dir, '.env.legacy')), { CONFLICT: `${CANARY}-old` }, 'only values equal in the destination left the source');
    assert.equal(dotenvValues(join(dir, '.env')).API_KEY, `${CANARY}-a`);

    const unknown = await rejection(client.request('secretspec/import', { textDocument: { uri }, profile: 'default', from: 'nosuch' }));
    assert.equal(unknown.data?.kind, 'invalid_request');
  });

  test('reflect lists what a dotenv file declares, relative to the directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'secretspec-reflect-'));
    dirs.push(dir);
    writeFileSync(join(dir, '.env'), `# app\nZED=${CANARY}-z\nALPHA=${CANARY}-a\n`);
    assert.equal(existsSync(join(dir, 'secretspec.toml')), false);
    const result = await client.request<ReflectResult>('secretspec/reflect', { from: 'dotenv://.env', project: 'app', directory: dir });
    assert.deepEqual(result, {
      secrets: { ALPHA: { description: 'ALPHA secret', required: true }, ZED: { description: 'ZED secret', required: true } },
    });
    const env = await rejection(client.request('secretspec/reflect', { from: 'env', project: 'app', directory: dir }));
    assert.equal(env.data?.kind, 'capability_required');
    const alias = await rejection(client.request('secretspec/reflect', { from: 'legacy', project: 'app', directory: dir }));
    assert.equal(alias.data?.kind, 'invalid_request');
  });

  test('no value ever reaches the wire or stderr', () => {
    assert.ok(client.traffic.length > 0);
    assert.equal(client.traffic.join('').includes(CANARY), false, 'a value crossed the wire');
    assert.equal(client.stderr.join('').includes(CANARY), false, 'a value reached stderr');
  });
});

describe('mutation requests in an untrusted workspace', () => {
  let client: LspClient;
  let dir: string;
  let uri: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-untrusted-'));
    writeFileSync(join(dir, 'secretspec.toml'), MANIFEST);
    writeFileSync(join(dir, '.env.legacy'), `API_KEY=${CANARY}\n`);
    client = await LspClient.start({ initializationOptions: { trusted: false } });
    uri = client.open(join(dir, 'secretspec.toml'), MANIFEST);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('writeTarget says why, and every mutation fails with untrusted_workspace', async () => {
    const target = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'API_KEY' });
    assert.equal(target.writable, false);
    assert.equal(target.provider, 'dotenv:.env');
    assert.match(target.reason ?? '', /not trusted/);
    assert.equal(target.deletable, undefined, "not asked for");
    const kinds = await Promise.all([
      rejection(client.request('secretspec/set', { textDocument: { uri }, profile: 'default', name: 'API_KEY', value: CANARY })),
      rejection(client.request('secretspec/import', { textDocument: { uri }, profile: 'default', from: 'dotenv:.env.legacy' })),
      rejection(client.request('secretspec/reflect', { from: 'dotenv://.env.legacy', project: 'shop', directory: dir })),
    ]);
    assert.deepEqual(kinds.map((e) => e.data?.kind), ['untrusted_workspace', 'untrusted_workspace', 'untrusted_workspace']);
    assert.equal(existsSync(join(dir, '.env')), false, 'nothing was written');
    assert.equal(client.traffic.join('').includes(CANARY), false);
  });
});
