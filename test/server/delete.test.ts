// `secretspec/delete` over stdio against real files and a real plugin process:
// it removes one value from the primary only and keeps every other line, is
// idempotent, refuses what `set` refuses plus stores without `delete`, is
// refused in Restricted Mode, and no value ever crosses the wire.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DeleteResult, WriteTargetResult } from '../../protocol/src';
import { LspClient } from '../support/lspClient';
import { rejection } from '../support/rpcError';

const CANARY = 'canary-delete-4c1e9a';
const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');

const MANIFEST = `[project]
name = "shop"

[providers]
route = { fallback = ["dotenv:.env.src"], cache = { provider = "dotenv:.env.cache", max_age = "1h" } }

[profiles.default]
API_KEY = { description = "API key", providers = ["dotenv:.env", "dotenv:.env.fallback"] }
KEEP = { description = "Stays", providers = ["dotenv:.env"] }
FROM_ENV = { description = "Env", required = false, providers = ["env"] }
DSN = { description = "Composed", composed = "\${KEEP}/\${API_KEY}" }
NO_DELETE = { description = "A store without delete", providers = ["memory://vault?caps=get,set"] }
IN_MEMORY = { description = "A plugin with delete", providers = ["memory://vault"] }
CACHED = { description = "Cached route", providers = ["route"] }
`;

const ENV = `# shared settings
API_KEY=${CANARY}-api

# keep me
KEEP=${CANARY}-keep
`;

