// Writes over Stores, with in-memory stores standing in for every provider
// family: routes, capability refusals, cache eviction, import outcomes and
// their all-or-nothing order, reflect, and that no value reaches a log line.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deleteValue, importValues, reflectFrom, setValue, writeTarget, type WriteEnv, type WriteScope } from '../../server/src/check/mutate';
import { analyze, diskReader } from '../../server/src/manifest/analysis';
import { rulesFor } from '../../server/src/rules';
import { ProviderError, type Address, type Capability, type Declaration, type KeyOutcome, type Store, type StoreContext, type Stores } from '../../server/src/providers/store';

const ALL: Capability[] = ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect'];
const CANARY = 'canary-value-1b9e';

class MemoryStore implements Store {
  readonly values = new Map<string, string>();
  readonly calls: string[] = [];
  constructor(
    readonly label: string,
    readonly capabilities: readonly Capability[] = ALL,
    readonly declarations: Record<string, Declaration> = {},
  ) {}
  can(capability: Capability): boolean {
    return this.capabilities.includes(capability);
  }
  private at(address: Address, key: string): string {
    return `${address.project}/${address.profile}/${key}`;
  }
  async presence(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<boolean>>> {
    return Object.fromEntries(keys.map((k) => [k, { ok: true, value: this.values.has(this.at(address, k)) }]));
  }
  async get(address: Address, key: string): Promise<string | null> {
    this.calls.push(`get ${key}`);
    return this.values.get(this.at(address, key)) ?? null;
  }
  async getMany(address: Address, keys: readonly string[]): Promise<Record<string, KeyOutcome<string | null>>> {
    this.calls.push(`getMany ${keys.join(',')}`);
    return Object.fromEntries(keys.map((k) => [k, { ok: true, value: this.values.get(this.at(address, k)) ?? null }]));
  }
  async set(address: Address, key: string, value: string): Promise<void> {
    this.calls.push(`set ${key}`);
    this.values.set(this.at(address, key), value);
  }
  async delete(address: Address, key: string): Promise<void> {
    this.calls.push(`delete ${key}`);
    this.values.delete(this.at(address, key));
  }
  async reflect(): Promise<Record<string, Declaration>> {
    return this.declarations;
  }
}

class MemoryStores implements Stores {
  readonly opened: Array<{ uri: string; context: StoreContext }> = [];
  constructor(private readonly byUri: Record<string, Store>) {}
  async open(uri: string, context: StoreContext): Promise<Store> {
    this.opened.push({ uri, context });
    const store = this.byUri[uri];
    if (!store) throw new ProviderError('plugin_not_installed', `no store for ${uri}`);
    return store;
  }
}

const MANIFEST = `[project]
name = "shop"
revision = "1.0"

[providers]
main = "mem://main"
legacy = "mem://legacy"
cached = { uri = "mem://main", cache = { provider = "mem://cache", max_age = "1h" } }

[profiles.default]
API_KEY = { description = "api", providers = ["main", "mem://fallback"] }
TOKEN = { description = "token", providers = ["main"] }
CACHED = { description = "cached", providers = ["cached"] }
RO = { description = "read-only", providers = ["mem://readonly"] }
DSN = { description = "dsn", composed = "x\${API_KEY}" }
`;

async function scopeOf(text = MANIFEST): Promise<WriteScope> {
  const analysis = await analyze(text, '/proj/secretspec.toml', diskReader, rulesFor({}));
  assert.ok(analysis.load.merged && analysis.validation.profiles);
  return { manifest: analysis.load.merged, profiles: analysis.validation.profiles, configFile: '/proj/secretspec.toml', base: { configFile: '/proj/secretspec.toml', baseDir: '/proj' } };
}

function envOf(stores: Stores, trusted = true): WriteEnv & { logs: string[]; writes: number } {
  const env = { stores, trusted, logs: [] as string[], writes: 0, log: (line: string) => env.logs.push(line), wrote: () => void env.writes++ };
  return env;
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, String(error));
    assert.ok(!error.message.includes(CANARY), 'no value in a message');
    return error.kind;
  }
  assert.fail('expected a refusal');
}

const DEFAULT = { profile: 'default', project: 'shop' };

