// The extension in a real VS Code: code-server (installed on demand into
// .cache/) loads it as a development extension and runs suite/suite.ts in its
// Node extension host, with an unlocked gnome-keyring in a private D-Bus
// session. A second run checks Restricted Mode and the trust grant.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openBrowser, openWorkbench } from './support/browser';
import { CACHE, holdEditor, ROOT, startCodeServer, type CodeServerRun } from './support/codeServer';
import { e2ePrerequisites } from './support/prerequisites';
import { buildExtensionAndSuite } from './support/suiteBundle';

const CANARIES = ['e2e-canary-dotenv-5b1f0c', 'e2e-canary-keyring-93ad7e', 'e2e-seeded-keyring-value'];
type SuiteResult = { name: string; ok: boolean; error?: string; ms: number };

const skipReason = e2ePrerequisites();
const bin = join(CACHE, 'code-server', 'node_modules', '.bin', 'code-server');

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

function fixture(scratch: string): string {
  const ws = join(scratch, 'shop');
  cpSync(join(ROOT, 'examples', 'shop'), ws, { recursive: true });
  // A name the manifest does not declare yet, for init.
  appendFileSync(join(ws, '.env'), 'FEATURE_FLAG_TOKEN=not-a-secret\n');
  return ws;
}

async function runSuite(opts: {
  scratch: string;
  mode: 'trusted' | 'untrusted';
  suite: string;
  onReady?: (page: import('playwright-core').Page) => Promise<void>;
}): Promise<{ results: SuiteResult[]; run: CodeServerRun; runDir: string }> {
  const runDir = join(opts.scratch, `cs-${opts.mode}`);
  const ws = fixture(join(opts.scratch, `ws-${opts.mode}`));
  const resultsFile = join(runDir, 'results.json');
  const readyFile = join(runDir, 'ready');
  mkdirSync(runDir, { recursive: true });
  const trusted = opts.mode === 'trusted';
  const run = await startCodeServer({
    bin,
    runDir,
    workspaceTrust: !trusted,
    settings: { 'secretspec.trace.server': 'verbose' },
    env: { SECRETSPEC_E2E_RESULTS: resultsFile, SECRETSPEC_E2E_READY: readyFile, SECRETSPEC_E2E_MODE: opts.mode, KEYRING_DIR: join(runDir, 'keyring') },
    ...(trusted ? { wrapper: ['dbus-run-session', '--', join(ROOT, 'test', 'e2e', 'support', 'keyring-session.sh')] } : {}),
  });
  const browser = await openBrowser(join(opts.scratch, 'browser'));
  try {
    const auth = `127.0.0.1:${run.port}`;
    await openWorkbench(browser.page, run.url, ws, [
      ['extensionDevelopmentPath', `vscode-remote://${auth}${ROOT}`],
      ['extensionTestsPath', `vscode-remote://${auth}${opts.suite}`],
    ]);
    const deadline = Date.now() + 150_000;
    let readyHandled = false;
    while (Date.now() < deadline && !existsSync(resultsFile)) {
      if (!readyHandled && opts.onReady && existsSync(readyFile)) {
        readyHandled = true;
        await opts.onReady(browser.page);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(existsSync(resultsFile), `the in-editor suite wrote no results; code-server log:\n${run.log.join('').slice(-3000)}`);
    return { results: JSON.parse(readFileSync(resultsFile, 'utf8')) as SuiteResult[], run, runDir };
  } finally {
    await browser.close();
    await run.stop();
  }
}

/** Grants trust through the workbench UI, the way a user does. */
async function grantTrust(page: import('playwright-core').Page): Promise<void> {
  const dialogButton = page.locator('.monaco-dialog-box .monaco-button', { hasText: /trust the authors/i });
  if (await dialogButton.first().isVisible().catch(() => false)) {
    await dialogButton.first().click();
    return;
  }
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>Workspaces: Manage Workspace Trust');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Manage Workspace Trust' }).first().click();
  await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust( Folder)?$/ }).first().click({ timeout: 20_000 });
}

describe('extension in code-server', { skip: skipReason ? `skipped: ${skipReason}` : false }, () => {
  let scratch: string;
  let suite: string;
  let release: (() => void) | undefined;
  before(async () => {
    release = await holdEditor();
    mkdirSync(join(CACHE, 'e2e'), { recursive: true });
    scratch = mkdtempSync(join(CACHE, 'e2e', 'run-'));
    suite = await buildExtensionAndSuite();
  });
  after(() => {
    release?.();
    if (!process.env.SECRETSPEC_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
  });

  test('trusted workspace with a keyring: tree, profiles, set, import, init; values never logged', async (t) => {
    const { results, run, runDir } = await runSuite({ scratch, mode: 'trusted', suite });
    assert.ok(results.length >= 8, `only ${results.length} results`);
    for (const r of results) await t.test(r.name, () => assert.ok(r.ok, r.error));
    const logs = filesUnder(join(runDir, 'user-data', 'logs'));
    const ours = logs.filter((f) => /SecretSpec\.log$/.test(f));
    assert.ok(ours.length > 0, `no SecretSpec output channel log among ${logs.length} log files`);
    const channel = ours.map((f) => readFileSync(f, 'utf8')).join('');
    assert.match(channel, /secretspec\/set/, 'the protocol trace was on, so the check below means something');
    await t.test('the output channel: each write logged once, checks with their duration, the server version', () => {
      const lines = (re: RegExp) => channel.split('\n').filter((l) => re.test(l));
      assert.equal(lines(/\[info\] set STRIPE_KEY \(profile default\)/).length, 1);
      assert.equal(lines(/\[info\] import from dotenv:\.env\.legacy into profile default/).length, 1);
      assert.deepEqual(lines(/\] (Set|Deleted) STRIPE_KEY|\] Import from/), [], 'no second line in other words');
      assert.ok(lines(/\[info\] Checked secretspec\.toml \(Check Now\) in \d+ ms: default: /).length > 0);
      assert.ok(lines(/\[info\] The language server is running: secretspec-language-server \d+\.\d+\.\d+/).length > 0);
    });
    for (const f of logs) {
      const text = readFileSync(f, 'utf8');
      for (const c of CANARIES) assert.ok(!text.includes(c), `${c} leaked into ${f}`);
    }
    for (const c of CANARIES) assert.ok(!run.log.join('').includes(c), `${c} leaked into code-server's output`);
  });

  test('restricted mode spawns nothing and says why; granting trust checks for real', async (t) => {
    const { results } = await runSuite({ scratch, mode: 'untrusted', suite, onReady: grantTrust });
    assert.ok(results.length >= 3, `only ${results.length} results`);
    for (const r of results) await t.test(r.name, () => assert.ok(r.ok, r.error));
  });
});
