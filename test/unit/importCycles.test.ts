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

/** Imports of files under `dir` that leave it for a folder matching `forbidden` (paths relative to `dir`). */
async function leaving(dir: string, forbidden: RegExp): Promise<string[]> {
  const graph = await madge(join(ROOT, 'server/src', dir), { fileExtensions: ['ts'], tsConfig: join(ROOT, 'tsconfig.json'), detectiveOptions: { ts: { skipTypeImports: false } } });
  return Object.entries(graph.obj()).flatMap(([file, deps]) => deps.filter((d) => forbidden.test(d)).map((d) => `${dir}/${file} → ${d}`));
}

test('manifest/ imports nothing from the layers above it', async () => {
  assert.deepEqual(await leaving('manifest', /^\.\.\/(rules|features|plugins|check|providers)\//), []);
});

test('providers/ (scheme records, the URI parser, the Store interface) imports nothing else of the server', async () => {
  assert.deepEqual(await leaving('providers', /^\.\.\/(?!providers\/)[^.]/), []);
});

test('check/ plans and writes over Store only: no provider family, no LSP adapter', async () => {
  assert.deepEqual(await leaving('check', /^\.\.\/(plugins|features|endpoints|cliBridge)\//), []);
});