describe('set and delete', () => {
  test('set writes through the primary only, reports once and never logs the value', async () => {
    const main = new MemoryStore('main');
    const fallback = new MemoryStore('fallback');
    const stores = new MemoryStores({ 'mem://main': main, 'mem://fallback': fallback });
    const env = envOf(stores);
    const result = await setValue(await scopeOf(), env, { profile: 'default', name: 'API_KEY' }, CANARY);
    assert.deepEqual(result, { provider: 'mem://main', target: 'mem://main, project shop, profile default, key API_KEY' });
    assert.equal(await main.get(DEFAULT, 'API_KEY'), CANARY);
    assert.deepEqual(fallback.calls, []);
    assert.equal(env.writes, 1);
    assert.deepEqual(stores.opened.map((o) => o.context), [{ configFile: '/proj/secretspec.toml', project: 'shop', command: 'API_KEY', profile: 'default' }]);
    assert.ok(!env.logs.join('\n').includes(CANARY));
  });

  test('refusals: untrusted, empty value, a store without set or delete, composed and undeclared secrets', async () => {
    const scope = await scopeOf();
    const readOnly = new MemoryStore('readonly', ['get']);
    const stores = new MemoryStores({ 'mem://main': new MemoryStore('main'), 'mem://readonly': readOnly });
    assert.equal(await kindOf(setValue(scope, envOf(stores, false), { profile: 'default', name: 'API_KEY' }, CANARY)), 'untrusted_workspace');
    assert.equal(await kindOf(setValue(scope, envOf(stores), { profile: 'default', name: 'API_KEY' }, '')), 'invalid_request');
    assert.equal(await kindOf(setValue(scope, envOf(stores), { profile: 'default', name: 'RO' }, CANARY)), 'capability_required');
    assert.equal(await kindOf(deleteValue(scope, envOf(stores), { profile: 'default', name: 'RO' })), 'capability_required');
    assert.equal(await kindOf(setValue(scope, envOf(stores), { profile: 'default', name: 'DSN' }, CANARY)), 'read_only');
    assert.equal(await kindOf(setValue(scope, envOf(stores), { profile: 'default', name: 'NOPE' }, CANARY)), 'not_declared');
    assert.equal(await kindOf(setValue(scope, envOf(stores), { profile: 'staging', name: 'API_KEY' }, CANARY)), 'not_declared');
    assert.deepEqual(readOnly.calls, []);
  });

  test('a write through a cached route drops only SecretSpec’s own cache entry', async () => {
    const main = new MemoryStore('main');
    const cache = new MemoryStore('cache');
    const stores = new MemoryStores({ 'mem://main': main, 'mem://cache': cache });
    await cache.set(DEFAULT, 'CACHED', 'secretspec-cache-v2:{"old":true}');
    await setValue(await scopeOf(), envOf(stores), { profile: 'default', name: 'CACHED' }, CANARY);
    assert.equal(await main.get(DEFAULT, 'CACHED'), CANARY);
    assert.equal(await cache.get(DEFAULT, 'CACHED'), null, 'the stale envelope is gone');

    await cache.set(DEFAULT, 'CACHED', 'not an envelope');
    await deleteValue(await scopeOf(), envOf(stores), { profile: 'default', name: 'CACHED' });
    assert.equal(await main.get(DEFAULT, 'CACHED'), null);
    assert.equal(await cache.get(DEFAULT, 'CACHED'), 'not an envelope', 'someone else’s entry is kept');
  });

  test('a failing cache never fails the write; the log says why without a value', async () => {
    const stores = new MemoryStores({ 'mem://main': new MemoryStore('main') });
    const env = envOf(stores);
    await setValue(await scopeOf(), env, { profile: 'default', name: 'CACHED' }, CANARY);
    assert.match(env.logs.join('\n'), /cache mem:\/\/cache for CACHED could not be dropped \(plugin_not_installed\)/);
  });
});

describe('writeTarget', () => {
  test('the record describes the target; a store that can say better does; deletable only when asked', async () => {
    const scope = await scopeOf();
    const main = new MemoryStore('main', ['get', 'set']);
    const stores = new MemoryStores({ 'mem://main': main });
    const answer = await writeTarget(scope, envOf(stores), { profile: 'default', name: 'TOKEN' }, false);
    assert.deepEqual(answer, { provider: 'mem://main', target: 'mem://main, project shop, profile default, key TOKEN', writable: true });
    const asked = await writeTarget(scope, envOf(stores), { profile: 'default', name: 'TOKEN' }, true);
    assert.equal(asked.deletable, false);

    const described = Object.assign(new MemoryStore('main'), { describeTarget: async (at: { key: string }) => `entry ${at.key} as the backend names it` });
    const better = await writeTarget(scope, envOf(new MemoryStores({ 'mem://main': described })), { profile: 'default', name: 'TOKEN' }, true);
    assert.deepEqual(better, { provider: 'mem://main', target: 'entry TOKEN as the backend names it', writable: true, deletable: true });
  });

  test('untrusted and unopenable stores are explained, not thrown', async () => {
    const scope = await scopeOf();
    const untrusted = await writeTarget(scope, envOf(new MemoryStores({}), false), { profile: 'default', name: 'TOKEN' }, true);
    assert.equal(untrusted.writable, false);
    assert.match(untrusted.reason ?? '', /not trusted/);
    const missing = await writeTarget(scope, envOf(new MemoryStores({})), { profile: 'default', name: 'TOKEN' }, false);
    assert.deepEqual(missing, { provider: 'mem://main', target: 'mem://main, project shop, profile default, key TOKEN', writable: false, reason: 'no store for mem://main' });
  });
});

