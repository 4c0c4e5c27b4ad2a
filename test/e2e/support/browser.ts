// Headless Debian Chromium driven by playwright-core (no browser download).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ensureDebianPackages } from '../../support/systemPackages';

export const CHROMIUM = '/usr/bin/chromium';

export function ensureChromium(): { ok: true } | { ok: false; reason: string } {
  const r = ensureDebianPackages(['chromium']);
  return r.ok ? { ok: true } : { ok: false, reason: r.reason ?? 'chromium missing' };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function openBrowser(scratch: string, viewport = { width: 1400, height: 850 }): Promise<Browser> {
  mkdirSync(scratch, { recursive: true });
  const profile = mkdtempSync(join(scratch, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    // Chromium would otherwise create ~/.config/chromium/Crash Reports.
    env: { ...process.env, XDG_CONFIG_HOME: join(profile, 'xdg') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens the workbench (optionally with an extension-tests payload) and waits for it. */
export async function openWorkbench(page: Page, url: string, folder: string, payload?: Array<[string, string]>): Promise<void> {
  const query = `folder=${encodeURIComponent(folder)}${payload ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''}`;
  await page.goto(`${url}/?${query}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
}
