// Presence learned through `batch_get` (the plugin offers no `exists`):
// answers are booleans only, keys are asked once each in chunks of at most
// 1,024, and a faulty answer fails its keys without quoting any value.
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { decodeOpAnswer } from '../../server/src/plugins/codec';
import { PluginHost } from '../../server/src/plugins/host';
import { ADDRESS, fixture, harness, sessionOptions, tempDir } from './harness';

const VALUE = 'batch-presence-canary-4b1d';

/** A store file for the memory fixture holding VALUE under every given key. */
function store(keys: readonly string[]): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries(keys.map((k) => [`${ADDRESS.project}/${ADDRESS.profile}/${k}`, VALUE]))));
  return file;
}

function ops(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

test('batch_get answers: asked keys must be strings or null, unasked ones are ignored, values are never quoted', () => {
  const request = { op: 'batch_get' as const, ...ADDRESS, keys: ['A', 'B'] };
  assert.deepEqual(decodeOpAnswer(request, { ok: true, values: { A: VALUE, B: null, C: 42 } }), { ok: true, value: { A: VALUE, B: null } });
  const wrongType = decodeOpAnswer(request, { ok: true, values: { A: VALUE, B: 42 } });
  assert.ok(wrongType.ok === 'invalid' && wrongType.problem.includes('values.B'), JSON.stringify(wrongType));
  assert.ok(!JSON.stringify(wrongType).includes(VALUE));
  for (const values of [undefined, null, [VALUE, null], 'A']) {
    const decoded = decodeOpAnswer(request, { ok: true, values });
    assert.ok(decoded.ok === 'invalid' && decoded.problem.startsWith('values:'), JSON.stringify(decoded));
  }
});

test('presence through batch_get alone: booleans only, every key asked once, at most 1,024 per request', async () => {
  const opsFile = path.join(tempDir(), 'ops');
  const names = Array.from({ length: 1500 }, (_, i) => `SECRET_${String(i).padStart(4, '0')}`);
  const h = harness({ pluginEnv: { FIXTURE_OPS_FILE: opsFile, FIXTURE_STORE: store(names.filter((_, i) => i % 3 === 0)) } });
  try {
    const s = await h.host.open('memory://vault?caps=batch_get', sessionOptions(null));
    const sorted = await s.presence(ADDRESS, names);
    assert.equal(Object.keys(sorted).length, names.length);
    names.forEach((name, i) => assert.deepEqual(sorted[name], { ok: true, value: i % 3 === 0 }, name));

    const shuffled = await s.presence(ADDRESS, ['SECRET_0004', 'SECRET_0003', 'SECRET_0004', 'NOPE', 'SECRET_0003']);
    assert.deepEqual(shuffled, { SECRET_0004: { ok: true, value: false }, SECRET_0003: { ok: true, value: true }, NOPE: { ok: true, value: false } });

    assert.ok(!JSON.stringify([sorted, shuffled]).includes(VALUE), 'a value read to learn presence is never returned');
    assert.ok(!h.logs.join('\n').includes(VALUE), 'nor logged');
    assert.deepEqual(ops(opsFile), ['hello', 'batch_get', 'batch_get', 'batch_get']);
  } finally {
    await h.host.dispose();
  }
});

test('presence through batch_get retries a throttled answer and never sends keys outside allowedSecrets', async () => {
  const opsFile = path.join(tempDir(), 'ops');
  const settings = {
    memory: { path: fixture('memory'), env: { FIXTURE_OPS_FILE: opsFile, FIXTURE_STORE: store(['DB_URL']) }, allowedSecrets: ['DB_*'] },
  };
  const host = new PluginHost({ trusted: true, settings, retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 50 }, log: () => undefined });
  try {
    const s = await host.open('memory://vault?caps=batch_get&fault=rate_limited&times=1&on=batch_get', sessionOptions(null));
    const presence = await s.presence(ADDRESS, ['API_KEY', 'DB_URL', 'DB_NAME']);
    assert.deepEqual(presence.DB_URL, { ok: true, value: true });
    assert.deepEqual(presence.DB_NAME, { ok: true, value: false });
    assert.equal(presence.API_KEY?.ok === false && presence.API_KEY.error.kind, 'permission_denied');
    assert.deepEqual(ops(opsFile), ['hello', 'batch_get', 'batch_get']);
  } finally {
    await host.dispose();
  }
});

test('an invalid batch_get answer fails every key it was asked about, naming a key but no value', async () => {
  const dir = tempDir();
  const plugin = path.join(dir, 'secretspec-provider-halfright');
  // Answers the first asked key with a value and the others with a number, which no answer may hold.
  writeFileSync(
    plugin,
    `#!/usr/bin/env node
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.op === 'hello') return process.stdout.write(JSON.stringify({ ok: true, protocol_version: 1, capabilities: ['batch_get'] }) + '\\n');
  if (m.op === 'bye') { process.stdout.write('{"ok":true}\\n'); return process.exit(0); }
  const values = Object.fromEntries(m.keys.map((k, i) => [k, i === 0 ? ${JSON.stringify(VALUE)} : 7]));
  process.stdout.write(JSON.stringify({ ok: true, values }) + '\\n');
});
`,
  );
  chmodSync(plugin, 0o755);
  const logs: string[] = [];
  const host = new PluginHost({ trusted: true, settings: { halfright: { path: plugin } }, log: (line) => logs.push(line) });
  try {
    const s = await host.open('halfright://x', sessionOptions(null));
    const names = Array.from({ length: 1100 }, (_, i) => `K_${String(i).padStart(4, '0')}`);
    const presence = await s.presence(ADDRESS, names);
    for (const name of names) {
      const outcome = presence[name];
      assert.equal(outcome?.ok === false && outcome.error.kind, 'invalid_response', name);
    }
    const first = presence.K_0000;
    assert.ok(first?.ok === false && first.error.message.includes('values.K_0001'), first?.ok === false ? first.error.message : '');
    assert.ok(!JSON.stringify(presence).includes(VALUE) && !logs.join('\n').includes(VALUE));
  } finally {
    await host.dispose();
  }
});
