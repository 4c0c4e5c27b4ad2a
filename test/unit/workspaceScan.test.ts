// Which nearby folders `extends` completion offers (features/workspaceScan.ts), over real folders.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { manifestDirsNear } from '../../server/src/features/workspaceScan';

test('extends candidates: nearest first, so a crowded folder further up never crowds out the manifest\'s own subfolders', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'secretspec-scan-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const manifest = (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'secretspec.toml'), '');
  };
  const app = join(root, 'a', 'b', 'app');
  manifest(app);
  manifest(join(app, 'shared'));
  manifest(join(root, 'a', 'b', 'sibling'));
  for (let i = 0; i < 60; i++) manifest(join(root, `crowd-${String(i).padStart(2, '0')}`));
  mkdirSync(join(app, 'empty'));

  const near = manifestDirsNear(join(app, 'secretspec.toml'), 10);
  assert.equal(near.length, 10);
  assert.ok(near.includes('./shared'), near.join(', '));
  assert.ok(near.includes('../sibling'), near.join(', '));
  assert.ok(!near.some((d) => d.includes('empty')));
});
