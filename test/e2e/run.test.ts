// Run, debug, tasks and terminals with a profile's secrets, in a real VS Code
// (code-server with its built-in JavaScript debugger): suite/run.ts starts a
// Node program five ways (one a launch whose environment is injected in
// memory, as for debuggers the runner cannot wrap) that each write the
// SHA-256 of the secret they got;
// a launch whose profile misses a required secret is blocked, and this side
// reads the notification the user sees. Afterwards the secret must appear in
// no log, output channel, settings, state or workspace file but its store.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openBrowser, openWorkbench } from './support/browser';
import { CACHE, holdEditor, ROOT, startCodeServer } from './support/codeServer';
import { e2ePrerequisites } from './support/prerequisites';
import { buildExtensionAndSuite } from './support/suiteBundle';

const CANARY = 'e2e-run-canary-4c7d21f0';
type SuiteResult = { name: string; ok: boolean; error?: string; ms: number };

const skipReason = e2ePrerequisites();
const bin = join(CACHE, 'code-server', 'node_modules', '.bin', 'code-server');

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p, { throwIfNoEntry: false });
    if (s?.isDirectory()) filesUnder(p, out);
    else if (s?.isFile()) out.push(p);
  }
  return out;
}

const MANIFEST = `[project]
name = "runner-e2e"
revision = "1.0"

[profiles.default]
APP_SECRET = { description = "What the program hashes", providers = ["dotenv:.env"] }
APP_CERT = { description = "A file the program reads", as_path = true, providers = ["dotenv:.env"] }

[profiles.locked]
APP_SECRET = { description = "What the program hashes", providers = ["dotenv:.env"] }
LOCKED_TOKEN = { description = "Never set anywhere", providers = ["dotenv:.env"] }

[scopes.web]
secrets = ["APP_SECRET"]

[scopes.tokens]
secrets = ["LOCKED_TOKEN"]
`;

const PROGRAM = `const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const out = path.resolve(process.argv[2]);
const digest = createHash('sha256').update(process.env.APP_SECRET ?? '').digest('hex');
fs.mkdirSync(path.dirname(out), { recursive: true });
const cert = process.env.APP_CERT;
if (cert) fs.writeFileSync(out + '.cert', JSON.stringify({ path: cert, sha: createHash('sha256').update(fs.readFileSync(cert)).digest('hex') }));
fs.writeFileSync(out, digest);
`;

const LAUNCH = `{
  "version": "0.2.0",
  "configurations": [
    {
      "type": "node",
      "request": "launch",
      "name": "Hash (secretspec)",
      "program": "\${workspaceFolder}/hash.js",
      "args": ["\${workspaceFolder}/out/debug.sha"],
      "secretspec": { "profile": "default" }
    },
    {
      "type": "node",
      "request": "launch",
      "name": "Hash (locked)",
      "program": "\${workspaceFolder}/hash.js",
      "args": ["\${workspaceFolder}/out/locked.sha"],
      "secretspec": { "profile": "locked" }
    },
    {
      "type": "node",
      "request": "launch",
      "name": "Hash (injected)",
      "program": "\${workspaceFolder}/hash.js",
      "args": ["\${workspaceFolder}/out/injected.sha"],
      "env": { "KEPT": "mine" },
      "secretspec": { "profile": "default", "inject": true }
    },
    {
      "type": "node",
      "request": "launch",
      "name": "Hash (locked, scope web)",
      "program": "\${workspaceFolder}/hash.js",
      "args": ["\${workspaceFolder}/out/scoped.sha"],
      "secretspec": { "profile": "locked", "scope": "web" }
    },
    {
      "type": "node",
      "request": "launch",
      "name": "Hash (locked, scope tokens)",
      "program": "\${workspaceFolder}/hash.js",
      "args": ["\${workspaceFolder}/out/tokens.sha"],
      "secretspec": { "profile": "locked", "scope": "tokens" }
    },
    {
      "type": "node-terminal",
      "request": "launch",
      "name": "Hash (debug terminal)",
      "command": "node hash.js out/node-terminal.sha",
      "secretspec": { "profile": "default" }
    }
  ]
}
`;

const TASKS = `{
  "version": "2.0.0",
  "tasks": [{ "type": "secretspec", "label": "hash task", "command": "node hash.js out/task.sha", "profile": "default" }]
}
`;

function workspace(dir: string): string {
  mkdirSync(join(dir, '.vscode'), { recursive: true });
  writeFileSync(join(dir, 'secretspec.toml'), MANIFEST);
  writeFileSync(join(dir, '.env'), `APP_SECRET=${CANARY}\nAPP_CERT=${CANARY}-cert\n`);
  writeFileSync(join(dir, 'hash.js'), PROGRAM);
  writeFileSync(join(dir, '.vscode', 'launch.json'), LAUNCH);
  writeFileSync(join(dir, '.vscode', 'tasks.json'), TASKS);
  return dir;
}

