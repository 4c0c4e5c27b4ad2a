// How each debugger, task and terminal is started under the SecretSpec
// runner: the plans as data, a quoted command line read back by a real
// /bin/sh, and the completion locator on launch.json text.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { jsonLocation } from '../../../client/src/run/jsonLocation';
import { blocks, missingMessage, missingSecrets } from '../../../client/src/run/missing';
import { exportArgs, INJECTED_TYPES, injectEnvironment, INJECTION_MARKER, planDebug, posixQuote, readAttribute, readExported, runnerArgs, runnerProcess, SETTINGS_ENV, shellArgv, wrapProcess, type DebugConfig } from '../../../client/src/run/plan';
import type { CheckResult } from '../../../protocol/src/index';

const nodeHost = { execPath: '/opt/code-server/lib/node', platform: 'linux' as const };
const electronHost = { execPath: '/usr/share/code/code', platform: 'linux' as const };
const windowsHost = { execPath: 'C:\\Program Files\\Microsoft VS Code\\Code.exe', platform: 'win32' as const };
const target = { server: '/ext/dist/server.js', manifest: '/ws/app/secretspec.toml', profile: 'production' };
const RUN = ['/ext/dist/server.js', 'run', '--file', '/ws/app/secretspec.toml', '--profile', 'production', '--'];
const input = { host: nodeHost, target, settingsJson: '{"defaultProvider":"keyring://"}' };

test('the runner runs on the host\'s Node when it is one; Electron runs as Node, and the child loses the switch', () => {
  assert.deepEqual(runnerProcess(nodeHost), { command: '/opt/code-server/lib/node', env: {}, childPrefix: [] });
  assert.deepEqual(runnerProcess({ execPath: 'C:\\nodejs\\node.exe', platform: 'win32' }).command, 'C:\\nodejs\\node.exe');
  assert.deepEqual(runnerProcess(electronHost), { command: '/usr/share/code/code', env: { ELECTRON_RUN_AS_NODE: '1' }, childPrefix: ['/usr/bin/env', '-u', 'ELECTRON_RUN_AS_NODE'] });
  assert.deepEqual(runnerProcess(electronHost, true), { command: 'node', env: {}, childPrefix: [] }, 'the JavaScript debugger: node from PATH');
  assert.deepEqual(runnerProcess(windowsHost), { command: 'node.exe', env: {}, childPrefix: [] });
});

test('runner arguments: the manifest, the profile, the scope only when given, then --', () => {
  assert.deepEqual(runnerArgs(target), RUN);
  assert.deepEqual(runnerArgs({ ...target, scope: 'web' }), [...RUN.slice(0, -1), '--scope', 'web', '--']);
  assert.deepEqual(runnerArgs({ ...target, allowMissing: true }), [...RUN.slice(0, -1), '--allow-missing', '--'], 'Start Anyway');
});

test('a task\'s command line goes to the shell as one argument; the settings ride in one variable', () => {
  assert.deepEqual(shellArgv('npm start && echo "$X"', 'linux'), ['/bin/sh', '-c', 'npm start && echo "$X"']);
  assert.deepEqual(shellArgv('npm start', 'win32', 'C:\\Windows\\system32\\cmd.exe'), ['C:\\Windows\\system32\\cmd.exe', '/d', '/s', '/c', 'npm start']);
  const p = wrapProcess(runnerProcess(electronHost), target, ['/bin/bash'], '{}');
  assert.equal(p.command, '/usr/share/code/code');
  assert.deepEqual(p.args, [...RUN, '/usr/bin/env', '-u', 'ELECTRON_RUN_AS_NODE', '/bin/bash']);
  assert.deepEqual(p.env, { ELECTRON_RUN_AS_NODE: '1', [SETTINGS_ENV]: '{}' });
});

