// Protocol §10 item 7: the host survives every plugin fault with a clear
// error naming the plugin, other sessions carry on, and the faulty URI gets
// a fresh session on its next request. Plus retries and the circuit breaker.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { PluginSession } from '../../server/src/plugins/host';
import { ProviderError } from '../../server/src/providers/store';
import { ADDRESS, harness, isAlive, providerFailure, sessionOptions, tempDir } from './harness';

function assertFailure(error: ProviderError, kind: string, ...mentions: string[]): void {
  assert.equal(error.kind, kind, error.message);
  for (const m of ['secretspec-provider-memory', ...mentions]) assert.ok(error.message.includes(m), `"${error.message}" should mention "${m}"`);
}

interface FaultCase {
  query: string;
  kind: string;
  mentions: string[];
  /** Faults that strike between requests surface on the request after the one that triggered them. */
  surfacesOnNext?: boolean;
}

const FAULTS: FaultCase[] = [
  { query: 'fault=crash', kind: 'plugin_crashed', mentions: ['exited with code 3', 'while answering get', 'crashing on purpose', 'fresh session'] },
  { query: 'fault=hang', kind: 'timeout', mentions: ['did not answer get within', 'secretspec.plugins.memory.timeoutMs'] },
  { query: 'fault=garbage', kind: 'invalid_response', mentions: ['not JSON'] },
  { query: 'fault=oversized', kind: 'invalid_response', mentions: ['longer than 1 MiB'] },
  { query: 'fault=unsolicited-before', kind: 'invalid_response', mentions: ['invalid response'] },
  { query: 'fault=unsolicited-after', kind: 'invalid_response', mentions: ['answers no request'], surfacesOnNext: true },
  { query: 'fault=early-exit', kind: 'plugin_crashed', mentions: ['exited with code 0'], surfacesOnNext: true },
];

test('every plugin fault yields its kind, spares other sessions, and recovers with a fresh session', async (t) => {
  const h = harness({ breaker: { threshold: 1000 } });
  try {
    const healthy = await h.host.open('memory://healthy', sessionOptions(null));
    await healthy.set(ADDRESS, 'KEEP', 'kept');
    const healthyPid = h.pids()[0];
    for (const c of FAULTS) {
      await t.test(c.query, async () => {
        const uri = `memory://vault?${c.query}`;
        const before = h.pids().length;
        const s: PluginSession = await h.host.open(uri, sessionOptions(null));
        if (c.surfacesOnNext) {
          // early-exit may already be noticed by the first request; either way it is a crash, never a wrong answer.
          const first = await s.get(ADDRESS, 'A').then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          if ('error' in first) assertFailure(first.error as ProviderError, c.kind, ...c.mentions);
          else {
            assert.equal(first.value, null);
            assertFailure(await providerFailure(s.exists(ADDRESS, 'A')), c.kind, ...c.mentions);
          }
        } else {
          assertFailure(await providerFailure(s.get(ADDRESS, 'A')), c.kind, ...c.mentions);
        }
        assert.equal(await healthy.get(ADDRESS, 'KEEP'), 'kept', 'another session is unaffected');
        if (c.query !== 'fault=early-exit') {
          assert.equal(await s.exists(ADDRESS, 'A'), false, 'the next request runs on a fresh session');
          assert.equal(h.pids().length, before + 2, 'a second process was started for the fresh session');
        }
      });
    }
    assert.equal(h.pids().filter((p) => p === healthyPid).length, 1);
    assert.ok(isAlive(healthyPid as number), 'the healthy plugin kept running throughout');
  } finally {
    await h.host.dispose();
  }
  assert.deepEqual(h.pids().filter(isAlive), [], 'hung, chatty and crashed plugins are all gone');
});

test('hello faults: hang, unsupported_version, a newer protocol, an invalid answer', async () => {
  const h = harness({ breaker: { threshold: 1000 }, timeouts: { helloMs: 800, requestMs: 1000, batchGetMs: 1000, shutdownGraceMs: 300, killGraceMs: 300 } });
  try {
    assertFailure(await providerFailure(h.host.open('memory://v?fault=hello-hang', sessionOptions(null))), 'timeout', 'did not answer hello');
    assertFailure(await providerFailure(h.host.open('memory://v?fault=unsupported_version', sessionOptions(null))), 'unsupported_version', 'only version 7', 'update');
    assertFailure(await providerFailure(h.host.open('memory://v?fault=version2', sessionOptions(null))), 'unsupported_version', 'protocol version 2');
    assertFailure(await providerFailure(h.host.open('memory://v?fault=garbage&on=hello', sessionOptions(null))), 'invalid_response', 'answered hello');
    assertFailure(await providerFailure(h.host.open('memory://v?fault=crash&on=hello', sessionOptions(null))), 'plugin_crashed', 'while answering hello');
  } finally {
    await h.host.dispose();
  }
  assert.deepEqual(h.pids().filter(isAlive), []);
});

