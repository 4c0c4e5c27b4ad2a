// `node dist/server.js run …` as a user runs it: real manifests and `.env`
// files, a draft-protocol plugin, the reporting command (fixtures/child.cjs,
// which prints hashes, never values), and the real SecretSpec 0.21.1
// `secretspec run` on the same manifest and store where it can answer.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { oracle, oracleSkip } from '../support/oracle';
import { alive, childCommand, commandLines, PLUGINS, processTree, project as projectIn, type Ran, run, runEnv, secret, sha, start, until } from './support';

const project = (files: Record<string, string>) => projectIn('runner', files);

function noValueIn(r: Ran, ...values: string[]): void {
  for (const v of values) {
    assert.ok(!r.stdout.includes(v), 'a value reached stdout');
    assert.ok(!r.stderr.includes(v), 'a value reached stderr');
  }
}

const oracleRun = (args: string[], cwd: string, env: NodeJS.ProcessEnv) => run(args, { cwd, env, program: oracle().bin! });

test('--help, --version and usage errors', async () => {
  const { dir, home } = project({});
  const env = runEnv(home);
  const help = await run(['run', '--help'], { cwd: dir, env });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: secretspec-language-server run \[--file <path>\] \[--profile <p>\] \[--scope <s>\] \[--allow-missing\] -- <command>/);
  const top = await run(['--help'], { cwd: dir, env });
  assert.equal(top.status, 0);
  assert.match(top.stdout, /secretspec-language-server run \[--file/);
  const version = await run(['--version'], { cwd: dir, env });
  assert.equal(version.status, 0);
  assert.match(version.stdout, /^secretspec-language-server \d+\.\d+\.\d+\n$/);
  for (const args of [['run'], ['run', '--bogus', '--', 'true'], ['run', '--profile']]) {
    const r = await run(args, { cwd: dir, env });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, /^secretspec-language-server run: .*\n\nUsage: /);
  }
});

test('dotenv: values injected, the command\'s own --help and status passed through, the same as secretspec run', async () => {
  const token = secret('token');
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", providers = ["dotenv://.env"] }\nOPTIONAL = { description = "o", required = false, providers = ["dotenv://.env"] }\n',
    '.env': `TOKEN=${token}\n`,
  });
  const env = runEnv(home, { CHILD_REPORT: 'TOKEN,OPTIONAL' });
  const r = await run(['run', ...childCommand('argv', '--help', '--version'), ';', 'exit'], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.report, { TOKEN: sha(token), OPTIONAL: 'unset', argv: ['--help', '--version', ';', 'exit'] });
  noValueIn(r, token);

  const seven = await run(['run', ...childCommand('exit', '7')], { cwd: dir, env });
  assert.equal(seven.status, 7);
  if (!oracleSkip()) {
    const cli = await oracleRun(['run', '--', process.execPath, join(__dirname, 'fixtures', 'child.cjs'), 'exit', '7'], dir, env);
    assert.equal(cli.status, 7);
    assert.deepEqual(cli.report, seven.report, 'the same variables, with the same values, as secretspec run');
  }
});

test('a command that cannot start: one line naming it, exit 1 as secretspec run', async () => {
  const { dir, home } = project({ 'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nA = { description = "a", default = "x", providers = ["dotenv://.env"] }\n' });
  const r = await run(['run', '--', 'no-such-command-here', 'arg'], { cwd: dir, env: runEnv(home) });
  assert.equal(r.status, 1);
  assert.equal(r.stderr, "secretspec-language-server run: cannot run 'no-such-command-here': No such file or directory\n");
  if (!oracleSkip()) assert.equal((await oracleRun(['run', '--', 'no-such-command-here'], dir, runEnv(home))).status, 1);
});

