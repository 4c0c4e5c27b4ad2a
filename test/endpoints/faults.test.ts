// Misbehaving SecretSpec 0.21 endpoints (test/fixtures/ipc-faults/
// endpoint.mjs): each fault ends in the right kind, the server process (this
// one) stays up, no endpoint process or anything in its process group is
// left, and the next request starts a fresh endpoint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { presence, read } from '../../server/src/endpoints/operations';
import { EndpointError, type EndpointSession } from '../../server/src/endpoints/session';
import { CircuitBreaker } from '../../server/src/plugins/breaker';
import { convention, failure, FAULT_ENDPOINT, gone, groupAlive, harness, tempDir, until, type HarnessInput } from './harness';

interface Faulty {
  h: ReturnType<typeof harness>;
  pids(): number[];
  received(): string[];
}

function faulty(fault: string, input: Partial<HarnessInput> = {}): Faulty {
  const dir = tempDir();
  const pidFile = path.join(dir, 'pids');
  const receivedFile = path.join(dir, 'received');
  const lines = (file: string) => {
    try {
      return readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const h = harness({
    executable: FAULT_ENDPOINT,
    vars: { IPC_FAULT: fault, IPC_FAULT_PIDS: pidFile, IPC_FAULT_RECEIVED: receivedFile },
    requestMs: 1_000,
    startupMs: 1_000,
    cancelGraceMs: 300,
    ...input,
  });
  return { h, pids: () => lines(pidFile).map(Number), received: () => lines(receivedFile) };
}

/** Every process the fault endpoint started, and their groups, are gone. */
async function nothingLingers(f: Faulty): Promise<void> {
  assert.ok(f.pids().length > 0, 'the endpoint recorded its pid');
  for (const pid of f.pids()) {
    assert.ok(await gone(pid), `process ${pid} lingers`);
    assert.equal(groupAlive(pid), false, `process group ${pid} lingers`);
  }
}

const ask = (session: EndpointSession, key = 'PRESENT_A') => presence(session, [{ name: key, address: convention(key) }]).then((m) => m.get(key)!);

async function askFails(session: EndpointSession, key = 'PRESENT_A'): Promise<EndpointError> {
  const outcome = await ask(session, key);
  assert.ok(!outcome.ok, 'expected a failure');
  assert.ok(outcome.error instanceof EndpointError);
  return outcome.error;
}

/** After a fault that ended the session, the next request starts a new process (the old one is not reused, nothing is replayed). */
async function relaunches(f: Faulty, before: number): Promise<void> {
  await f.h.session.ready().catch(() => undefined);
  assert.ok(f.pids().length > before, 'a fresh endpoint was started');
}

for (const [fault, kind, message] of [
  ['garbage', 'invalid_response', /wrote a frame that is not JSON/],
  ['oversize', 'invalid_response', /a frame longer than the limit of 4096 bytes/],
  ['cr', 'invalid_response', /a carriage return/],
  ['unknown-id', 'invalid_response', /answered request #999, which it was never sent/],
  ['error-kinds', 'invalid_response', /not a valid JSON-RPC message/],
] as const) {
  test(`${fault}: the session ends with ${kind} and the endpoint is stopped`, async () => {
    const f = faulty(fault);
    try {
      await f.h.session.ready();
      const error = await askFails(f.h.session, fault === 'error-kinds' ? 'ERR_MISMATCH' : 'PRESENT_A');
      assert.equal(error.kind, kind);
      assert.match(error.message, message);
      await nothingLingers(f);
      await relaunches(f, f.pids().length);
    } finally {
      await f.h.session.close();
    }
    await nothingLingers(f);
  });
}

test('oversize before initialize: the 1 MiB pre-negotiation limit ends the start', async () => {
  const f = faulty('oversize-init');
  const error = await failure(f.h.session.ready());
  assert.equal(error.kind, 'invalid_response');
  assert.match(error.message, /longer than the limit of 1048576 bytes/);
  await nothingLingers(f);
});

test('hang: the request times out and is cancelled; an endpoint that never ends it is stopped, though it ignores EOF and SIGTERM', async () => {
  const f = faulty('hang', { requestMs: 300 });
  try {
    await f.h.session.ready();
    const started = Date.now();
    const error = await askFails(f.h.session);
    assert.equal(error.kind, 'timeout');
    assert.equal(error.wireKind, 'deadline_exceeded');
    assert.ok(Date.now() - started < 2_000);
    assert.ok(await until(() => f.h.logs.some((l) => /counts as hung and was stopped/.test(l))), f.h.logs.join('\n'));
    await nothingLingers(f);
  } finally {
    await f.h.session.close();
  }
});

test('hang at initialize: the start times out and leaves nothing behind', async () => {
  const f = faulty('hang-init', { startupMs: 300 });
  const error = await failure(f.h.session.ready());
  assert.equal(error.kind, 'timeout');
  await nothingLingers(f);
});

test('a duplicate answer: the first is taken, the second ends the session; the next request starts afresh', async () => {
  const f = faulty('duplicate-id');
  try {
    const first = await ask(f.h.session);
    assert.deepEqual(first, { ok: true, value: true });
    assert.ok(await until(() => f.h.logs.some((l) => /answered request #2, which it was never sent or had already answered/.test(l))));
    await nothingLingers(f);
    assert.deepEqual(await ask(f.h.session), { ok: true, value: true });
    assert.equal(f.pids().length, 2);
  } finally {
    await f.h.session.close();
  }
  await nothingLingers(f);
});

test('members a later revision may add to responses and results are ignored', async () => {
  const f = faulty('unknown-members');
  try {
    assert.deepEqual(await ask(f.h.session), { ok: true, value: true });
    assert.deepEqual(await ask(f.h.session, 'ABSENT'), { ok: true, value: false });
  } finally {
    await f.h.session.close();
  }
  await nothingLingers(f);
});

test('error kinds: mapped, an unknown code with an unknown kind is an unnamed failure; neither ends the session', async () => {
  const f = faulty('error-kinds');
  try {
    const pid = (await f.h.session.ready()).pid;
    const denied = await askFails(f.h.session, 'ERR_PERMISSION_DENIED');
    assert.equal(denied.kind, 'permission_denied');
    const later = await askFails(f.h.session, 'ERR_FUTURE');
    assert.equal(later.kind, 'internal');
    assert.equal(later.wireKind, 'unrecognized');
    assert.equal((await f.h.session.ready()).pid, pid);
  } finally {
    await f.h.session.close();
  }
  await nothingLingers(f);
});

test('a fragmented writer: answers arriving a few bytes at a time are reassembled', async () => {
  const f = faulty('fragmented');
  try {
    assert.deepEqual(await ask(f.h.session), { ok: true, value: true });
    assert.deepEqual(await read(f.h.session, convention('PRESENT_B')), { found: true, value: 'fault-endpoint-value', expiresAtUnixMs: null });
  } finally {
    await f.h.session.close();
  }
  await nothingLingers(f);
});

test('an endpoint that ignores shutdown, end of input and SIGTERM, with a forked grandchild, is killed with its group within the §6 bounds', async () => {
  const f = faulty('ignore-shutdown');
  await f.h.session.ready();
  assert.ok(await until(() => f.pids().length === 2), 'the endpoint and its grandchild');
  const started = Date.now();
  await f.h.session.close();
  const took = Date.now() - started;
  assert.ok(took >= 1_900 && took < 5_000, `closed in ${took} ms (2 s shutdown deadline, then the kill)`);
  await nothingLingers(f);
});

test('an endpoint that exits between requests is noticed, and the next request starts it again', async () => {
  const f = faulty('exit-after-init');
  try {
    await f.h.session.ready();
    assert.ok(await until(() => f.h.logs.some((l) => /exited with code 3 between requests/.test(l))), f.h.logs.join('\n'));
    await f.h.session.ready();
    assert.equal(f.pids().length, 2);
  } finally {
    await f.h.session.close();
  }
  await nothingLingers(f);
});

test('callbacks that break the rules end the session: one not offered, or more in flight than allowed before readiness', async () => {
  const credentials = async () => ({ status: 'missing' as const });
  const unoffered = faulty('callback-unoffered', { credentials });
  try {
    const error = await askFails(unoffered.h.session);
    assert.equal(error.kind, 'invalid_response');
    assert.match(error.message, /sent a client\.prompt callback it was not offered/);
  } finally {
    await unoffered.h.session.close();
  }
  await nothingLingers(unoffered);
  const burst = faulty('callback-burst', { credentials });
  const error = await failure(burst.h.session.ready());
  assert.equal(error.kind, 'invalid_response');
  assert.match(error.message, /more than 1 callbacks in flight/);
  await nothingLingers(burst);
});

test('rpc.discover first: a peer that does not answer as a v1 provider is never sent the URI', async () => {
  const f = faulty('draft', { discoverFirst: true, uri: 'acme://user:hunter2@vault' });
  const error = await failure(f.h.session.ready());
  assert.equal(error.kind, 'invalid_response');
  // It got the discover request and then the value-free error for its answer; nothing else.
  assert.deepEqual(f.received(), ['rpc.discover', 'response']);
  await nothingLingers(f);
});

test('a missing executable is plugin_not_installed; repeated failures open the breaker', async () => {
  const breaker = new CircuitBreaker({ threshold: 3, cooldownMs: 60_000, now: Date.now });
  const h = harness({ executable: path.join(tempDir(), 'gone'), breaker });
  const kinds: string[] = [];
  for (let i = 0; i < 4; i++) kinds.push((await failure(h.session.ready())).kind);
  assert.deepEqual(kinds, ['plugin_not_installed', 'plugin_not_installed', 'plugin_not_installed', 'circuit_open']);
  await h.session.close();
});

test('in-flight limit: never more requests outstanding than the endpoint accepted; the rest wait, and give up at their deadline unsent', async () => {
  const slow = faulty('slow');
  try {
    const names = Array.from({ length: 12 }, (_, i) => `PRESENT_${i}`);
    const outcomes = await presence(slow.h.session, names.map((name) => ({ name, address: convention(name) })));
    assert.deepEqual([...outcomes.values()], names.map(() => ({ ok: true, value: true })), 'none was refused as over the limit');
  } finally {
    await slow.h.session.close();
  }
  const hang = faulty('hang', { requestMs: 300, cancelGraceMs: 5_000 });
  try {
    const names = Array.from({ length: 6 }, (_, i) => `K${i}`);
    const outcomes = await presence(hang.h.session, names.map((name) => ({ name, address: convention(name) })));
    const messages = [...outcomes.values()].map((o) => (o.ok ? 'ok' : o.error.message));
    assert.equal(messages.filter((m) => /did not answer provider\.exists within/.test(m)).length, 4);
    assert.equal(messages.filter((m) => /waited for a free request slot until its deadline; nothing was sent/.test(m)).length, 2);
    assert.equal(hang.received().filter((m) => m === 'provider.exists').length, 4);
  } finally {
    await hang.h.session.close();
  }
  await nothingLingers(hang);
});

test('stderr is logged redacted and bounded: a value the endpoint prints is scrubbed, and past 64 KiB the rest is suppressed', async () => {
  const f = faulty('stderr');
  try {
    assert.deepEqual(await read(f.h.session, convention('PRESENT_A')), { found: true, value: 'fault-endpoint-value', expiresAtUnixMs: null });
    await f.h.session.close();
    const stderr = f.h.logs.filter((l) => l.startsWith('endpoint acme stderr: '));
    assert.ok(stderr.includes('endpoint acme stderr: debug: returning ‹redacted› for PRESENT_A'), stderr.slice(0, 3).join('\n'));
    assert.ok(!f.h.logs.join('\n').includes('fault-endpoint-value'));
    const logged = stderr.reduce((n, l) => n + l.length - 'endpoint acme stderr: '.length, 0);
    assert.ok(logged < 70 * 1024, `${logged} characters of stderr logged`);
    assert.ok(stderr.at(-1)?.endsWith('(more output suppressed)'));
  } finally {
    await f.h.session.close();
  }
  await nothingLingers(f);
});
