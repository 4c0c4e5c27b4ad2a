// Issue 13 items 8, 9 and 12 for SecretSpec 0.21 endpoints, as for plugins:
// stderr reaches the log only with the server trace on, what an endpoint
// forks into a new session does not outlive it, and a closed stdout is a
// crash at once. Each test fails without its fix.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { presence, read } from '../../server/src/endpoints/operations';
import { EndpointSession } from '../../server/src/endpoints/session';
import { convention, FAULT_ENDPOINT, gone, harness, isAlive, tempDir, type HarnessInput } from '../endpoints/harness';

const HOSTILE = path.join(__dirname, 'fixtures', 'hostile-endpoint.mjs');

function endpoint(input: Partial<HarnessInput> & { executable: string }, showStderr: boolean) {
  const pidFile = path.join(tempDir(), 'pids');
  const h = harness({ ...input, vars: { IPC_FAULT_PIDS: pidFile, ...input.vars } });
  const session = new EndpointSession({ ...h.options, showStderr: () => showStderr });
  const pids = () => {
    try {
      return readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  return { session, logs: h.logs, pids };
}

const idle = () => new Promise((resolve) => setTimeout(resolve, 300));

test('8: an endpoint\'s stderr is not logged with the trace off; with it on, it is', async () => {
  for (const traced of [false, true]) {
    const e = endpoint({ executable: FAULT_ENDPOINT, vars: { IPC_FAULT: 'stderr' } }, traced);
    try {
      assert.deepEqual(await read(e.session, convention('PRESENT_A')), { found: true, value: 'fault-endpoint-value', expiresAtUnixMs: null });
      await idle();
    } finally {
      await e.session.close();
    }
    const stderr = e.logs.filter((l) => l.includes(' stderr: '));
    if (traced) assert.ok(stderr.some((l) => l.includes('debug: returning ‹redacted› for PRESENT_A')), 'logged with the trace on');
    else assert.deepEqual(stderr, [], 'nothing of its stderr logged with the trace off');
    for (const line of e.logs) assert.ok(!line.includes('fault-endpoint-value'), `leaked: ${line}`);
  }
});

test('9: a child an endpoint forked into a new session does not outlive its session (Linux)', { skip: process.platform !== 'linux' }, async () => {
  const e = endpoint({ executable: HOSTILE, vars: { IPC_HOSTILE: 'setsid' } }, false);
  const outcome = (await presence(e.session, [{ name: 'PRESENT_A', address: convention('PRESENT_A') }])).get('PRESENT_A');
  assert.deepEqual(outcome, { ok: true, value: true });
  const [own, child] = e.pids();
  assert.ok(own !== undefined && child !== undefined && isAlive(child), 'the endpoint forked its child');
  // No wait for the periodic /proc scan: closing looks for descendants itself, before the endpoint exits and orphans them.
  await e.session.close();
  assert.ok(await gone(own), 'the endpoint exited');
  assert.ok(await gone(child), 'its setsid child was killed');
});

test('12: an endpoint that closes stdout but keeps running is a crash at once, and is stopped', { timeout: 20_000 }, async () => {
  // A long request deadline: only the closed stdout can end this request before the test's own bound.
  const e = endpoint({ executable: HOSTILE, vars: { IPC_HOSTILE: 'close-stdout' }, requestMs: 60_000 }, false);
  try {
    const outcome = (await presence(e.session, [{ name: 'PRESENT_A', address: convention('PRESENT_A') }])).get('PRESENT_A');
    assert.ok(outcome && !outcome.ok, 'the request failed');
    assert.equal(outcome.error.kind, 'plugin_crashed', outcome.error.message);
    assert.match(outcome.error.message, /closed its standard output/);
    assert.ok(await gone(e.pids()[0]!), 'the endpoint was killed');
  } finally {
    await e.session.close();
  }
});