describe('import', () => {
  async function fixture(capabilities: Capability[] = ALL) {
    const legacy = new MemoryStore('legacy', capabilities);
    const main = new MemoryStore('main');
    const readonly = new MemoryStore('readonly', ['get']);
    await legacy.set(DEFAULT, 'API_KEY', `${CANARY}-a`);
    await legacy.set(DEFAULT, 'TOKEN', `${CANARY}-t`);
    await main.set(DEFAULT, 'TOKEN', 'already-there');
    await main.set(DEFAULT, 'CACHED', `${CANARY}-c`);
    await legacy.set(DEFAULT, 'CACHED', `${CANARY}-c`);
    legacy.calls.length = 0;
    main.calls.length = 0;
    const stores = new MemoryStores({ 'mem://legacy': legacy, 'mem://main': main, 'mem://readonly': readonly, 'mem://cache': new MemoryStore('cache') });
    return { legacy, main, stores };
  }

  test('never overwrites; composed skipped; one outcome per declared secret', async () => {
    const { main, stores } = await fixture();
    const env = envOf(stores);
    const result = await importValues(await scopeOf(), env, { profile: 'default', from: 'legacy', dryRun: false, deleteSource: false });
    const outcomes = Object.fromEntries(result.items.map((i) => [i.name, i.outcome]));
    assert.deepEqual(outcomes, { API_KEY: 'imported', CACHED: 'exists', DSN: 'skipped', RO: 'not_found', TOKEN: 'differs' });
    assert.equal(await main.get(DEFAULT, 'API_KEY'), `${CANARY}-a`);
    assert.equal(await main.get(DEFAULT, 'TOKEN'), 'already-there');
    assert.equal(env.writes, 1);
    assert.match(env.logs.join('\n'), /1 imported, 1 already exist, 1 differ, 1 not found in source, 1 skipped/);
    assert.ok(!JSON.stringify(result).includes(CANARY) && !env.logs.join('').includes(CANARY));
  });

  test('a dry run writes nothing and says what would happen', async () => {
    const { main, stores } = await fixture();
    const env = envOf(stores);
    const result = await importValues(await scopeOf(), env, { profile: 'default', from: 'legacy', dryRun: true, deleteSource: true });
    assert.equal(result.items.find((i) => i.name === 'API_KEY')?.message, 'would be imported (dry run); would be deleted from source after verification');
    assert.deepEqual(main.calls.filter((c) => !c.startsWith('get')), []);
    assert.equal(env.writes, 0);
  });

  test('deleteSource deletes only what reads back equal', async () => {
    const { legacy, stores } = await fixture();
    const result = await importValues(await scopeOf(), envOf(stores), { profile: 'default', from: 'legacy', dryRun: false, deleteSource: true });
    const deleted = Object.fromEntries(result.items.filter((i) => i.deletedFromSource !== undefined).map((i) => [i.name, i.deletedFromSource]));
    assert.deepEqual(deleted, { API_KEY: true, CACHED: true, TOKEN: false });
    assert.equal(await legacy.get(DEFAULT, 'TOKEN'), `${CANARY}-t`, 'a differing source is retained');
    assert.equal(result.items.find((i) => i.name === 'TOKEN')?.message, 'target value differs; it was not overwritten; source retained');
  });

  test('refusals come before anything is written', async () => {
    const { main, stores } = await fixture(['get']);
    const scope = await scopeOf();
    assert.equal(await kindOf(importValues(scope, envOf(stores), { profile: 'default', from: 'legacy', dryRun: false, deleteSource: true })), 'capability_required');
    assert.equal(await kindOf(importValues(scope, envOf(stores), { profile: 'default', from: 'cached', dryRun: false, deleteSource: false })), 'invalid_request');
    assert.equal(await kindOf(importValues(scope, envOf(stores), { profile: 'prod', from: 'legacy', dryRun: false, deleteSource: false })), 'not_declared');
    const writeOnly = new MemoryStores({ 'mem://legacy': new MemoryStore('legacy', ['set']), 'mem://main': main });
    assert.equal(await kindOf(importValues(scope, envOf(writeOnly), { profile: 'default', from: 'legacy', dryRun: false, deleteSource: false })), 'capability_required');
    assert.deepEqual(main.calls.filter((c) => c.startsWith('set')), []);
  });
});

test('reflect shapes what the store declares, and needs the capability', async () => {
  const store = new MemoryStore('src', ALL, { B: { description: 'b', required: false, default: CANARY }, A: {} });
  const env = envOf(new MemoryStores({ 'mem://src': store }));
  const result = await reflectFrom(env, { from: 'mem://src', project: 'shop', directory: '/proj', configFile: null });
  assert.deepEqual(result, { secrets: { A: { description: 'A secret', required: true }, B: { description: 'b', required: false } } });
  const plain = envOf(new MemoryStores({ 'mem://src': new MemoryStore('src', ['get']) }));
  assert.equal(await kindOf(reflectFrom(plain, { from: 'mem://src', project: 'shop', directory: '/proj', configFile: null })), 'capability_required');
  assert.equal(await kindOf(reflectFrom(envOf(new MemoryStores({}), false), { from: 'mem://src', project: 'shop', directory: '/proj', configFile: null })), 'untrusted_workspace');
});
