// `npm run screenshots`: opens examples/shop (a copy) in code-server with the
// extension and saves the README's screenshots to media/screenshots/: the
// presence view, a diagnostic hover, and the set flow (password box, then the
// refreshed view). The value typed is a dummy and is masked on screen.
// The copy lives at /tmp/shop: the set prompt and tooltips show the
// workspace's absolute path, and a screenshot must not show the path of the
// machine (or clone) that made it.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium, openBrowser, openWorkbench } from '../test/e2e/support/browser';
import { CACHE, ensureCodeServer, ROOT, startCodeServer } from '../test/e2e/support/codeServer';
import { keyringSession } from '../test/e2e/support/keyringSession';
import { stageExtension } from '../test/e2e/support/stageExtension';

const OUT = join(ROOT, 'media', 'screenshots');
const SHOP = '/tmp/shop';
/** Marks the folder as this script's, so a /tmp/shop of someone else's is never deleted. */
const MARK = join(SHOP, '.secretspec-screenshots');

async function main(): Promise<void> {
  const cs = ensureCodeServer((line) => console.log(line));
  const chromium = ensureChromium();
  if (!cs.ok || !chromium.ok) throw new Error(`cannot take screenshots: ${!cs.ok ? cs.reason : !chromium.ok ? chromium.reason : ''}`);
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const runDir = join(CACHE, 'screenshots');
  rmSync(runDir, { recursive: true, force: true });
  if (existsSync(SHOP) && !existsSync(MARK)) throw new Error(`${SHOP} exists and was not made by this script; move it away first`);
  rmSync(SHOP, { recursive: true, force: true });
  cpSync(join(ROOT, 'examples', 'shop'), SHOP, { recursive: true });
  writeFileSync(MARK, '');
  mkdirSync(join(runDir, 'extensions'), { recursive: true });
  stageExtension(join(runDir, 'extensions'));
  mkdirSync(OUT, { recursive: true });
  const run = await startCodeServer({
    bin: cs.bin,
    runDir,
    settings: { 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false, 'window.commandCenter': false },
    // A dummy value in the keyring, so the view shows a secret answered by it.
    ...keyringSession(runDir, { service: 'secretspec/shop/production/DATABASE_URL', value: 'screenshot-only-dummy' }),
  });
  const browser = await openBrowser(join(runDir, 'browser'), { width: 1280, height: 760 });
  const page = browser.page;
  try {
    await openWorkbench(page, run.url, SHOP);
    // force: the badge of missing secrets sits on the icon and takes the pointer.
    await page.locator('.activitybar .action-item a[aria-label^="SecretSpec"]').first().click({ timeout: 60_000, force: true });
    const view = page.locator('.pane', { hasText: 'Secrets' }).first();
    await view.locator('.monaco-list-row', { hasText: 'STRIPE_KEY' }).first().waitFor({ timeout: 60_000 });
    await view.locator('.monaco-list-row', { hasText: 'production' }).first().click();
    await view.locator('.monaco-list-row', { hasText: 'keyring' }).first().waitFor({ timeout: 20_000 });
    await page.mouse.move(900, 600);
    await page.waitForTimeout(800);
    await page.screenshot({ path: join(OUT, 'presence-view.png') });
    console.log('presence-view.png');

    await view.locator('.monaco-list-row', { hasText: 'secretspec.toml' }).first().click();
    const squiggle = page.locator('.monaco-editor .squiggly-warning').first();
    await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForTimeout(500);
    await squiggle.hover({ force: true });
    await page.locator('.monaco-hover', { hasText: 'missing' }).first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(OUT, 'diagnostic-hover.png') });
    console.log('diagnostic-hover.png');

    await squiggle.click({ force: true });
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>SecretSpec: Set Secret Value');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Set Secret Value' }).first().click();
    const box = page.locator('.quick-input-widget input[type="password"]');
    await box.waitFor({ timeout: 15_000 });
    await box.pressSequentially('sk_test_screenshot_only', { delay: 10 });
    // The pointer rests where the palette row was, over the box; its hover would cover the title.
    await page.mouse.move(900, 600);
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(OUT, 'set-value.png') });
    console.log('set-value.png');
    await page.keyboard.press('Enter');
    await page.locator('.notifications-toasts .notification-toast', { hasText: 'Set STRIPE_KEY' }).first().waitFor({ timeout: 20_000 });
    await view.locator('.monaco-list-row', { hasText: 'STRIPE_KEY' }).first().waitFor();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: join(OUT, 'set-done.png') });
    console.log('set-done.png');
  } finally {
    await browser.close();
    await run.stop();
    rmSync(SHOP, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