test('the attribute: an object of profile, scope and file; anything else is refused with the reason', () => {
  const config = (secretspec: unknown): DebugConfig => ({ type: 'node', request: 'launch', name: 'x', secretspec });
  assert.equal(readAttribute({ type: 'node', request: 'launch', name: 'x' }), undefined);
  assert.deepEqual(readAttribute(config({ profile: 'p', scope: 's', file: 'a/secretspec.toml' })), { ok: true, value: { profile: 'p', scope: 's', file: 'a/secretspec.toml' } });
  assert.deepEqual(readAttribute(config(true)), { ok: true, value: {} });
  assert.match((readAttribute(config('prod')) as { reason: string }).reason, /must be an object/);
  assert.match((readAttribute(config({ profil: 'p' })) as { reason: string }).reason, /secretspec\.profil" is not an attribute/);
  assert.match((readAttribute(config({ profile: '' })) as { reason: string }).reason, /non-empty string/);
});

test('node and pwa-node: the runner becomes runtimeExecutable and the original runtime its child; js-debug appends the program', () => {
  const plan = planDebug({ type: 'pwa-node', request: 'launch', name: 'app', program: '/ws/app.js', args: ['--port', '1'], env: { A: 'b' }, secretspec: { profile: 'production' } }, input);
  assert.equal(plan.kind, 'wrap');
  if (plan.kind !== 'wrap') return;
  assert.equal(plan.how, 'runtimeExecutable');
  assert.equal(plan.config.runtimeExecutable, nodeHost.execPath);
  assert.deepEqual(plan.config.runtimeArgs, [...RUN, 'node']);
  assert.equal(plan.config.program, '/ws/app.js');
  assert.deepEqual(plan.config.args, ['--port', '1']);
  assert.deepEqual(plan.config.env, { A: 'b', [SETTINGS_ENV]: input.settingsJson });
  assert.equal('secretspec' in plan.config, false, 'child sessions are not planned again');
  assert.equal(plan.config.autoAttachChildProcesses, true, 'the program is the runner\'s child');
  assert.deepEqual(plan.config.skipFiles, ['<node_internals>/**', '/ext/dist/**'], 'the debugger never stops in the runner');
  const own = planDebug({ type: 'node', request: 'launch', name: 'x', skipFiles: ['**/vendor/**'], autoAttachChildProcesses: false, secretspec: {} }, input);
  assert.ok(own.kind === 'wrap');
  assert.deepEqual(own.config.skipFiles, ['**/vendor/**', '/ext/dist/**']);
  assert.equal(own.config.autoAttachChildProcesses, true);
  const npm = planDebug({ type: 'node', request: 'launch', name: 'npm', runtimeExecutable: 'npm', runtimeArgs: ['run-script', 'debug'], secretspec: {} }, { ...input, host: electronHost });
  assert.ok(npm.kind === 'wrap');
  assert.equal(npm.config.runtimeExecutable, 'node', 'desktop VS Code: node from PATH, never Electron with a switch the program would inherit');
  assert.deepEqual(npm.config.runtimeArgs, [...RUN, 'npm', 'run-script', 'debug']);
});

test('node-terminal: the command line is rebuilt for the shell, and a real /bin/sh reads back every argument', () => {
  const odd = { ...target, manifest: "/ws/it's a \"dir\"/$HOME/secretspec.toml" };
  const plan = planDebug({ type: 'node-terminal', request: 'launch', name: 't', command: 'npm run dev -- --x "$PORT"' }, { ...input, target: odd });
  assert.ok(plan.kind === 'wrap');
  const argv = JSON.parse(execFileSync('/bin/sh', ['-c', `${String(plan.config.command).replace(/^\S+/, 'node -e "console.log(JSON.stringify(process.argv.slice(1)))" --')}`], { encoding: 'utf8' })) as string[];
  assert.deepEqual(argv, ['/ext/dist/server.js', 'run', '--file', odd.manifest, '--profile', 'production', '--', '/bin/sh', '-c', 'npm run dev -- --x "$PORT"']);
  assert.equal(posixQuote('plain/path-1.2'), 'plain/path-1.2');
  assert.equal(planDebug({ type: 'node-terminal', request: 'launch', name: 't' }, input).kind, 'block');
  assert.equal(planDebug({ type: 'node-terminal', request: 'launch', name: 't', command: 'npm start' }, { ...input, host: windowsHost }).kind, 'block');
});

test('python and debugpy: the interpreter becomes a command line that starts it under the runner (planned; not run here)', () => {
  const plan = planDebug({ type: 'debugpy', request: 'launch', name: 'py', program: 'main.py', python: '/venv/bin/python' }, input);
  assert.ok(plan.kind === 'wrap');
  assert.equal(plan.how, 'python');
  assert.deepEqual(plan.config.python, [nodeHost.execPath, ...RUN, '/venv/bin/python']);
  const arr = planDebug({ type: 'python', request: 'launch', name: 'py', python: ['/usr/bin/python3', '-X', 'dev'] }, { ...input, host: electronHost });
  assert.ok(arr.kind === 'wrap');
  assert.deepEqual(arr.config.python, [electronHost.execPath, ...RUN, '/usr/bin/env', '-u', 'ELECTRON_RUN_AS_NODE', '/usr/bin/python3', '-X', 'dev']);
  assert.deepEqual(arr.config.env, { ELECTRON_RUN_AS_NODE: '1', [SETTINGS_ENV]: input.settingsJson });
  const bare = planDebug({ type: 'debugpy', request: 'launch', name: 'py' }, input);
  assert.ok(bare.kind === 'wrap');
  assert.deepEqual(bare.config.python, [nodeHost.execPath, ...RUN, 'python3']);
});

test('unknown debuggers and attach requests are refused, naming the supported types', () => {
  for (const type of ['pwa-chrome', 'cortex-debug', 'GO']) {
    const plan = planDebug({ type, request: 'launch', name: 'x', program: '/bin/app' }, input);
    assert.equal(plan.kind, 'block', type);
    const reason = (plan as { reason: string }).reason;
    assert.match(reason, new RegExp(`the ${type} debugger is not one SecretSpec can start with secrets`));
    assert.match(reason, /started under the runner: node, pwa-node, node-terminal, python, debugpy; given the environment at launch: go, cppdbg, cppvsdbg, lldb, coreclr, clr, java, php, dart\)/);
  }
  for (const type of ['node', 'go', 'cppdbg']) {
    const attach = planDebug({ type, request: 'attach', name: 'x', port: 9229 }, input);
    assert.match((attach as { reason: string }).reason, /only with launch configurations/, type);
  }
});