test('defaults, composed templates and as_path files, as secretspec run injects them', async () => {
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
      'CERT = { description = "c", as_path = true, providers = ["dotenv://.env"] }',
      'CERT_REF = { description = "an as_path input is composed as its path", composed = "cert=${CERT}" }',
      '',
    ].join('\n'),
    '.env': `DB_USER=${user}\nDB_PASS='${pass}'\nCERT="${cert.replace(/\n/g, '\\n')}"\n`,
  });
  const env = runEnv(home, { CHILD_REPORT: 'DB_USER,DB_PASS,DB_URL,PORT,CERT_REF', CHILD_FILES: 'CERT' });
  const r = await run(['run', ...childCommand('exit', '0')], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  const report = r.report!;
  assert.equal(report['DB_USER'], sha(user));
  assert.equal(report['DB_URL'], sha(`postgres://${user}:${pass}@db/\${literal}`));
  assert.equal(report['PORT'], sha('5432'));
  const [, hash, mode, dirMode, path] = /^file:(sha256:[0-9a-f]+):(\d+):(\d+):(.*)$/.exec(report['CERT'] as string)!;
  assert.equal(hash, sha(cert));
  assert.equal(mode, '600');
  assert.equal(dirMode, '700');
  assert.equal(report['CERT_REF'], sha(`cert=${path}`));
  assert.equal(existsSync(path!), false, 'the as_path file is removed once the command has ended');
  noValueIn(r, user, pass, cert);
  if (!oracleSkip()) {
    const cli = await oracleRun(['run', '--', process.execPath, join(__dirname, 'fixtures', 'child.cjs'), 'exit', '0'], dir, env);
    assert.equal(cli.status, 0, cli.stderr);
    // The same content; SecretSpec's file is 0400 in the shared temp folder, ours 0600 in a private 0700 one.
    // Its path differs from run to run, and with it the composition that names it.
    const strip = (rep: Record<string, string | string[]>) => ({ ...rep, CERT: String(rep['CERT']).split(':').slice(0, 3).join(':'), CERT_REF: 'a path' });
    assert.deepEqual(strip(report), strip(cli.report!));
  }
});

test('a scope: only its secrets, composition inputs read but not exposed, an excluded inherited variable removed', async () => {
  const user = secret('user');
  const pass = secret('pass');
  const { dir, home } = project({
    'secretspec.toml': [
      '[project]\nname = "rt"\nrevision = "1.0"\n',
      '[profiles.default]',
      'DB_USER = { description = "u", providers = ["dotenv://.env"] }',
      'DB_PASS = { description = "p", providers = ["dotenv://.env"] }',
      'DB_URL = { description = "url", composed = "${DB_USER}:${DB_PASS}" }',
      'OTHER = { description = "o", default = "other", providers = ["dotenv://.env"] }',
      '[profiles.prod]',
      'PROD_ONLY = { description = "only in prod", default = "x", providers = ["dotenv://.env"] }',
      '[scopes.web]\nsecrets = ["DB_URL", "OTHER"]\n',
    ].join('\n'),
    '.env': `DB_USER=${user}\nDB_PASS=${pass}\n`,
  });
  const env = runEnv(home, { CHILD_REPORT: 'DB_USER,DB_PASS,DB_URL,OTHER,PROD_ONLY,UNRELATED', DB_PASS: 'inherited-from-the-shell', PROD_ONLY: 'inherited', UNRELATED: 'kept' });
  const r = await run(['run', '--scope', 'web', ...childCommand('exit', '0')], { cwd: dir, env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.report, { DB_USER: 'unset', DB_PASS: 'unset', DB_URL: sha(`${user}:${pass}`), OTHER: sha('other'), PROD_ONLY: 'unset', UNRELATED: sha('kept') });
  // SECRETSPEC_SCOPE is the default scope, as for the CLI.
  const ambient = await run(['run', ...childCommand('exit', '0')], { cwd: dir, env: { ...env, SECRETSPEC_SCOPE: 'web' } });
  assert.deepEqual(ambient.report, r.report);
  const unknown = await run(['run', '--scope', 'nope', ...childCommand('exit', '0')], { cwd: dir, env });
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /'nope' is not defined in secretspec.toml. Available scopes: web/);
  if (!oracleSkip()) {
    const cli = await oracleRun(['run', '--scope', 'web', '--', process.execPath, join(__dirname, 'fixtures', 'child.cjs'), 'exit', '0'], dir, env);
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(r.report, cli.report);
  }
});

