// `node dist/server.js export …`: the same resolution as `run`, printed as one
// JSON object on stdout for the editor's debuggers that cannot be wrapped.
// Real processes, real `.env` files, the memory plugin, and SecretSpec
// 0.21.1's own `secretspec export --format json` on the same manifest and
// store where it can answer. Values are compared by hash; stderr must never
// hold one.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { oracle, oracleSkip } from '../support/oracle';
import { PLUGINS, project as projectIn, type Ran, run, runEnv, secret, sha } from './support';

const project = (files: Record<string, string>) => projectIn('export', files);

interface Exported {
  environment: Record<string, string>;
  remove: string[];
  without: Array<{ name: string; reason: string }>;
  files?: string;
}

const parse = (r: Ran): Exported => JSON.parse(r.stdout) as Exported;
const hashes = (env: Record<string, string>) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, sha(v)]));

function noValueOnStderr(r: Ran, ...values: string[]): void {
  for (const v of values) assert.ok(!r.stderr.includes(v), 'a value reached stderr');
}

test('export --help, and usage errors', async () => {
  const { dir, home } = project({});
  const env = runEnv(home);
  const help = await run(['export', '--help'], { cwd: dir, env });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: secretspec-language-server export \[--file <path>\] \[--profile <p>\] \[--scope <s>\] \[--allow-missing\] \[--format json\]/);
  assert.match(help.stdout, /"environment"/);
  assert.match((await run(['--help'], { cwd: dir, env })).stdout, /secretspec-language-server export \[--file/);
  for (const args of [['export', '--format', 'shell'], ['export', 'extra'], ['export', '--format'], ['export', '--bogus'], ['export', '--', 'cmd']]) {
    const r = await run(args, { cwd: dir, env });
    assert.equal(r.status, 2, args.join(' '));
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^secretspec-language-server export: .*\n\nUsage: /);
  }
});

test('dotenv, defaults, compositions and as_path: the same names and values as secretspec export --format json; the files stay, private, for the caller', async () => {
  const user = secret('user');
  const pass = secret('pa$$');
  const cert = `-----BEGIN-----\n${secret('cert')}\n-----END-----`;
  const { dir, home } = project({
    'secretspec.toml': [
      '[project]\nname = "rt"\nrevision = "1.0"\n',
      '[profiles.default]',
      'DB_USER = { description = "u", providers = ["dotenv://.env"] }',
      'DB_PASS = { description = "p", providers = ["dotenv://.env"] }',
      'DB_URL = { description = "url", composed = "postgres://${DB_USER}:${DB_PASS}@db/$${literal}" }',
      'PORT = { description = "port", default = "5432", providers = ["dotenv://.env"] }',
      'OPTIONAL = { description = "o", required = false, providers = ["dotenv://.env"] }',
      'CERT = { description = "c", as_path = true, providers = ["dotenv://.env"] }',
      '',
    ].join('\n'),
    '.env': `DB_USER=${user}\nDB_PASS='${pass}'\nCERT="${cert.replace(/\n/g, '\\n')}"\n`,
  });
  const env = runEnv(home);
  const r = await run(['export', '--format', 'json'], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout.split('\n').length, 2, 'one line: one JSON object');
  const out = parse(r);
  assert.deepEqual(Object.keys(out.environment).sort(), ['CERT', 'DB_PASS', 'DB_URL', 'DB_USER', 'PORT']);
  assert.equal(out.environment['DB_URL'], `postgres://${user}:${pass}@db/\${literal}`);
  assert.equal(out.environment['PORT'], '5432');
  assert.deepEqual(out.remove, []);
  assert.deepEqual(out.without, []);
  const path = out.environment['CERT']!;
  assert.equal(out.files, dirname(path), 'the as_path file is in the directory handed over');
  assert.equal(readFileSync(path, 'utf8'), cert);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(statSync(out.files!).mode & 0o777, 0o700);
  rmSync(out.files!, { recursive: true });

  if (!oracleSkip()) {
    const cli = await run(['export', '--format', 'json'], { cwd: dir, env, program: oracle().bin! });
    assert.equal(cli.status, 0, cli.stderr);
    const theirs = JSON.parse(cli.stdout) as Record<string, string>;
    const cliCert = theirs['CERT']!;
    assert.equal(readFileSync(cliCert, 'utf8'), cert, 'SecretSpec\'s as_path file holds the same value');
    rmSync(cliCert, { force: true });
    const { CERT: _a, ...ours } = out.environment;
    const { CERT: _b, ...rest } = theirs;
    assert.deepEqual(hashes(ours), hashes(rest), 'the same names, with the same values, as secretspec export');
  }
});

test('a scope: only its members, every other declared name in "remove", as secretspec export --scope', async () => {
  const token = secret('token');
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", providers = ["dotenv://.env"] }\nHIDDEN = { description = "h", providers = ["dotenv://.env"] }\n\n[profiles.prod]\nPROD_ONLY = { description = "p", providers = ["dotenv://.env"] }\n\n[scopes.web]\nsecrets = ["TOKEN"]\n',
    '.env': `TOKEN=${token}\nHIDDEN=${token}-hidden\nPROD_ONLY=x\n`,
  });
  const env = runEnv(home);
  const r = await run(['export', '--scope', 'web'], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  const out = parse(r);
  assert.deepEqual(out, { environment: { TOKEN: token }, remove: ['HIDDEN', 'PROD_ONLY'], without: [] });
  if (!oracleSkip()) {
    const cli = await run(['export', '--scope', 'web', '--format', 'json'], { cwd: dir, env, program: oracle().bin! });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(hashes(JSON.parse(cli.stdout) as Record<string, string>), hashes(out.environment));
  }
});

