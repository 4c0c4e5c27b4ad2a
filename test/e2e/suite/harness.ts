// What both in-editor suites (suite.ts, run.ts) run their cases with: named
// cases whose outcomes are written to $SECRETSPEC_E2E_RESULTS (the remote
// extension host exits 0 whatever run() does), waiting on a probe, and a
// scripted stand-in for the extension's prompts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import type { Ui } from '../../../client/src/commands/ui';

export const EXTENSION_ID = 'secretspec-vscode.secretspec-vscode';

type Result = { name: string; ok: boolean; error?: string; ms: number };
const results: Result[] = [];

/** Runs one named case; a failure is recorded, and the next case still runs. */
export async function t(name: string, fn: () => Promise<void>): Promise<void> {
  const t0 = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - t0 });
  } catch (e) {
    results.push({ name, ok: false, error: String((e as Error)?.stack ?? e), ms: Date.now() - t0 });
  }
}

export function writeResults(): void {
  writeFileSync(process.env.SECRETSPEC_E2E_RESULTS!, JSON.stringify(results, null, 2));
}

/** The probe's first value that is neither undefined nor false; a probe that throws is asked again, its last error reported on timeout. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Answers prompts from a script, in order; each step checks what it was asked. */
export function scriptedUi(steps: Array<(kind: string, arg: unknown) => unknown>): Ui & { done(): void } {
  const next = (kind: string, arg: unknown) => {
    const step = steps.shift();
    if (!step) throw new Error(`unexpected prompt ${kind}: ${JSON.stringify(arg).slice(0, 300)}`);
    return step(kind, arg);
  };
  return {
    pick: async (items, options) => next('pick', { items, options }) as never,
    pickMany: async (items, options) => next('pickMany', { items, options }) as never,
    secret: async (options) => next('secret', options) as never,
    input: async (options) => next('input', options) as never,
    confirm: async (options) => next('confirm', options) as never,
    done: () => assert.equal(steps.length, 0, `${steps.length} scripted answers left`),
  };
}
