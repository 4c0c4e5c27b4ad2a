// The in-process providers over real temp directories: dotenv, file, env, null.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { dotenvProvider } from '../../server/src/plugins/bundled/dotenv';
import { envProvider } from '../../server/src/plugins/bundled/env';
import { fileProvider } from '../../server/src/plugins/bundled/file';
import { bundledProviders } from '../../server/src/plugins/bundled/index';
import { nullProvider } from '../../server/src/plugins/bundled/null';
import { TRICKY_VALUES, at, expectError, expectOk, openError, openSession } from './openSession';

const tmp = mkdtempSync(path.join(tmpdir(), 'bundled-providers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const dev = at('myapp', 'development');

function projectDir(name: string): { dir: string; manifest: string } {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const manifest = path.join(dir, 'secretspec.toml');
  writeFileSync(manifest, '[project]\nname = "myapp"\n');
  return { dir, manifest };
}

test('bundledProviders lists each scheme with exactly the capabilities it supports', async () => {
  const providers = bundledProviders();
  assert.deepEqual([...providers.keys()].sort(), ['dotenv', 'env', 'file', 'keyring', 'null', 'pass']);
  const { manifest } = projectDir('caps');
  const expected: Record<string, string[]> = {
    env: ['get', 'batch_get', 'exists'],
    null: ['get', 'batch_get', 'exists'],
    dotenv: ['get', 'batch_get', 'exists', 'set', 'delete', 'reflect'],
    file: ['get', 'batch_get', 'exists', 'set', 'delete'],
    pass: ['get', 'batch_get', 'exists', 'set', 'delete'],
  };
  for (const [scheme, caps] of Object.entries(expected)) {
    const uri = scheme === 'file' ? 'file:./.secrets' : scheme;
    const session = await openSession(providers.get(scheme)!, uri, manifest);
    assert.deepEqual([...session.capabilities], caps, scheme);
    assert.equal(session.name, scheme);
  }
});

test('dotenv: path resolves against the manifest directory, not the cwd', async () => {
  const { dir, manifest } = projectDir('dotenv-path');
  const s = await openSession(dotenvProvider, 'dotenv:config/.env.local', manifest);
  mkdirSync(path.join(dir, 'config'));
  expectOk(await s.handle(dev.set('API_KEY', 'abc')));
  assert.equal(readFileSync(path.join(dir, 'config/.env.local'), 'utf8'), 'API_KEY=abc\n');
  const plain = await openSession(dotenvProvider, 'dotenv', manifest);
  expectOk(await plain.handle(dev.set('X', '1')));
  assert.equal(readFileSync(path.join(dir, '.env'), 'utf8'), 'X=1\n');
  assert.equal((statSync(path.join(dir, '.env')).mode & 0o777).toString(8), '600', 'a new .env is private');
});

test('dotenv: get, batch_get, exists, set, delete, reflect over a real file', async () => {
  const { dir, manifest } = projectDir('dotenv-ops');
  const file = path.join(dir, '.env');
  const original = '# Database\nDATABASE_URL=postgres://localhost/db\n\n# keep me\nexport TOKEN="t0k" # note\nDUP=1\nDUP=2\n';
  writeFileSync(file, original);
  const s = await openSession(dotenvProvider, 'dotenv:.env', manifest);
  assert.equal(expectOk(await s.handle(dev.get('DATABASE_URL'))).value, 'postgres://localhost/db');
  assert.equal(expectOk(await s.handle(dev.get('DUP'))).value, '2', 'the last assignment wins, as in dotenvy');
  assert.equal(expectOk(await s.handle(dev.get('MISSING'))).value, null);
  assert.deepEqual(expectOk(await s.handle(dev.batch(['TOKEN', 'MISSING']))).values, { TOKEN: 't0k', MISSING: null });
  assert.equal(expectOk(await s.handle(dev.exists('TOKEN'))).exists, true);
  assert.equal(expectOk(await s.handle(dev.exists('NOPE'))).exists, false);
  assert.deepEqual(expectOk(await s.handle({ op: 'reflect', project: 'myapp' })).secrets, {
    DATABASE_URL: { description: 'DATABASE_URL secret', required: true },
    TOKEN: { description: 'TOKEN secret', required: true },
    DUP: { description: 'DUP secret', required: true },
  });

  expectOk(await s.handle(dev.set('TOKEN', 'new "value" # with $HOME')));
  assert.equal(readFileSync(file, 'utf8'), original.replace('export TOKEN="t0k" # note', 'export TOKEN="new \\"value\\" # with \\$HOME" # note'));
  assert.equal(expectOk(await s.handle(dev.get('TOKEN'))).value, 'new "value" # with $HOME');

  expectOk(await s.handle(dev.del('DATABASE_URL')));
  expectOk(await s.handle(dev.del('DATABASE_URL')));
  assert.equal(readFileSync(file, 'utf8').includes('DATABASE_URL'), false);
  assert.ok(readFileSync(file, 'utf8').startsWith('# Database\n\n# keep me\n'), 'comments stay where they were');
});

test('dotenv: tricky values round-trip through the file', async () => {
  const { manifest } = projectDir('dotenv-tricky');
  const s = await openSession(dotenvProvider, 'dotenv:.env', manifest);
  for (const [i, value] of TRICKY_VALUES.entries()) {
    expectOk(await s.handle(dev.set(`K${i}`, value)));
  }
  const reopened = await openSession(dotenvProvider, 'dotenv:.env', manifest);
  const keys = TRICKY_VALUES.map((_, i) => `K${i}`);
  const got = expectOk(await reopened.handle(dev.batch(keys))).values!;
  assert.deepEqual(keys.map((k) => got[k]), TRICKY_VALUES);
});

test('dotenv: bad input gets clear errors that never quote a value', async () => {
  const { dir, manifest } = projectDir('dotenv-bad');
  writeFileSync(path.join(dir, '.env'), 'GOOD=1\nBROKEN="super secret" words\n');
  const s = await openSession(dotenvProvider, 'dotenv', manifest);
  const e = expectError(await s.handle(dev.get('GOOD')), 'invalid_request');
  assert.match(e.message, /\.env:2/);
  assert.doesNotMatch(e.message, /secret|words/);
  expectError(await s.handle(dev.set('GOOD', 'x')), 'invalid_request');
  assert.equal(readFileSync(path.join(dir, '.env'), 'utf8'), 'GOOD=1\nBROKEN="super secret" words\n', 'a file we cannot read is never rewritten');
  const ok = await openSession(dotenvProvider, 'dotenv:.env.other', manifest);
  expectError(await ok.handle(dev.set('BAD KEY', 'v')), 'invalid_request');
  expectError(await ok.handle({ op: 'get', project: 'p', profile: 'd' } as never), 'invalid_request');
  expectError(await ok.handle(dev.set('', 'v')), 'invalid_request');
  assert.doesNotMatch(expectError(await ok.handle(dev.set('NUL', 'nul\0secret')), 'invalid_request').message, /secret/);
  const missingDir = await openSession(dotenvProvider, 'dotenv:nowhere/.env', manifest);
  expectError(await missingDir.handle(dev.set('A', 'v')), 'not_found');
  assert.equal(expectOk(await missingDir.handle(dev.get('A'))).value, null, 'a missing file is a miss');
  assert.match((await openError(dotenvProvider, 'dotenv:.env:prod', manifest)).message, /Invalid provider specification/);
});

test('file: ROOT/{project}/{profile}/{key}, private and atomic', async () => {
  const { dir, manifest } = projectDir('file-ops');
  const s = await openSession(fileProvider, 'file:./.secrets', manifest);
  assert.equal(expectOk(await s.handle(dev.exists('API_KEY'))).exists, false, 'an absent root is a miss');
  for (const value of TRICKY_VALUES) {
    expectOk(await s.handle(dev.set('API_KEY', value)));
    assert.equal(expectOk(await s.handle(dev.get('API_KEY'))).value, value);
  }
  const entry = path.join(dir, '.secrets/myapp/development/API_KEY');
  assert.equal(readFileSync(entry, 'utf8'), TRICKY_VALUES.at(-1));
  assert.equal((statSync(entry).mode & 0o777).toString(8), '600');
  assert.equal((statSync(path.join(dir, '.secrets/myapp')).mode & 0o777).toString(8), '700');
  assert.equal(expectOk(await s.handle(dev.exists('API_KEY'))).exists, true);
  assert.equal(expectOk(await s.handle(at('myapp', 'production').exists('API_KEY'))).exists, false, 'profiles are isolated');
  expectOk(await s.handle(dev.del('API_KEY')));
  expectOk(await s.handle(dev.del('API_KEY')));
  assert.equal(expectOk(await s.handle(dev.get('API_KEY'))).value, null);

  const absolute = path.join(tmp, 'abs-store');
  const abs = await openSession(fileProvider, `file://${absolute}`, null);
  expectOk(await abs.handle(dev.set('K', 'v')));
  assert.equal(readFileSync(path.join(absolute, 'myapp/development/K'), 'utf8'), 'v');
});

test('file: unsafe components, symlinks and bad URIs are refused', async () => {
  const { dir, manifest } = projectDir('file-safety');
  const s = await openSession(fileProvider, 'file:./store', manifest);
  for (const [project, profile, key] of [['..', 'dev', 'K'], ['p', '.', 'K'], ['p', 'dev', '../escape'], ['p', 'a/b', 'K'], ['p', 'dev', 'a\\b'], ['p', 'dev', 'nul\0']]) {
    expectError(await s.handle(at(project!, profile!).set(key!, 'v')), 'invalid_request');
    expectError(await s.handle(at(project!, profile!).get(key!)), 'invalid_request');
  }
  const outside = path.join(tmp, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, 'K'), 'outside-value');
  mkdirSync(path.join(dir, 'store/p'), { recursive: true });
  symlinkSync(outside, path.join(dir, 'store/p/dev'));
  const viaDirLink = expectError(await s.handle(at('p', 'dev').get('K')), 'permission_denied');
  assert.match(viaDirLink.message, /symbolic link/);
  expectError(await s.handle(at('p', 'dev').set('K', 'overwrite')), 'permission_denied');
  assert.equal(readFileSync(path.join(outside, 'K'), 'utf8'), 'outside-value', 'nothing written through the link');
  mkdirSync(path.join(dir, 'store/p/prod'));
  symlinkSync(path.join(outside, 'K'), path.join(dir, 'store/p/prod/K'));
  expectError(await s.handle(at('p', 'prod').exists('K')), 'permission_denied');
  expectError(await s.handle(at('p', 'prod').del('K')), 'permission_denied');

  for (const uri of ['file', 'file:', 'file://']) {
    assert.match((await openError(fileProvider, uri, manifest)).message, /requires an explicit relative or absolute directory path/);
  }
  assert.match((await openError(fileProvider, 'file:./s?x=1', manifest)).message, /only a directory path/);
  assert.match((await openError(fileProvider, 'file:./s?', manifest)).message, /only a directory path/);
});

test('env: reads the environment given to open, read-only', async () => {
  const s = await openSession(envProvider, 'env://', null, { PRESENT: 'yes', EMPTY: '' });
  assert.equal(expectOk(await s.handle(dev.get('PRESENT'))).value, 'yes');
  assert.equal(expectOk(await s.handle(dev.get('ABSENT'))).value, null);
  assert.equal(expectOk(await s.handle(dev.exists('EMPTY'))).exists, true);
  assert.equal(expectOk(await s.handle(dev.exists('ABSENT'))).exists, false);
  assert.deepEqual(expectOk(await s.handle(dev.batch(['PRESENT', 'ABSENT']))).values, { PRESENT: 'yes', ABSENT: null });
  expectError(await s.handle(dev.set('PRESENT', 'no')), 'unsupported');
  expectError(await s.handle(dev.del('PRESENT')), 'unsupported');
  const e = await openError(envProvider, 'env://API_KEY');
  assert.match(e.message, /ref = \{ item = "API_KEY" \}/);
});

test('null: always missing, refuses writes and any authority', async () => {
  for (const uri of ['null', 'null:', 'null://']) {
    const s = await openSession(nullProvider, uri);
    assert.equal(expectOk(await s.handle(dev.get('K'))).value, null);
    assert.equal(expectOk(await s.handle(dev.exists('K'))).exists, false);
    assert.deepEqual(expectOk(await s.handle(dev.batch(['A', 'B']))).values, { A: null, B: null });
    expectError(await s.handle(dev.set('K', 'v')), 'unsupported');
  }
  for (const uri of ['null://x', 'null:///path', 'null://?q=1']) {
    assert.match((await openError(nullProvider, uri)).message, /null:\/\/ takes no authority, path, or query/);
  }
});