const exported = { environment: { TOKEN: 't0ken', CERT: '/tmp/secretspec-run-x/secret-1' }, remove: ['HIDDEN'], without: [], files: '/tmp/secretspec-run-x' };

test('the injection table: each debugger\'s documented environment attribute, the configuration\'s other entries kept, a secret over an entry of its name, excluded names dropped', () => {
  const objects: Record<string, boolean> = { go: true, lldb: false, coreclr: false, clr: false, java: false, php: false, dart: false };
  // What keeps each program out of a terminal, where it is not already the default.
  const quiet: Record<string, Record<string, string>> = { lldb: { terminal: 'console' }, java: { console: 'internalConsole' } };
  for (const [type, unsets] of Object.entries(objects)) {
    const config: DebugConfig = { type, request: 'launch', name: 'app', program: '/ws/app', env: { KEEP: 'mine', TOKEN: 'from launch.json', HIDDEN: 'x' }, ...quiet[type], secretspec: { profile: 'production' } };
    const plan = planDebug(config, input);
    assert.equal(plan.kind, 'inject', type);
    if (plan.kind !== 'inject') continue;
    assert.equal(plan.how, 'env', type);
    assert.equal('secretspec' in plan.config, false, 'the attribute is not passed on');
    assert.equal(plan.config.program, '/ws/app');
    assert.equal(plan.config.env, config.env, 'nothing injected before the export answered');
    const out = injectEnvironment(plan.config, plan.style, exported, 'marker-1');
    assert.deepEqual(out.env, { KEEP: 'mine', ...(unsets ? { HIDDEN: null } : {}), TOKEN: 't0ken', CERT: '/tmp/secretspec-run-x/secret-1' }, type);
    assert.equal(out[INJECTION_MARKER], 'marker-1');
    assert.deepEqual(config.env, { KEEP: 'mine', TOKEN: 'from launch.json', HIDDEN: 'x' }, 'the configuration given is not changed');
    assert.deepEqual(injectEnvironment({ type, request: 'launch', name: 'app' }, plan.style, exported, 'm').env, { ...(unsets ? { HIDDEN: null } : {}), TOKEN: 't0ken', CERT: '/tmp/secretspec-run-x/secret-1' }, `${type} without env`);
  }
  for (const type of ['cppdbg', 'cppvsdbg']) {
    const config: DebugConfig = { type, request: 'launch', name: 'app', program: '/ws/a.out', environment: [{ name: 'KEEP', value: 'mine' }, { name: 'TOKEN', value: 'from launch.json' }, { name: 'HIDDEN', value: 'x' }], secretspec: {} };
    const plan = planDebug(config, input);
    assert.ok(plan.kind === 'inject', type);
    assert.equal(plan.how, 'environment');
    const out = injectEnvironment(plan.config, plan.style, exported, 'm');
    assert.deepEqual(out.environment, [{ name: 'KEEP', value: 'mine' }, { name: 'TOKEN', value: 't0ken' }, { name: 'CERT', value: '/tmp/secretspec-run-x/secret-1' }], type);
    assert.equal('env' in out, false);
  }
});