test('a missing required secret: nothing on stdout, its name and why on stderr, exit 1 as secretspec export; --allow-missing exports the rest and lists it', async () => {
  const token = secret('token');
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", providers = ["dotenv://.env"] }\nMISSING = { description = "m", providers = ["dotenv://.env"] }\n',
    '.env': `TOKEN=${token}\n`,
  });
  const env = runEnv(home);
  const r = await run(['export'], { cwd: dir, env });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /nothing was exported \(profile default\):\n {2}MISSING: is required but not set/);
  noValueOnStderr(r, token);
  if (!oracleSkip()) {
    const cli = await run(['export', '--format', 'json'], { cwd: dir, env, program: oracle().bin! });
    assert.equal(cli.status, 1);
    assert.equal(cli.stdout, '');
  }
  const anyway = await run(['export', '--allow-missing'], { cwd: dir, env });
  assert.equal(anyway.status, 0, anyway.stderr);
  assert.deepEqual(parse(anyway), { environment: { TOKEN: token }, remove: [], without: [{ name: 'MISSING', reason: 'is required but not set' }] });
  assert.match(anyway.stderr, /--allow-missing: exported without \(profile default\):\n {2}MISSING: /);
  noValueOnStderr(anyway, token);
});

test('a draft-protocol plugin: its values exported, its as_path file kept, a provider error refused without a value', async () => {
  const token = secret('plugin-token');
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", providers = ["memory://vault"] }\nKEY_FILE = { description = "k", as_path = true, providers = ["memory://vault"] }\n\n[profiles.broken]\nTOKEN = { description = "t", providers = ["memory://vault?fault=error&on=any&kind=auth_failed&message=denied"] }\n',
  });
  const store = join(dir, 'store.json');
  writeFileSync(store, JSON.stringify({ 'rt/default/TOKEN': token, 'rt/default/KEY_FILE': `${token}-file` }));
  const settings = { plugins: { memory: { path: join(PLUGINS, 'secretspec-provider-memory'), env: { FIXTURE_STORE: store } } } };
  const env = runEnv(home, { SECRETSPEC_VSCODE_SETTINGS: JSON.stringify(settings) });
  const r = await run(['export'], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  const out = parse(r);
  assert.equal(out.environment['TOKEN'], token);
  assert.equal(sha(readFileSync(out.environment['KEY_FILE']!, 'utf8')), sha(`${token}-file`));
  assert.ok(out.files && existsSync(out.files));
  rmSync(out.files, { recursive: true });
  noValueOnStderr(r, token);

  const broken = await run(['export', '--profile', 'broken'], { cwd: dir, env });
  assert.equal(broken.status, 1);
  assert.equal(broken.stdout, '');
  assert.match(broken.stderr, /TOKEN: auth_failed: /);
});

test('a secret only the secretspec CLI can provide: its export --format json answers, wrapped in the same object; its as_path files in the directory handed over', { skip: oracleSkip() }, async () => {
  const plain = secret('plain');
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nGENERATED = { description = "g", type = "hex", generate = { bytes = 8 }, providers = ["dotenv://.env"] }\nPLAIN = { description = "p", providers = ["dotenv://.env"] }\nCERT = { description = "c", as_path = true, providers = ["dotenv://.env"] }\n\n[scopes.narrow]\nsecrets = ["GENERATED", "CERT"]\n',
    '.env': `PLAIN=${plain}\nCERT=${plain}-cert\n`,
  });
  const without = await run(['export'], { cwd: dir, env: runEnv(home, { PATH: '/usr/bin:/bin', SECRETSPEC_VSCODE_SETTINGS: '{}' }) });
  assert.equal(without.status, 1);
  assert.equal(without.stdout, '');
  assert.match(without.stderr, /GENERATED: missing, and generated \(and stored\) by the secretspec CLI/);

  const env = runEnv(home, { SECRETSPEC_VSCODE_SETTINGS: JSON.stringify({ cli: { path: oracle().bin } }) });
  const r = await run(['export', '--scope', 'narrow'], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  const out = parse(r);
  const stored = /^GENERATED=(.*)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))?.[1]?.replace(/^["']|["']$/g, '');
  assert.ok(stored && /^[0-9a-f]{16}$/.test(stored), 'secretspec generated and stored the value');
  assert.deepEqual(Object.keys(out.environment).sort(), ['CERT', 'GENERATED']);
  assert.equal(out.environment['GENERATED'], stored);
  assert.deepEqual(out.remove, ['PLAIN']);
  assert.ok(out.files, 'the CLI\'s as_path file is handed over');
  assert.equal(dirname(out.environment['CERT']!), out.files);
  assert.equal(readFileSync(out.environment['CERT']!, 'utf8'), `${plain}-cert`);
  assert.equal(statSync(out.files).mode & 0o777, 0o700);
  rmSync(out.files, { recursive: true });
  noValueOnStderr(r, plain, stored);
});
