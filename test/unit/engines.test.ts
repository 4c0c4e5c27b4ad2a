// The Node versions the project declares (package.json engines.node) are
// ones every installed package accepts: otherwise `npm ci` warns EBADENGINE
// on a Node the project says it supports (as @vscode/test-electron 3, which
// wants Node 22, did).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import semver from 'semver';

const ROOT = join(__dirname, '..', '..');

test('every package in the lockfile accepts every Node version package.json declares', () => {
  const declared = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: unknown }> };
  const refusing: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const wanted = (entry.engines as { node?: unknown } | undefined)?.node;
    if (path === '' || typeof wanted !== 'string') continue;
    if (!semver.subset(declared, wanted)) refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version}: node ${wanted}`);
  }
  assert.deepEqual(refusing, [], `package.json declares node ${declared}`);
  assert.ok(semver.satisfies(process.version, declared), `this Node (${process.version}) is one package.json declares`);
});