test('"inject": true injects where the program could be wrapped (js-debug unsets excluded names with null), never into node-terminal; the attribute reads it', () => {
  assert.deepEqual(readAttribute({ type: 'node', request: 'launch', name: 'x', secretspec: { profile: 'p', inject: true } }), { ok: true, value: { profile: 'p', inject: true } });
  assert.match((readAttribute({ type: 'node', request: 'launch', name: 'x', secretspec: { inject: 'yes' } }) as { reason: string }).reason, /"secretspec.inject" must be true or false/);
  for (const type of ['node', 'pwa-node', 'python', 'debugpy']) {
    const config: DebugConfig = { type, request: 'launch', name: 'x', program: '/ws/app.js', console: 'internalConsole', env: { A: 'b' } };
    assert.equal(planDebug(config, input).kind, 'wrap', `${type} is wrapped by default`);
    assert.equal(planDebug(config, { ...input, inject: false }).kind, 'wrap');
    const plan = planDebug(config, { ...input, inject: true });
    assert.ok(plan.kind === 'inject', type);
    assert.equal(plan.config.runtimeExecutable, undefined, 'not started under the runner');
    const out = injectEnvironment(plan.config, plan.style, exported, 'm');
    const unsets = type !== 'python' && type !== 'debugpy';
    assert.deepEqual(out.env, { A: 'b', ...(unsets ? { HIDDEN: null } : {}), TOKEN: 't0ken', CERT: '/tmp/secretspec-run-x/secret-1' }, type);
  }
  const terminal = planDebug({ type: 'node-terminal', request: 'launch', name: 't', command: 'npm start' }, { ...input, inject: true });
  assert.match((terminal as { reason: string }).reason, /node-terminal configuration's "env" becomes a terminal's/);
});

test('injection is refused where a value would reach a terminal\'s command line or a debugger\'s log file', () => {
  const blocked = (config: Omit<DebugConfig, 'request' | 'name'>, inject = false) => {
    const plan = planDebug({ request: 'launch', name: 'x', ...config } as DebugConfig, { ...input, inject });
    assert.equal(plan.kind, 'block', JSON.stringify(config));
    return (plan as { reason: string }).reason;
  };
  assert.match(blocked({ type: 'rdbg', script: 'app.rb' }), /types its "env" into a terminal/);
  assert.match(blocked({ type: 'go', console: 'integratedTerminal' }), /the go debugger would start the program from a terminal.*add "console": "internalConsole"/);
  assert.match(blocked({ type: 'java' }), /add "console": "internalConsole"/, 'Java\'s default console is the integrated terminal');
  assert.match(blocked({ type: 'lldb' }), /add "terminal": "console"/, 'CodeLLDB\'s default terminal is the integrated one');
  assert.match(blocked({ type: 'lldb', terminal: 'external' }), /add "terminal": "console"/);
  assert.match(blocked({ type: 'cppdbg', externalConsole: true }), /add "externalConsole": false/);
  assert.match(blocked({ type: 'cppvsdbg', console: 'externalTerminal' }), /add "console": "internalConsole"/);
  assert.match(blocked({ type: 'php', externalConsole: true }), /add "externalConsole": false/);
  assert.match(blocked({ type: 'dart', console: 'terminal' }), /add "console": "debugConsole"/);
  assert.match(blocked({ type: 'coreclr', console: 'integratedTerminal' }), /add "console": "internalConsole"/);
  assert.match(blocked({ type: 'debugpy' }, true), /add "console": "internalConsole"/, 'debugpy\'s default console is the integrated terminal');
  assert.match(blocked({ type: 'node', console: 'integratedTerminal' }, true), /from a terminal/);
  assert.match(blocked({ type: 'pwa-node', trace: true }, true), /"trace" makes the pwa-node debugger write its launch request, secrets included, to a log/);
  assert.match(blocked({ type: 'python', console: 'internalConsole', logToFile: true }, true), /"logToFile"/);
  assert.match(blocked({ type: 'go', showLog: true }), /"showLog"/);
  assert.equal(planDebug({ type: 'go', request: 'launch', name: 'x', showLog: false, console: 'internalConsole' }, input).kind, 'inject');
  assert.equal(planDebug({ type: 'node', request: 'launch', name: 'x', trace: false }, { ...input, inject: true }).kind, 'inject');
  assert.equal(planDebug({ type: 'pwa-node', request: 'launch', name: 'x', trace: { stdio: false, logFile: null } }, { ...input, inject: true }).kind, 'inject', 'js-debug\'s own resolution of "trace": false');
  assert.match(blocked({ type: 'pwa-node', trace: { stdio: true, logFile: '/tmp/vscode-debugadapter-1.json' } }, true), /"trace"/);
});

