// The release as a user gets it: `npm run package` builds the .vsix, which is
// checked for what it must and must not hold, installed into code-server
// with --install-extension (not loaded as a development extension), and
// used there through the UI: open a manifest and see its diagnostic, see a
// keyring-backed check in the Secrets view (the native module loads from the
// unpacked package), run Check Now, then reload the window, which must log
// no error from the extension shutting down.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { openBrowser, openWorkbench } from './support/browser';
import { CACHE, holdEditor, ROOT, startCodeServer } from './support/codeServer';
import { keyringSession } from './support/keyringSession';
import { e2ePrerequisites } from './support/prerequisites';

const skipReason = e2ePrerequisites(['unzip']);
const bin = join(CACHE, 'code-server', 'node_modules', '.bin', 'code-server');
const SEEDED = 'package-test-seeded-keyring-value';

function filesUnder(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else out.push(p);
  }
  return out;
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

describe('the packaged extension', { skip: skipReason ? `skipped: ${skipReason}` : false }, () => {
  let scratch: string;
  let vsix: string;
  let release: (() => void) | undefined;
  before(async () => {
    release = await holdEditor();
    mkdirSync(join(CACHE, 'e2e'), { recursive: true });
    scratch = mkdtempSync(join(CACHE, 'e2e', 'package-'));
    vsix = join(scratch, 'secretspec-vscode.vsix');
  });
  after(() => {
    release?.();
    if (!process.env.SECRETSPEC_E2E_KEEP) rmSync(scratch, { recursive: true, force: true });
  });

  test('npm run package builds a .vsix that installs into code-server and works there', async (t) => {
    const packaged = Date.now();
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, env: { ...process.env, SECRETSPEC_VSIX: vsix }, stdio: ['ignore', 'ignore', 'inherit'] });
    t.diagnostic(`packaged in ${Date.now() - packaged} ms: ${(statSync(vsix).size / 1024).toFixed(0)} KB`);

    await t.test('holds the release files and nothing of the sources, tests, caches or maps', () => {
      const files = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).split('\n').filter((f) => f.startsWith('extension/') && !f.endsWith('/'));
      t.diagnostic(`${files.length} files in the package`);
      for (const required of [
        'extension/package.json', 'extension/readme.md', 'extension/changelog.md', 'extension/LICENSE.txt',
        'extension/dist/client.js', 'extension/dist/server.js', 'extension/dist/provider.js', 'extension/dist/plugin.wasm',
        'extension/media/icon.png', 'extension/media/secretspec.svg', 'extension/media/secretspec-file.svg',
        'extension/syntaxes/secretspec.tmLanguage.json', 'extension/node_modules/@napi-rs/keyring/index.js',
      ]) {
        assert.ok(files.includes(required), `${required} missing from the package`);
      }
      assert.ok(files.some((f) => /^extension\/node_modules\/@napi-rs\/keyring-[^/]+\/keyring\.[^/]+\.node$/.test(f)), 'the native keyring prebuilt');
      const forbidden = files.filter((f) => /(^|\/)(test|\.cache|src|scripts|examples|out|bench|protocol|server|client)\//.test(f) || /\.(ts|map|vsix|tsbuildinfo)$/.test(f));
      assert.deepEqual(forbidden, []);
      const manifest = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' })) as {
        icon: string;
        devDependencies?: unknown;
        contributes: { languages: Array<{ icon?: { light: string; dark: string } }>; walkthroughs: Array<{ steps: Array<{ media: { image?: string } }> }> };
      };
      assert.equal(manifest.devDependencies, undefined);
      const referenced = [
        manifest.icon,
        ...manifest.contributes.languages.flatMap((l) => (l.icon ? [l.icon.light, l.icon.dark] : [])),
        ...manifest.contributes.walkthroughs.flatMap((w) => w.steps.flatMap((s) => (s.media.image ? [s.media.image] : []))),
      ];
      for (const file of referenced) assert.ok(files.includes(`extension/${file.replace(/^\.\//, '')}`), `package.json names ${file}, which is not packaged`);
      const readme = execFileSync('unzip', ['-p', vsix, 'extension/readme.md'], { encoding: 'utf8' });
      const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      assert.ok(images.length > 0);
      for (const src of images) assert.match(src, /^(https:|data:image\/png;base64,)/, `a README image VS Code would not show: ${src.slice(0, 80)}`);
    });

    await t.test('the packaged server formats a manifest (its WebAssembly formatter is in the package)', async () => {
      const unpacked = join(scratch, 'unpacked');
      execFileSync('unzip', ['-q', '-o', vsix, 'extension/*', '-d', unpacked]);
      const child = spawn(process.execPath, [join(unpacked, 'extension', 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
      const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
      connection.listen();
      try {
        const init = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { capabilities: { documentFormattingProvider?: boolean } };
        assert.equal(init.capabilities.documentFormattingProvider, true);
        void connection.sendNotification('initialized', {});
        const uri = 'file:///tmp/packaged-format/secretspec.toml';
        void connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'secretspec', version: 1, text: '[project]\nname="x"\n' } });
        const edits = (await connection.sendRequest('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as Array<{ newText: string }>;
        assert.equal(edits[0]?.newText, '[project]\nname = "x"\n');
      } finally {
        connection.dispose();
        // Nothing of this server may keep the test file's process alive.
        child.kill('SIGKILL');
        child.stdin.destroy();
        child.stdout.destroy();
        child.stderr.destroy();
      }
    });

    const runDir = join(scratch, 'cs');
    const ws = join(scratch, 'shop');
    cpSync(join(ROOT, 'examples', 'shop'), ws, { recursive: true });
    const installed = Date.now();
    const install = execFileSync(bin, ['--user-data-dir', join(runDir, 'user-data'), '--extensions-dir', join(runDir, 'extensions'), '--install-extension', vsix], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CONFIG_HOME: join(runDir, 'xdg-config') },
    });
    assert.match(install, /successfully installed/);
    // production's DATABASE_URL is in the OS keyring before the editor starts.
    const run = await startCodeServer({ bin, runDir, ...keyringSession(runDir, { service: 'secretspec/shop/production/DATABASE_URL', value: SEEDED }) });
    const browser = await openBrowser(join(scratch, 'browser'));
    const page = browser.page;
    try {
      await openWorkbench(page, run.url, ws);
      await t.test('a manifest opened in the editor gets its diagnostic', async () => {
        await page.keyboard.press('Control+P');
        await page.locator('.quick-input-widget input').fill('secretspec.toml');
        await page.locator('.quick-input-list .monaco-list-row', { hasText: 'secretspec.toml' }).first().click();
        await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ state: 'attached', timeout: 60_000 });
        t.diagnostic(`install → first diagnostic in the editor: ${Date.now() - installed} ms`);
        await page.keyboard.press('Control+Shift+M');
        await page.locator('.markers-panel .monaco-list-row', { hasText: "Required secret 'STRIPE_KEY' is missing" }).first().waitFor({ timeout: 20_000 });
      });

      await t.test('a keyring-backed check shows in the Secrets view', async () => {
        // The badge of missing secrets sits on the icon and takes the pointer.
        await page.locator('.activitybar .action-item a[aria-label^="SecretSpec"]').first().click({ force: true });
        const view = page.locator('.pane', { hasText: 'Secrets' }).first();
        await view.locator('.monaco-list-row', { hasText: 'production' }).first().click({ timeout: 30_000 });
        await view.locator('.monaco-list-row', { hasText: /DATABASE_URL\s*keyring/ }).first().waitFor({ timeout: 30_000 });
      });

      await t.test('Check Now says what it found', async () => {
        await runCommand(page, 'SecretSpec: Check Now');
        await page.locator('.notifications-toasts .notification-toast', { hasText: 'Checked 1 manifest' }).first().waitFor({ timeout: 30_000 });
      });

      await t.test('reloading the window logs no error from shutting the extension down', async () => {
        await page.reload({ waitUntil: 'domcontentloaded' });
        await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
        const logs = join(runDir, 'user-data', 'logs');
        const checkedAgain = () => filesUnder(logs).some((f) => /exthost2\/.*SecretSpec\.log$/.test(f) && /\] Checked secretspec\.toml/.test(readFileSync(f, 'utf8')));
        const deadline = Date.now() + 60_000;
        while (!checkedAgain() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        assert.ok(checkedAgain(), 'the reloaded window checked the manifest again');
        const first = filesUnder(logs).filter((f) => /exthost1\//.test(f));
        assert.ok(first.some((f) => f.endsWith('remoteexthost.log')), 'the first extension host wrote its log');
        for (const f of first) {
          const text = readFileSync(f, 'utf8');
          // One entry per timestamped line, its stack included; another extension's shutdown error (the workspace's
          // launch.json wakes VS Code's JSON support) is not ours: only a stack through our bundle is.
          const ours = text.split(/\n(?=\d{4}-\d\d-\d\d )/).filter((entry) => /Channel has been closed/.test(entry) && /\/dist\/(client|server)\.js/.test(entry));
          assert.deepEqual(ours, [], f);
          assert.doesNotMatch(text, /provider FAILED/, f);
        }
        // Startup, Check Now and the server's own announcements: a handful. Hundreds would mean the view and the server keep asking each other.
        const checks = first.filter((f) => f.endsWith('SecretSpec.log')).flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => /\] Checked secretspec\.toml/.test(l)));
        assert.ok(checks.length > 0 && checks.length < 15, `${checks.length} checks in the first window:\n${checks.slice(0, 20).join('\n')}`);
      });
    } finally {
      await browser.close();
      await run.stop();
    }
    for (const f of filesUnder(join(runDir, 'user-data', 'logs'))) assert.ok(!readFileSync(f, 'utf8').includes(SEEDED), `the seeded value leaked into ${f}`);
    assert.ok(!run.log.join('').includes(SEEDED), "the seeded value leaked into code-server's output");
  });
});
