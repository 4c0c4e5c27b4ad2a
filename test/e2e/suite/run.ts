// Runs inside code-server's extension host (extensionTestsPath) for
// test/e2e/run.test.ts: a launch configuration (wrapped, and injected), a secretspec task, "Run with
// Secrets…" and the SecretSpec terminal each start a Node program that writes
// the SHA-256 of a secret it got from the environment; a profile with a
// missing required secret blocks its launch. Results go to
// $SECRETSPEC_E2E_RESULTS (the remote extension host exits 0 whatever run() does).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SecretSpecTestApi } from '../../../client/src/extension';
import { EXTENSION_ID, scriptedUi, t, until, writeResults } from './harness';

const CANARY = process.env.SECRETSPEC_E2E_CANARY!;
const EXPECTED = createHash('sha256').update(CANARY).digest('hex');
const CERT_EXPECTED = createHash('sha256').update(`${CANARY}-cert`).digest('hex');

function within<T>(what: string, promise: Promise<T>, ms = 30_000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms))]);
}

/** Resolves when the top-level session named `name` (the runner's) has ended; js-debug gives the program a child session. */
function sessionEnds(name: string): Promise<void> {
  return new Promise((resolve) => {
    const seen = new Set<vscode.DebugSession>();
    const start = vscode.debug.onDidStartDebugSession((s) => {
      if (s.name === name && !s.parentSession) seen.add(s);
    });
    const end = vscode.debug.onDidTerminateDebugSession((s) => {
      if (!seen.has(s)) return;
      start.dispose();
      end.dispose();
      resolve();
    });
  });
}

const pick = (label: string) => (kind: string, arg: unknown) => {
  assert.equal(kind, 'pick');
  const items = (arg as { items: vscode.QuickPickItem[] }).items;
  const found = items.find((i) => i.label === label);
  assert.ok(found, `no item ${label} in ${items.map((i) => i.label).join(', ')}`);
  return found;
};

const hashIn = (file: string) => until(`${file}`, () => existsSync(file) && readFileSync(file, 'utf8').trim());

async function completionLabels(doc: vscode.TextDocument, after: string): Promise<string[]> {
  const offset = doc.getText().indexOf(after);
  assert.ok(offset >= 0, `no ${after} in launch.json`);
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.positionAt(offset + after.length));
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