test('a missing required secret: nothing runs, its name and why on stderr, exit 1 as secretspec run', async () => {
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nPRESENT = { description = "p", providers = ["dotenv://.env"] }\nABSENT = { description = "a", providers = ["dotenv://.env"] }\nNOT_EITHER = { description = "n", providers = ["dotenv://.env"] }\n',
    '.env': `PRESENT=${secret('present')}\n`,
  });
  const marker = join(dir, 'ran');
  const r = await run(['run', ...childCommand('marker', marker)], { cwd: dir, env: runEnv(home) });
  assert.equal(r.status, 1);
  assert.equal(existsSync(marker), false, 'the command must not run');
  assert.match(r.stderr, /nothing was run \(profile default\):\n {2}ABSENT: is required but not set\n {2}NOT_EITHER: is required but not set\n$/);
  assert.doesNotMatch(r.stderr, /PRESENT/);
  if (!oracleSkip()) {
    const cli = await oracleRun(['run', '--', process.execPath, join(__dirname, 'fixtures', 'child.cjs'), 'marker', marker], dir, runEnv(home));
    assert.equal(cli.status, 1);
    assert.equal(existsSync(marker), false);
  }
  const present = readFileSync(join(dir, '.env'), 'utf8').trim().slice('PRESENT='.length);
  const anyway = await run(['run', '--allow-missing', ...childCommand('marker', marker)], { cwd: dir, env: runEnv(home, { CHILD_REPORT: 'PRESENT,ABSENT' }) });
  assert.equal(anyway.status, 0, anyway.stderr);
  assert.equal(existsSync(marker), true, '--allow-missing runs the command');
  assert.deepEqual(anyway.report, { PRESENT: sha(present), ABSENT: 'unset' });
  assert.match(anyway.stderr, /--allow-missing: starting without \(profile default\):\n {2}ABSENT: is required but not set\n {2}NOT_EITHER: is required but not set\n/);
  noValueIn(anyway, present);
});

test('profiles: --profile, SECRETSPEC_PROFILE, the user config\'s [defaults] profile; SECRETSPEC_PROVIDER replaces every chain', async () => {
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nWHICH = { description = "w", default = "default", providers = ["dotenv://.env"] }\n[profiles.staging]\nWHICH = { description = "w", default = "staging", providers = ["dotenv://.env"] }\n[profiles.prod]\nWHICH = { description = "w", default = "prod", providers = ["dotenv://.env"] }\n',
    'other.env': 'WHICH=from-override\n',
  });
  const env = runEnv(home, { CHILD_REPORT: 'WHICH' });
  const which = async (args: string[], extra: NodeJS.ProcessEnv = {}) => (await run(['run', ...args, ...childCommand('exit', '0')], { cwd: dir, env: { ...env, ...extra } })).report?.['WHICH'];
  assert.equal(await which([]), sha('default'));
  mkdirSync(join(home, '.config', 'secretspec'), { recursive: true });
  writeFileSync(join(home, '.config', 'secretspec', 'config.toml'), '[defaults]\nprofile = "staging"\n');
  assert.equal(await which([]), sha('staging'));
  assert.equal(await which([], { SECRETSPEC_PROFILE: 'prod' }), sha('prod'));
  assert.equal(await which(['--profile', 'default'], { SECRETSPEC_PROFILE: 'prod' }), sha('default'));
  assert.equal(await which(['--profile', 'default'], { SECRETSPEC_PROVIDER: 'dotenv://other.env' }), sha('from-override'));
  const bad = await run(['run', '--profile', 'nope', ...childCommand('exit', '0')], { cwd: dir, env });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /'nope' is not defined in secretspec.toml. Available profiles: default, prod, staging/);
});

test('death by a signal is 128 + its number, as secretspec run says it', async () => {
  const { dir, home } = project({ 'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nA = { description = "a", default = "x", providers = ["dotenv://.env"] }\n' });
  const r = await run(['run', ...childCommand('kill', 'SIGKILL')], { cwd: dir, env: runEnv(home) });
  assert.equal(r.status, 137);
  const term = await run(['run', ...childCommand('kill', 'SIGTERM')], { cwd: dir, env: runEnv(home) });
  assert.equal(term.status, 143);
  if (!oracleSkip()) assert.equal((await oracleRun(['run', '--', process.execPath, join(__dirname, 'fixtures', 'child.cjs'), 'kill', 'SIGKILL'], dir, runEnv(home))).status, 137);
});