test('error answers map to host kinds with advice; unknown kinds become internal', async () => {
  const h = harness();
  try {
    const cases: Array<[string, string, string]> = [
      ['auth_failed', 'auth_failed', 'sign in'],
      ['permission_denied', 'permission_denied', 'not allowed'],
      ['not_found', 'not_found', 'check the provider URI'],
      ['unsupported', 'unsupported', 'does not support'],
      ['invalid_request', 'invalid_request', 'invalid'],
      ['martian_error', 'internal', 'output log'],
    ];
    for (const [answered, kind, advice] of cases) {
      const s = await h.host.open(`memory://v?fault=error&kind=${answered}&message=backend+says+no`, sessionOptions(null));
      assertFailure(await providerFailure(s.get(ADDRESS, 'A')), kind, advice, 'backend says no');
    }
  } finally {
    await h.host.dispose();
  }
});

test('rate_limited and unavailable reads are retried with backoff; mutations never are', async () => {
  const opsFile = path.join(tempDir(), 'ops');
  const h = harness({ pluginEnv: { FIXTURE_OPS_FILE: opsFile } });
  const sent = (op: string) => readFileSync(opsFile, 'utf8').split('\n').filter((l) => l === op).length;
  try {
    const ok = await h.host.open('memory://v?fault=rate_limited&times=2', sessionOptions(null));
    assert.equal(await ok.get(ADDRESS, 'A'), null, 'succeeds on the third attempt');
    assert.equal(sent('get'), 3);
    assert.equal(h.logs.filter((l) => l.includes('retrying')).length, 2);

    const down = await h.host.open('memory://v?fault=rate_limited&times=9&kind=unavailable', sessionOptions(null));
    assertFailure(await providerFailure(down.get(ADDRESS, 'A')), 'unavailable', 'network');
    assert.equal(sent('get'), 6, 'gives up after 3 attempts');

    const throttledWrite = await h.host.open('memory://v?fault=rate_limited&times=1&on=set', sessionOptions(null));
    assertFailure(await providerFailure(throttledWrite.set(ADDRESS, 'A', 'value')), 'rate_limited');
    assert.equal(sent('set'), 1, 'a failed mutation is not replayed');

    const crashingWrite = await h.host.open('memory://v?fault=crash&on=set', sessionOptions(null));
    assertFailure(await providerFailure(crashingWrite.set(ADDRESS, 'A', 'value')), 'plugin_crashed', 'while answering set');
    assert.equal(await crashingWrite.exists(ADDRESS, 'A'), false);
    assert.equal(sent('set'), 2, 'the crashed set was not sent again to the fresh session');
  } finally {
    await h.host.dispose();
  }
});

test('the circuit opens after 5 consecutive failures of one plugin and half-opens after the cool-down', async () => {
  let now = 1_000_000;
  const h = harness({ breaker: { now: () => now } });
  try {
    const s = await h.host.open('memory://v?fault=crash&on=any', sessionOptions(null));
    for (let i = 0; i < 5; i++) assertFailure(await providerFailure(s.exists(ADDRESS, 'A')), 'plugin_crashed');
    const spawned = h.pids().length;
    assertFailure(await providerFailure(s.exists(ADDRESS, 'A')), 'circuit_open', '5 times in a row', '30 s', 'exited with code 3');
    assertFailure(await providerFailure(h.host.open('memory://other', sessionOptions(null))), 'circuit_open');
    assert.equal(h.pids().length, spawned, 'no new process while the circuit is open');
    const sink = await h.host.open('sink://x', sessionOptions(null));
    assert.equal(await sink.exists(ADDRESS, 'A'), false, 'other plugins are not affected');
    now += 30_001;
    const other = await h.host.open('memory://other', sessionOptions(null));
    assert.equal(await other.get(ADDRESS, 'A'), null, 'after the cool-down a new session may start');
  } finally {
    await h.host.dispose();
  }
});