test('export arguments and the export\'s object, checked before use', () => {
  assert.deepEqual(exportArgs(target), ['/ext/dist/server.js', 'export', '--file', '/ws/app/secretspec.toml', '--profile', 'production', '--format', 'json']);
  assert.deepEqual(exportArgs({ ...target, scope: 'web', allowMissing: true }), ['/ext/dist/server.js', 'export', '--file', '/ws/app/secretspec.toml', '--profile', 'production', '--scope', 'web', '--allow-missing', '--format', 'json']);
  assert.deepEqual(readExported(JSON.stringify(exported)), exported);
  assert.deepEqual(readExported('{"environment":{},"remove":[],"without":[]}\n'), { environment: {}, remove: [], without: [] });
  for (const bad of ['', 'null', '[]', '{"environment":{"A":1},"remove":[],"without":[]}', '{"environment":{},"without":[]}', '{"environment":{},"remove":[],"without":[],"files":3}']) assert.equal(readExported(bad), undefined, bad);
  assert.deepEqual(Object.keys(INJECTED_TYPES).sort(), ['clr', 'coreclr', 'cppdbg', 'cppvsdbg', 'dart', 'debugpy', 'go', 'java', 'lldb', 'node', 'php', 'pwa-node', 'python']);
});

const report = (secrets: Array<[string, 'resolved' | 'missing_required' | 'missing_optional']>, unresolved: Array<[string, string]> = []): CheckResult => ({
  results: [
    {
      profile: 'production',
      report: { schema_version: 1, provider: 'x', profile: 'production', secrets: secrets.map(([name, status]) => ({ name, status, required: status !== 'missing_optional', default_applied: false, generated: false, as_path: false })) },
      unresolved: unresolved.map(([name, kind]) => ({ name, provider: 'vault://', kind: kind as 'timeout', message: 'm' })),
    },
  ],
});

test('what blocks a run: required secrets missing or not checked, by name', () => {
  const m = missingSecrets(report([['B', 'missing_required'], ['A', 'missing_required'], ['C', 'resolved'], ['D', 'missing_optional']], [['E', 'timeout']]), 'production')!;
  assert.deepEqual(m, { missing: ['A', 'B'], unknown: [{ name: 'E', kind: 'timeout' }] });
  assert.ok(blocks(m));
  assert.equal(missingMessage('"Launch app"', 'production', m), '"Launch app" was not started. SecretSpec profile production has 2 required secrets missing: A, B; 1 required secret could not be checked: E (timeout).');
  assert.equal(blocks(missingSecrets(report([['C', 'resolved'], ['D', 'missing_optional']]), 'production')!), false);
  assert.equal(missingSecrets(report([]), 'staging'), undefined);
  const scoped = missingSecrets(report([['B', 'missing_required'], ['A', 'missing_required']], [['E', 'timeout']]), 'production', new Set(['A']))!;
  assert.deepEqual(scoped, { missing: ['A'], unknown: [] }, 'a scoped run is blocked only by what its scope exposes');
});

const at = (text: string) => jsonLocation(text.replace('|', ''), text.indexOf('|'));

test('launch.json locations: a configuration\'s property names, the attribute\'s keys and values, through comments and strings', () => {
  assert.deepEqual(at('{ "configurations": [ { "type": "node", | } ] }'), { path: ['configurations', 0], atKey: true, inString: false });
  assert.deepEqual(at('{ "version": "0.2.0", // a "comment" {\n "configurations": [ {}, { "name": "a,b", "sec|'), { path: ['configurations', 1], atKey: true, inString: true });
  assert.deepEqual(at('{ "configurations": [ { "secretspec": { | } } ] }'), { path: ['configurations', 0, 'secretspec'], atKey: true, inString: false });
  assert.deepEqual(at('{ "configurations": [ { "secretspec": { "profile": "pro|" } } ] }'), { path: ['configurations', 0, 'secretspec', 'profile'], atKey: false, inString: true });
  assert.deepEqual(at('{ /* [ */ "configurations": [ { "args": ["x", "y"], "secretspec": { "scope": | '), { path: ['configurations', 0, 'secretspec', 'scope'], atKey: false, inString: false });
  assert.deepEqual(at('{ "configurations": [ { "env": { "A": "\\"{" }, | '), { path: ['configurations', 0], atKey: true, inString: false });
  assert.deepEqual(at('{ "configurations": [ { "args": [ | ] } ] }'), { path: ['configurations', 0, 'args', 0], atKey: false, inString: false });
});