test('a draft-protocol plugin: values through it, its process gone before the command runs, SIGTERM forwarded, no value in any command line', async () => {
  const token = secret('plugin-token');
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", providers = ["memory://vault"] }\nFROM_DOTENV = { description = "d", providers = ["dotenv://.env"] }\nKEY_FILE = { description = "k", as_path = true, providers = ["memory://vault"] }\n',
    '.env': `FROM_DOTENV=${token}-dotenv\n`,
  });
  const store = join(dir, 'store.json');
  const pids = join(dir, 'plugin.pids');
  writeFileSync(store, JSON.stringify({ 'rt/default/TOKEN': token, 'rt/default/KEY_FILE': `${token}-file` }));
  const settings = { plugins: { memory: { path: join(PLUGINS, 'secretspec-provider-memory'), env: { FIXTURE_STORE: store, FIXTURE_PID_FILE: pids } } } };
  const signals = join(dir, 'signals');
  mkdirSync(signals);
  const env = runEnv(home, { CHILD_REPORT: 'TOKEN,FROM_DOTENV,SECRETSPEC_VSCODE_SETTINGS', CHILD_FILES: 'KEY_FILE', SECRETSPEC_VSCODE_SETTINGS: JSON.stringify(settings) });
  const running = start(['run', ...childCommand('wait', signals)], { cwd: dir, env });
  await until(() => existsSync(join(signals, 'ready')));
  const pluginPids = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
  assert.ok(pluginPids.length >= 1);
  for (const p of pluginPids) assert.equal(alive(p), false, 'the plugin was ended before the command ran');
  const tree = processTree(running.pid);
  assert.ok(tree.length >= 2, 'the runner and its command');
  for (const line of commandLines(tree)) {
    assert.ok(!line.includes(token), 'a value in a command line');
  }
  process.kill(running.pid, 'SIGTERM');
  const r = await running.done;
  assert.equal(readFileSync(join(signals, 'terminated'), 'utf8'), 'yes', 'the command received SIGTERM');
  assert.equal(r.status, 42, 'the command\'s status, after it handled the signal');
  const keyFile = String(r.report?.['KEY_FILE']);
  assert.match(keyFile, new RegExp(`^file:${sha(`${token}-file`)}:600:700:`));
  assert.equal(existsSync(keyFile.split(':').slice(5).join(':')), false, 'the as_path file is removed after a forwarded signal too');
  assert.deepEqual({ ...r.report, KEY_FILE: 'checked' }, { TOKEN: sha(token), FROM_DOTENV: sha(`${token}-dotenv`), SECRETSPEC_VSCODE_SETTINGS: 'unset', KEY_FILE: 'checked' });
  noValueIn(r, token);
  for (const p of tree) assert.equal(alive(p), false, 'nothing the runner started outlives it');
});

test('a failed primary with no value further down the chain is reported as the failure, never as missing, and nothing runs; a value further down is used (SecretSpec 0.21.1 read_fallback_chain)', async () => {
  const manifest = '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", required = false, providers = ["memory://vault?fault=error&on=any&kind=auth_failed&message=denied", "dotenv://.env"] }\n';
  const { dir, home } = project({ 'secretspec.toml': manifest, '.env': 'OTHER=1\n' });
  const marker = join(dir, 'ran');
  const settings = { plugins: { memory: { path: join(PLUGINS, 'secretspec-provider-memory') } } };
  const env = runEnv(home, { SECRETSPEC_VSCODE_SETTINGS: JSON.stringify(settings) });
  const r = await run(['run', ...childCommand('marker', marker)], { cwd: dir, env });
  assert.equal(r.status, 1);
  assert.equal(existsSync(marker), false);
  assert.match(r.stderr, /TOKEN: auth_failed: /);
  assert.doesNotMatch(r.stderr, /not set/);

  const token = secret('fallback');
  writeFileSync(join(dir, '.env'), `TOKEN=${token}-fallback\n`);
  const fellBack = await run(['run', ...childCommand('exit', '0')], { cwd: dir, env: { ...env, CHILD_REPORT: 'TOKEN' } });
  assert.equal(fellBack.status, 0, fellBack.stderr);
  assert.equal(fellBack.report?.['TOKEN'], sha(`${token}-fallback`), 'the value past the failed primary');
  noValueIn(fellBack, `${token}-fallback`);

  const malformed = await run(['run', ...childCommand('marker', marker)], { cwd: dir, env: runEnv(home, { SECRETSPEC_VSCODE_SETTINGS: '{not json' }) });
  assert.equal(malformed.status, 2);
  assert.match(malformed.stderr, /SECRETSPEC_VSCODE_SETTINGS is not JSON/);
});