async function suite(api: SecretSpecTestApi, folder: vscode.WorkspaceFolder): Promise<void> {
  const ws = folder.uri.fsPath;
  const out = (name: string) => join(ws, 'out', name);
  await until('the check of the manifest', () => api.store.viewState() === 'ready' && api.store.entry(vscode.Uri.joinPath(folder.uri, 'secretspec.toml'))?.result);

  await t('launch.json: completion offers the secretspec attribute, the manifest\'s profiles and scopes', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, '.vscode', 'launch.json'));
    assert.ok((await completionLabels(doc, '"request": "launch",\n      ')).includes('secretspec'));
    const profiles = await completionLabels(doc, '"secretspec": { "profile": "');
    assert.ok(profiles.includes('default') && profiles.includes('locked'), profiles.join(', '));
    const scopes = await completionLabels(doc, '"profile": "locked", "scope": "');
    assert.ok(scopes.includes('web') && scopes.includes('tokens'), scopes.join(', '));
  });

  await t('F5: a node launch with "secretspec" runs the program under the runner; its breakpoint hits; the hash matches', async () => {
    const sessions: string[] = [];
    const started = vscode.debug.onDidStartDebugSession((s) => sessions.push(`${s.type}:${s.name}`));
    const source = vscode.Uri.joinPath(folder.uri, 'hash.js');
    const line = readFileSync(source.fsPath, 'utf8').split('\n').findIndex((l) => l.includes('writeFileSync(out'));
    const bp = new vscode.SourceBreakpoint(new vscode.Location(source, new vscode.Position(line, 0)));
    vscode.debug.addBreakpoints([bp]);
    const ended = sessionEnds('Hash (secretspec)');
    try {
      assert.ok(await within('the launch', Promise.resolve(vscode.debug.startDebugging(folder, 'Hash (secretspec)'))), 'the launch started');
      const frame = await until('the breakpoint in hash.js', () => {
        const item = vscode.debug.activeStackItem;
        return item instanceof vscode.DebugStackFrame ? item : undefined;
      }, 60_000);
      assert.ok(frame);
      assert.equal(existsSync(out('debug.sha')), false, 'paused before the write');
      await vscode.commands.executeCommand('workbench.action.debug.continue');
      assert.equal(await hashIn(out('debug.sha')), EXPECTED);
      await within('the session to end with the program', ended);
      assert.ok(sessions.some((s) => s.startsWith('pwa-node:')), sessions.join(', '));
    } finally {
      vscode.debug.removeBreakpoints([bp]);
      started.dispose();
    }
  });

  await t('"inject": true: a node launch gets the environment in memory, not the runner; the hashes match; its own env entry kept; the as_path directory removed when the session ends', async () => {
    const sessions: vscode.DebugSession[] = [];
    const started = vscode.debug.onDidStartDebugSession((s) => sessions.push(s));
    const ended = sessionEnds('Hash (injected)');
    try {
      assert.ok(await within('the launch', Promise.resolve(vscode.debug.startDebugging(folder, 'Hash (injected)'))), 'the launch started');
      assert.equal(await hashIn(out('injected.sha')), EXPECTED);
      const cert = JSON.parse(await hashIn(out('injected.sha.cert'))) as { path: string; sha: string };
      assert.equal(cert.sha, CERT_EXPECTED, 'the as_path file held the value');
      await within('the session to end with the program', ended);
      const top = sessions.find((s) => s.name === 'Hash (injected)' && !s.parentSession);
      assert.ok(top, 'the session was seen');
      // Asserted on without printing: the configuration holds the values.
      const configuration = top.configuration;
      assert.equal(typeof configuration['__secretspecInjection'], 'string', 'the session carries the marker');
      assert.ok(!JSON.stringify(configuration['runtimeArgs'] ?? []).includes('server.js'), 'the program was not started under the runner');
      assert.equal((configuration['env'] as Record<string, unknown>)['KEPT'], 'mine', 'the configuration\'s own entry is kept');
      assert.equal('secretspec' in configuration, false);
      await until('the as_path directory to be removed', () => !existsSync(cert.path), 10_000);
    } finally {
      started.dispose();
    }
  });

  await t('node-terminal: the debug terminal\'s command line runs under the runner', async () => {
    assert.ok(await within('the launch', Promise.resolve(vscode.debug.startDebugging(folder, 'Hash (debug terminal)'))), 'the launch started');
    try {
      assert.equal(await hashIn(out('node-terminal.sha')), EXPECTED);
    } finally {
      await vscode.debug.stopDebugging();
    }
  });

  await t('a secretspec task from tasks.json runs its command with the profile\'s secrets', async () => {
    const task = (await vscode.tasks.fetchTasks({ type: 'secretspec' })).find((x) => x.name === 'hash task');
    assert.ok(task, 'the tasks.json task is listed');
    const ended = new Promise<number | undefined>((resolve) => {
      const sub = vscode.tasks.onDidEndTaskProcess((e) => {
        if (e.execution.task.name !== 'hash task') return;
        sub.dispose();
        resolve(e.exitCode);
      });
    });
    await vscode.tasks.executeTask(task);
    assert.equal(await within('the task to end', ended), 0);
    assert.equal(await hashIn(out('task.sha')), EXPECTED);
  });

  await t('Run with Secrets…: a profile, then a command line, runs as a task', async () => {
    const ui = scriptedUi([
      pick('default'),
      pick('$(terminal) Enter a command line…'),
      (kind) => {
        assert.equal(kind, 'input');
        return 'node hash.js out/run.sha';
      },
    ]);
    api.setUi(ui);
    const execution = await within('Run with Secrets…', Promise.resolve(vscode.commands.executeCommand<vscode.TaskExecution | undefined>('secretspec.runWithSecrets')));
    ui.done();
    assert.ok(execution, 'a task was started');
    assert.equal(await hashIn(out('run.sha')), EXPECTED);
  });

  await t('the SecretSpec terminal profile opens a shell with the active profile\'s secrets', async () => {
    await within('the terminal', Promise.resolve(vscode.commands.executeCommand('workbench.action.terminal.newWithProfile', { config: { extensionIdentifier: EXTENSION_ID, id: 'secretspec.terminal', title: 'SecretSpec' } })));
    const terminal = await until('a terminal named SecretSpec: default', () => vscode.window.terminals.find((x) => x.name === 'SecretSpec: default'));
    terminal.sendText('node hash.js out/terminal.sha');
    assert.equal(await hashIn(out('terminal.sha')), EXPECTED);
    terminal.dispose();
  });

  /** Starts something the browser side must see refused: it reads the notification, then closes it (the user's Cancel). */
  const refused = async (id: string, start: () => Thenable<unknown>): Promise<{ shown: string; outcome: unknown }> => {
    writeFileSync(process.env.SECRETSPEC_E2E_BLOCKED!, id);
    const outcome = await within(`${id} to be refused`, Promise.resolve(start()).then((v) => v, (e: unknown) => e), 60_000);
    const seen = `${process.env.SECRETSPEC_E2E_SEEN!}-${id}`;
    const shown = await until('the notification text from the browser', () => existsSync(seen) && readFileSync(seen, 'utf8'));
    for (const action of ['Set Value…', 'Import…', 'Start Anyway']) assert.ok(shown.includes(action), `action ${action} offered: ${shown}`);
    return { shown, outcome };
  };

  await t('a missing required secret blocks the launch with a message naming it', async () => {
    const sessions: string[] = [];
    // An earlier session (the debug terminal's) may still be winding down: only what this launch starts counts.
    const started = vscode.debug.onDidStartDebugSession((s) => sessions.push(s.name));
    try {
      const { shown, outcome } = await refused('launch', () => vscode.debug.startDebugging(folder, 'Hash (locked)'));
      assert.equal(outcome, false, 'nothing was launched');
      assert.match(shown, /"Hash \(locked\)" was not started\. SecretSpec profile locked has 1 required secret missing: LOCKED_TOKEN\./);
      assert.equal(existsSync(out('locked.sha')), false);
      assert.deepEqual(sessions, [], 'no debug session started');
    } finally {
      started.dispose();
    }
  });

  await t('Start Anyway: the launch starts without the missing secret, with the others', async () => {
    const { shown, outcome } = await refused('anyway-launch', () => vscode.debug.startDebugging(folder, 'Hash (locked)'));
    assert.match(shown, /SecretSpec profile locked has 1 required secret missing: LOCKED_TOKEN\./);
    assert.equal(outcome, true, 'the session started');
    assert.equal(await hashIn(out('locked.sha')), EXPECTED, 'APP_SECRET reached the program; LOCKED_TOKEN was left out');
  });

  await t('the terminal profile of a profile missing a secret: the same message, and no terminal', async () => {
    await api.store.setActiveProfile('locked');
    try {
      const before = vscode.window.terminals.length;
      const { shown, outcome } = await refused('terminal', () =>
        vscode.commands.executeCommand('workbench.action.terminal.newWithProfile', { config: { extensionIdentifier: EXTENSION_ID, id: 'secretspec.terminal', title: 'SecretSpec' } }),
      );
      assert.match(shown, /The terminal "SecretSpec: locked" was not started\. SecretSpec profile locked has 1 required secret missing: LOCKED_TOKEN\./);
      assert.equal(outcome, undefined, 'the workbench reports the refusal itself');
      assert.match(shown, /The terminal "SecretSpec: locked" was not opened\./);
      assert.equal(vscode.window.terminals.length, before);
    } finally {
      await api.store.setActiveProfile('default');
    }
  });

  await t('a scope: the launch is judged by what the scope exposes: a secret missing outside it does not block, one inside it does', async () => {
    const ended = sessionEnds('Hash (locked, scope web)');
    assert.ok(await within('the scoped launch', Promise.resolve(vscode.debug.startDebugging(folder, 'Hash (locked, scope web)'))), 'the launch started');
    assert.equal(await hashIn(out('scoped.sha')), EXPECTED);
    await within('the session to end with the program', ended);
    const { shown, outcome } = await refused('scoped', () => vscode.debug.startDebugging(folder, 'Hash (locked, scope tokens)'));
    assert.equal(outcome, false, 'a secret the scope exposes is missing: nothing was launched');
    assert.match(shown, /"Hash \(locked, scope tokens\)" was not started\. SecretSpec profile locked has 1 required secret missing: LOCKED_TOKEN\./);
    assert.equal(existsSync(out('tokens.sha')), false);
  });

  await t('Debug with Secrets…: a launch configuration started with the profile picked', async () => {
    const ui = scriptedUi([pick('Hash (locked)'), pick('default')]);
    api.setUi(ui);
    const ended = sessionEnds('Hash (locked)');
    assert.ok(await within('Debug with Secrets…', Promise.resolve(vscode.commands.executeCommand<boolean>('secretspec.debugWithSecrets'))), 'a session started');
    ui.done();
    assert.equal(await hashIn(out('locked.sha')), EXPECTED, 'the picked profile replaced the one written in launch.json');
    await within('the session to end with the program', ended);
  });

  await t('the status bar menu: the profiles, then Run with Secrets… and Debug with Secrets…', async () => {
    let labels: string[] = [];
    const ui = scriptedUi([
      (kind, arg) => {
        labels = (arg as { items: vscode.QuickPickItem[] }).items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label);
        return pick('locked')(kind, arg);
      },
    ]);
    api.setUi(ui);
    await vscode.commands.executeCommand('secretspec.profileMenu');
    ui.done();
    assert.deepEqual(labels, ['default', 'locked', '$(play) Run with Secrets…', '$(debug-alt) Debug with Secrets…']);
    assert.equal(api.store.activeProfile, 'locked');
    await api.store.setActiveProfile('default');
  });
}

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders![0]!;
  let api: SecretSpecTestApi | undefined;
  await t('activates with the run commands', async () => {
    api = await vscode.extensions.getExtension<SecretSpecTestApi | undefined>(EXTENSION_ID)!.activate();
    assert.ok(api, 'no test API: the extension host is not in test mode');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['runWithSecrets', 'debugWithSecrets', 'profileMenu']) assert.ok(commands.includes(`secretspec.${c}`), c);
  });
  if (api) {
    await suite(api, folder);
    api.setUi(undefined);
  }
  writeResults();
}
