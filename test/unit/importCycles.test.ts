// Data flows one way: no import cycle anywhere in the server, the client or
// the shared protocol, type-only imports included (checked with madge).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import madge from 'madge';
import { ROOT } from '../support/lspClient';

test('no import cycles in server/src, client/src or protocol/src', async () => {
  const graph = await madge(
    ['server/src', 'client/src', 'protocol/src'].map((d) => join(ROOT, d)),
    { fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json'), detectiveOptions: { ts: { skipTypeImports: false } } },
  );
  assert.ok(Object.keys(graph.obj()).length > 100, 'madge found too few files: the check would prove nothing');
  assert.deepEqual(graph.circular(), []);
});

test('manifest/ imports nothing from the layers above it', async () => {
  const graph = await madge(join(ROOT, 'server/src/manifest'), { fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json') });
  const upward = Object.entries(graph.obj()).flatMap(([file, deps]) => deps.filter((d) => /^\.\.\/(rules|features|plugins|check)\//.test(d)).map((d) => `${file} → ${d}`));
  assert.deepEqual(upward, []);
});