test('a secret only the secretspec CLI can provide (generate and store): the whole command runs under secretspec run, or nothing runs without a CLI', { skip: oracleSkip() }, async () => {
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nGENERATED = { description = "g", type = "hex", generate = { bytes = 8 }, providers = ["dotenv://.env"] }\nPLAIN = { description = "p", default = "plain", providers = ["dotenv://.env"] }\n',
    '.env': '',
  });
  const marker = join(dir, 'ran');
  const without = await run(['run', ...childCommand('marker', marker)], { cwd: dir, env: runEnv(home, { PATH: '/usr/bin:/bin', SECRETSPEC_VSCODE_SETTINGS: '{}' }) });
  assert.equal(without.status, 1);
  assert.equal(existsSync(marker), false);
  assert.match(without.stderr, /GENERATED: missing, and generated \(and stored\) by the secretspec CLI/);
  assert.match(without.stderr, /no secretspec CLI on PATH/);

  const settings = { cli: { path: oracle().bin } };
  const env = runEnv(home, { CHILD_REPORT: 'GENERATED,PLAIN,SECRETSPEC_VSCODE_SETTINGS', SECRETSPEC_VSCODE_SETTINGS: JSON.stringify(settings) });
  const r = await run(['run', ...childCommand('exit', '5')], { cwd: dir, env });
  assert.equal(r.status, 5, r.stderr);
  const stored = /^GENERATED=(.*)$/m.exec(readFileSync(join(dir, '.env'), 'utf8'))?.[1]?.replace(/^["']|["']$/g, '');
  assert.ok(stored && /^[0-9a-f]{16}$/.test(stored), 'secretspec generated and stored the value');
  assert.deepEqual(r.report, { GENERATED: sha(stored), PLAIN: sha('plain'), SECRETSPEC_VSCODE_SETTINGS: 'unset' });
  noValueIn(r, stored);
});

test('the manifest: --file, else SECRETSPEC_FILE, else the nearest secretspec.toml from the working folder up', async () => {
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nWHERE = { description = "w", default = "top", providers = ["dotenv://.env"] }\n',
  });
  mkdirSync(join(dir, 'sub', 'deeper'), { recursive: true });
  writeFileSync(join(dir, 'sub', 'other.toml'), '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nWHERE = { description = "w", default = "other", providers = ["dotenv://.env"] }\n');
  const env = runEnv(home, { CHILD_REPORT: 'WHERE' });
  const where = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await run(['run', ...args, ...childCommand('exit', '0')], { cwd: join(dir, 'sub', 'deeper'), env: { ...env, ...extra } });
    return String(r.report?.['WHERE'] ?? r.stderr);
  };
  assert.equal(await where([]), sha('top'));
  assert.equal(await where(['--file', '../other.toml']), sha('other'));
  assert.equal(await where([], { SECRETSPEC_FILE: join(dir, 'sub', 'other.toml') }), sha('other'));
  assert.match(await where(['--file', 'missing.toml']), /missing\.toml does not exist/);
});

test('a store only the secretspec CLI serves, with no CLI: nothing runs, the secret and the reason named', async () => {
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nCLOUD = { description = "c", providers = ["awssm://"] }\nLOCAL = { description = "l", default = "x", providers = ["dotenv://.env"] }\n',
  });
  const marker = join(dir, 'ran');
  const r = await run(['run', ...childCommand('marker', marker)], { cwd: dir, env: runEnv(home, { PATH: '/usr/bin:/bin' }) });
  assert.equal(r.status, 1);
  assert.equal(existsSync(marker), false);
  assert.match(r.stderr, /these secrets need the secretspec CLI, and no secretspec CLI on PATH outside the workspace:\n {2}CLOUD: /);
  assert.doesNotMatch(r.stderr, /LOCAL/);
});

test('a signal while a provider is still answering ends the runner with 128 + its number, and the provider with it', async () => {
  const { dir, home } = project({
    'secretspec.toml': '[project]\nname = "rt"\nrevision = "1.0"\n\n[profiles.default]\nTOKEN = { description = "t", providers = ["memory://vault?fault=hang&on=any"] }\n',
  });
  const pids = join(dir, 'plugin.pids');
  const marker = join(dir, 'ran');
  const settings = { plugins: { memory: { path: join(PLUGINS, 'secretspec-provider-memory'), env: { FIXTURE_PID_FILE: pids } } } };
  const running = start(['run', ...childCommand('marker', marker)], { cwd: dir, env: runEnv(home, { SECRETSPEC_VSCODE_SETTINGS: JSON.stringify(settings) }) });
  await until(() => existsSync(pids));
  const plugin = Number(readFileSync(pids, 'utf8').trim().split('\n')[0]);
  assert.ok(alive(plugin));
  await new Promise((r) => setTimeout(r, 200));
  process.kill(running.pid, 'SIGTERM');
  const r = await running.done;
  assert.equal(r.status, 143);
  assert.equal(existsSync(marker), false);
  await until(() => !alive(plugin), 5000);
});