describe('run, debug, tasks and terminals with secrets, in code-server', { skip: skipReason ? `skipped: ${skipReason}` : false }, () => {
  let scratch: string;
  let suite: string;
  let release: (() => void) | undefined;
  before(async () => {
    release = await holdEditor();
    mkdirSync(join(CACHE, 'e2e'), { recursive: true });
    scratch = mkdtempSync(join(CACHE, 'e2e', 'run-'));
    suite = await buildExtensionAndSuite('run');
  });
  after(() => {
    release?.();
    if (!process.env.SECRETSPEC_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
  });

  test('F5, a task, Run with Secrets… and the terminal get the secret; a missing one blocks the launch; the value is written nowhere', async (t) => {
    const runDir = join(scratch, 'cs');
    const ws = workspace(join(scratch, 'ws'));
    const files = { results: join(runDir, 'results.json'), blocked: join(runDir, 'blocked'), seen: join(runDir, 'seen') };
    mkdirSync(runDir, { recursive: true });
    const run = await startCodeServer({
      bin,
      runDir,
      settings: { 'secretspec.trace.server': 'verbose', 'terminal.integrated.enablePersistentSessions': false },
      env: { SECRETSPEC_E2E_RESULTS: files.results, SECRETSPEC_E2E_BLOCKED: files.blocked, SECRETSPEC_E2E_SEEN: files.seen, SECRETSPEC_E2E_CANARY: CANARY },
    });
    const browser = await openBrowser(join(scratch, 'browser'));
    let results: SuiteResult[] = [];
    try {
      const auth = `127.0.0.1:${run.port}`;
      await openWorkbench(browser.page, run.url, ws, [
        ['extensionDevelopmentPath', `vscode-remote://${auth}${ROOT}`],
        ['extensionTestsPath', `vscode-remote://${auth}${suite}`],
      ]);
      const deadline = Date.now() + 240_000;
      const handled = new Set<string>();
      while (Date.now() < deadline && !existsSync(files.results)) {
        const id = existsSync(files.blocked) ? readFileSync(files.blocked, 'utf8') : '';
        if (id && !handled.has(id)) {
          handled.add(id);
          // What the user sees: the notification's text and buttons; closing it cancels what was being started.
          const toast = browser.page.locator('.notifications-toasts .notification-toast', { hasText: 'was not started' }).first();
          await toast.waitFor({ state: 'visible', timeout: 30_000 });
          let seen = await toast.innerText();
          await toast.hover();
          // An id `anyway-…` is the user choosing Start Anyway; any other, closing the notification (Cancel).
          if (id.startsWith('anyway')) await toast.getByRole('button', { name: 'Start Anyway' }).click();
          else await toast.locator('.codicon-notifications-clear').first().click();
          if (id === 'terminal') {
            // VS Code shows what the terminal provider said when it opened nothing.
            const error = browser.page.locator('.notifications-toasts .notification-toast', { hasText: 'was not opened' }).first();
            await error.waitFor({ state: 'visible', timeout: 30_000 });
            seen += `\n${await error.innerText()}`;
          }
          writeFileSync(`${files.seen}-${id}`, seen);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      if (!existsSync(files.results)) await browser.page.screenshot({ path: join(scratch, 'no-results.png') });
      assert.ok(existsSync(files.results), `the in-editor suite wrote no results (screen: ${join(scratch, 'no-results.png')}); code-server log:\n${run.log.join('').slice(-3000)}`);
      results = JSON.parse(readFileSync(files.results, 'utf8')) as SuiteResult[];
    } finally {
      await browser.close();
      await run.stop();
    }
    assert.ok(results.length >= 7, `only ${results.length} results`);
    for (const r of results) await t.test(r.name, () => assert.ok(r.ok, r.error));

    const written = [...filesUnder(runDir), ...filesUnder(ws).filter((f) => f !== join(ws, '.env'))];
    const channel = written.filter((f) => /SecretSpec\.log$/.test(f)).map((f) => readFileSync(f, 'utf8')).join('');
    await t.test('the output channel says how each launch ran, and the check was traced', () => {
      assert.match(channel, /Debugging "Hash \(secretspec\)" \(pwa-node\) with SecretSpec profile default: runtimeExecutable starts the program under the runner/);
      assert.match(channel, /"Hash \(locked\)" was not started\. SecretSpec profile locked has 1 required secret missing: LOCKED_TOKEN/);
      assert.match(channel, /Debugging "Hash \(injected\)" \(pwa-node\) with SecretSpec profile default: injected 2 variables into "env" \(APP_CERT, APP_SECRET\)/);
      assert.match(channel, /secretspec\/check/, 'the protocol trace was on, so the search below means something');
    });
    await t.test(`the value is in no file but .env (${written.length} files: logs, state, settings, workspace) nor code-server's output`, () => {
      assert.ok(written.some((f) => f.includes(join('user-data', 'logs'))), 'code-server wrote its logs where they are searched');
      for (const f of written) assert.ok(!readFileSync(f).includes(CANARY), `the secret leaked into ${f}`);
      assert.ok(!run.log.join('').includes(CANARY), "the secret leaked into code-server's output");
    });
  });
});