describe('secretspec/delete in a trusted workspace', () => {
  const dirs: string[] = [];
  const changed: string[] = [];
  let client: LspClient;
  let store: string;

  function workspace(files: Record<string, string>): { dir: string; uri: string } {
    const dir = mkdtempSync(join(tmpdir(), 'secretspec-delete-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return { dir, uri: client.open(join(dir, 'secretspec.toml'), files['secretspec.toml'] ?? MANIFEST) };
  }

  const del = (uri: string, name: string, profile = 'default') => client.request<DeleteResult>('secretspec/delete', { textDocument: { uri }, profile, name });

  before(async () => {
    store = join(mkdtempSync(join(tmpdir(), 'secretspec-delete-store-')), 'store.json');
    dirs.push(join(store, '..'));
    writeFileSync(store, JSON.stringify({ 'shop/default/IN_MEMORY': `${CANARY}-memory`, 'shop/default/NO_DELETE': `${CANARY}-nodelete` }));
    client = await LspClient.start({
      initializationOptions: { trusted: true },
      env: { ...process.env, PATH: `${FIXTURES}:/usr/bin:/bin` },
      settings: { secretspec: { plugins: { memory: { env: { FIXTURE_STORE: store } } } } },
    });
    client.connection.onNotification('secretspec/didChangePresence', (p: { textDocument: { uri: string } }) => changed.push(p.textDocument.uri));
  });
  after(async () => {
    await client.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  test('writeTarget says whether Delete may be offered', async () => {
    const { uri } = workspace({ 'secretspec.toml': MANIFEST, '.env': ENV });
    const ask = (name: string) => client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name, withDeletable: true });
    assert.equal((await ask('API_KEY')).deletable, true);
    assert.equal((await ask('IN_MEMORY')).deletable, true);
    assert.equal((await ask('NO_DELETE')).deletable, false, 'the plugin does not advertise delete');
    assert.equal((await ask('NO_DELETE')).writable, true);
    assert.equal((await ask('FROM_ENV')).deletable, false);
    assert.equal((await ask('DSN')).deletable, false);
  });

  test('deleting from .env removes only that line; comments, order and other keys stay; idempotent', async () => {
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST, '.env': ENV, '.env.fallback': `API_KEY=${CANARY}-fallback\n` });
    const before = changed.length;
    const result = await del(uri, 'API_KEY');
    assert.deepEqual(result, { provider: 'dotenv:.env', target: `dotenv file ${join(dir, '.env')}, key API_KEY` });
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), ENV.replace(`API_KEY=${CANARY}-api\n`, ''));
    assert.equal(readFileSync(join(dir, '.env.fallback'), 'utf8'), `API_KEY=${CANARY}-fallback\n`, 'a fallback copy is never touched');
    assert.ok(changed.slice(before).includes(uri), 'didChangePresence was sent for the manifest');

    assert.deepEqual(await del(uri, 'API_KEY'), result, 'deleting an absent value succeeds');
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), ENV.replace(`API_KEY=${CANARY}-api\n`, ''));
  });

  test('a missing .env file is an absent value, not an error, and is not created', async () => {
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST });
    await del(uri, 'KEEP');
    assert.equal(existsSync(join(dir, '.env')), false);
  });

  test('the presence check afterwards reports the secret missing', async () => {
    const { uri } = workspace({ 'secretspec.toml': MANIFEST, '.env': ENV });
    type Check = { results: Array<{ report: { secrets: Array<{ name: string; status: string }> } }> };
    const status = async (name: string) => {
      const check = await client.request<Check>('secretspec/check', { textDocument: { uri } });
      return check.results[0]!.report.secrets.find((s) => s.name === name)?.status;
    };
    // A check joins one already running; this one finishes before the delete, so the next starts after it.
    assert.equal(await status('KEEP'), 'resolved');
    await del(uri, 'KEEP');
    assert.equal(await status('KEEP'), 'missing_required');
    assert.equal(await status('API_KEY'), 'resolved');
  });

  test('through a plugin process: the value leaves the store', async () => {
    const { uri } = workspace({ 'secretspec.toml': MANIFEST });
    await del(uri, 'IN_MEMORY');
    const left = JSON.parse(readFileSync(store, 'utf8')) as Record<string, string>;
    assert.equal(left['shop/default/IN_MEMORY'], undefined);
    assert.equal(left['shop/default/NO_DELETE'], `${CANARY}-nodelete`);
  });

  test('a cached route deletes from the authoritative source and drops the SecretSpec cache entry', async () => {
    const envelope = `secretspec-cache-v2:{"project":"shop","profile":"default","cached_at":1,"route_fingerprint":"f","value":"${CANARY}-stale"}`;
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST, '.env.src': `CACHED=${CANARY}-src\nOTHER=1\n`, '.env.cache': `CACHED='${envelope}'\n` });
    const result = await del(uri, 'CACHED');
    assert.equal(result.provider, 'dotenv:.env.src');
    assert.equal(readFileSync(join(dir, '.env.src'), 'utf8'), 'OTHER=1\n');
    assert.equal(readFileSync(join(dir, '.env.cache'), 'utf8').includes('CACHED'), false);
  });

  test('refusals carry their kind and change nothing', async () => {
    const { dir, uri } = workspace({ 'secretspec.toml': MANIFEST, '.env': ENV });
    const env = await rejection(del(uri, 'FROM_ENV'));
    assert.equal(env.data?.kind, 'read_only');
    assert.match(env.message, /read-only/);
    const noDelete = await rejection(del(uri, 'NO_DELETE'));
    assert.equal(noDelete.data?.kind, 'capability_required');
    assert.match(noDelete.message, /does not offer delete/);
    assert.equal((await rejection(del(uri, 'DSN'))).data?.kind, 'read_only');
    assert.equal((await rejection(del(uri, 'NOPE'))).data?.kind, 'not_declared');
    assert.equal((await rejection(del(uri, 'API_KEY', 'staging'))).data?.kind, 'not_declared');
    assert.equal((await rejection(client.request('secretspec/delete', { textDocument: { uri }, profile: 'default' }))).data?.kind, 'invalid_request');
    assert.equal((await rejection(client.request('secretspec/delete', {}))).data?.kind, 'invalid_request');
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), ENV);
    assert.equal((JSON.parse(readFileSync(store, 'utf8')) as Record<string, string>)['shop/default/NO_DELETE'], `${CANARY}-nodelete`);
  });

  test('no value ever reaches the wire or stderr', () => {
    assert.ok(client.traffic.length > 0);
    assert.equal(client.traffic.join('').includes(CANARY), false, 'a value crossed the wire');
    assert.equal(client.stderr.join('').includes(CANARY), false, 'a value reached stderr');
  });
});

describe('secretspec/delete in an untrusted workspace', () => {
  let client: LspClient;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-delete-untrusted-'));
    writeFileSync(join(dir, '.env'), ENV);
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('refused with untrusted_workspace; nothing is touched; writeTarget does not offer it', async () => {
    client = await LspClient.start({ initializationOptions: { trusted: false } });
    const uri = client.open(join(dir, 'secretspec.toml'), MANIFEST);
    const refused = await rejection(client.request('secretspec/delete', { textDocument: { uri }, profile: 'default', name: 'API_KEY' }));
    assert.equal(refused.data?.kind, 'untrusted_workspace');
    assert.equal(readFileSync(join(dir, '.env'), 'utf8'), ENV);
    const target = await client.request<WriteTargetResult>('secretspec/writeTarget', { textDocument: { uri }, profile: 'default', name: 'API_KEY', withDeletable: true });
    assert.equal(target.deletable, false);
    assert.equal(client.traffic.join('').includes(CANARY), false);
  });
});
