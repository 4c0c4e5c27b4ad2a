// The host against a real SecretSpec 0.21 endpoint, built from SecretSpec's
// own `secretspec-ipc` 0.21.1 crate (test/fixtures/ipc-endpoint): presence
// by each method, native addresses, writes, delete, reflect, the
// credential callback, and SecretSpec's provider conformance cases
// (../shared/upstream-ipc/cases/provider-*.json) as tables.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ERROR_KINDS } from '../../protocol/src';
import { BASE_ENDPOINT_ENVIRONMENT } from '../../server/src/endpoints/environment';
import type { Address } from '../../server/src/endpoints/messages';
import { checkWritable, describeWriteTarget, presence, read, readMany, reflect, remove, resolveAddress, write } from '../../server/src/endpoints/operations';
import { EndpointError, EndpointSession, type CredentialRequest } from '../../server/src/endpoints/session';
import { SHARED, sharedSkipReason } from '../support/shared';
import { convention, endpointSkip, failure, gone, groupAlive, harness, native, realEndpoint, tempDir, traceLines, type HarnessInput } from './harness';

const skip = endpointSkip();

interface Real {
  h: ReturnType<typeof harness>;
  trace: () => string[];
  dir: string;
}

/** A session with the real endpoint; `vars` are its IPC_ENDPOINT_* switches. */
function real(vars: Record<string, string> = {}, input: Partial<HarnessInput> = {}): Real {
  const dir = tempDir();
  const traceFile = path.join(dir, 'trace');
  const h = harness({ executable: realEndpoint().bin!, vars: { IPC_ENDPOINT_TRACE: traceFile, ...vars }, ...input });
  return { h, trace: () => traceLines(traceFile), dir };
}

async function pidOf(session: EndpointSession): Promise<number> {
  return (await session.ready()).pid!;
}

/** Closes the session and checks that neither the endpoint nor anything in its process group is left. */
async function closeAndCheck(session: EndpointSession, pids: number[]): Promise<void> {
  await session.close();
  for (const pid of pids) {
    assert.ok(await gone(pid), `endpoint ${pid} outlived its session`);
    assert.equal(groupAlive(pid), false, `process group ${pid} outlived its session`);
  }
}

const calls = (lines: string[], method: string) => lines.filter((l) => l.startsWith(`call ${method}`));

function statuses(outcomes: Map<string, { ok: true; value: boolean } | { ok: false; error: { kind: string } }>): Record<string, boolean | string> {
  return Object.fromEntries([...outcomes].map(([name, o]) => [name, o.ok ? o.value : o.error.kind]));
}

test('presence asks provider.exists when offered, else get_many, else get; never a false miss without any of them', { skip }, async () => {
  const queries = (names: string[]) => names.map((name) => ({ name, address: convention(name) }));
  for (const [methods, used] of [
    ['', 'provider.exists'],
    ['provider.resolve_address,provider.get,provider.get_many,provider.set', 'provider.get_many'],
    ['provider.resolve_address,provider.get,provider.set', 'provider.get'],
  ] as const) {
    const r = real(methods ? { IPC_ENDPOINT_METHODS: methods } : {});
    try {
      await write(r.h.session, convention('A'), 'value-of-a');
      const pid = await pidOf(r.h.session);
      assert.deepEqual(statuses(await presence(r.h.session, queries(['A', 'B']))), { A: true, B: false }, methods);
      const asked = r.trace().filter((l) => l.startsWith('call provider.') && !l.includes('set') && !l.includes('check_writable'));
      assert.ok(asked.length > 0 && asked.every((l) => l.startsWith(`call ${used}`)), `${used}: ${asked.join(' | ')}`);
      await closeAndCheck(r.h.session, [pid]);
    } finally {
      await r.h.session.close();
    }
  }
  const writeOnly = real({ IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.set' });
  try {
    const outcome = statuses(await presence(writeOnly.h.session, queries(['A'])));
    assert.deepEqual(outcome, { A: 'capability_required' });
  } finally {
    await writeOnly.h.session.close();
  }
});

test('get_many asks at most 1,024 names per call; the values read to learn presence are dropped', { skip }, async () => {
  const r = real({ IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.get,provider.get_many,provider.set' });
  try {
    await write(r.h.session, convention('K0042'), 'batch-value-42');
    const names = Array.from({ length: 1500 }, (_, i) => `K${String(i).padStart(4, '0')}`);
    const outcomes = await presence(
      r.h.session,
      names.map((name) => ({ name, address: convention(name) })),
    );
    assert.equal(outcomes.size, 1500);
    assert.deepEqual(
      [...outcomes].filter(([, o]) => o.ok && o.value).map(([n]) => n),
      ['K0042'],
    );
    assert.deepEqual(calls(r.trace(), 'provider.get_many'), ['call provider.get_many n=1024', 'call provider.get_many n=476']);
    assert.equal(r.h.redactor.scrub('batch-value-42'), '‹redacted›', 'kept scrubbable a moment, for the stderr of that answer');
    assert.ok(!r.h.logs.join('\n').includes('batch-value-42'));
  } finally {
    await r.h.session.close();
  }
});

test('native addresses: coordinates the endpoint supports are sent as they are; others are refused before anything is sent', { skip }, async () => {
  const r = real();
  try {
    const db: Address = native('shared/db', { field: 'password' });
    await write(r.h.session, db, 'db-password');
    assert.deepEqual(await resolveAddress(r.h.session, db), { item: 'shared/db', field: 'password' });
    assert.deepEqual(await read(r.h.session, db), { found: true, value: 'db-password', expiresAtUnixMs: null });
    assert.deepEqual(await read(r.h.session, native('shared/db')), { found: false }, 'another field is another entry');
    const outcome = await presence(r.h.session, [{ name: 'DB', address: db }, { name: 'V', address: native('shared/db', { vault: 'prod' }) }]);
    assert.deepEqual(statuses(outcome), { DB: true, V: 'unsupported' });
    const refused = outcome.get('V');
    assert.ok(refused && !refused.ok);
    assert.match(refused.error.message, /does not support the `vault` coordinate\. Drop `vault` from the ref for `shared\/db`/);
    assert.ok(!r.trace().some((l) => l.includes('prod')), 'the unsupported address never reached the endpoint');
  } finally {
    await r.h.session.close();
  }
  const wide = real({ IPC_ENDPOINT_COORDINATES: 'field,vault' });
  try {
    assert.deepEqual(statuses(await presence(wide.h.session, [{ name: 'V', address: native('shared/db', { vault: 'prod' }) }])), { V: false });
  } finally {
    await wide.h.session.close();
  }
});

test('set, read, describe the write target, refuse a read-only entry, delete and reflect, never logging a value', { skip }, async () => {
  const r = real();
  try {
    const a = convention('API_KEY');
    assert.equal(await describeWriteTarget(r.h.session, a), 'test endpoint entry app/default/API_KEY');
    await write(r.h.session, a, 'sk-live-123456');
    await write(r.h.session, convention('OTHER', 'app', 'staging'), 'other-value');
    assert.deepEqual(await read(r.h.session, a), { found: true, value: 'sk-live-123456', expiresAtUnixMs: null });
    const readonly = convention('READONLY_TOKEN');
    assert.equal((await failure(checkWritable(r.h.session, readonly))).kind, 'permission_denied');
    assert.equal((await failure(write(r.h.session, readonly, 'never-stored'))).kind, 'permission_denied');
    assert.equal(calls(r.trace(), 'provider.set').filter((l) => l.includes('READONLY')).length, 0, 'the preflight stopped the write');
    assert.deepEqual(await reflect(r.h.session, 'app', 'default'), {
      API_KEY: { description: 'API_KEY from the test endpoint', required: true, ref: { item: 'app/default/API_KEY' } },
    });
    assert.equal(await remove(r.h.session, a), true);
    assert.equal(await remove(r.h.session, a), false, 'deleting what is absent is a successful false');
    assert.deepEqual(await read(r.h.session, a), { found: false });
    const text = r.h.logs.join('\n') + r.trace().join('\n');
    for (const value of ['sk-live-123456', 'other-value', 'never-stored']) assert.ok(!text.includes(value), value);
  } finally {
    await r.h.session.close();
  }
  const noDescribe = real({ IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.get,provider.set' });
  try {
    assert.equal(await describeWriteTarget(noDescribe.h.session, native('db', { field: 'pw' })), 'item=db field=pw', "SecretSpec's rendering of the resolved coordinates");
    assert.equal((await failure(remove(noDescribe.h.session, convention('A')))).kind, 'capability_required');
    assert.equal((await failure(reflect(noDescribe.h.session, 'app', 'default'))).kind, 'capability_required');
  } finally {
    await noDescribe.h.session.close();
  }
});

test('the session context, the R3 environment and the launch argument reach the endpoint as SecretSpec sends them', { skip }, async () => {
  const r = real({ UNRELATED_PROVIDER_TOKEN: 'must-not-leak' });
  try {
    await r.h.session.ready();
    const lines = r.trace();
    assert.ok(lines.includes('initialize project=app profile=default base_dir=/work/app reason=test'), lines.join('\n'));
    const names = lines.find((l) => l.startsWith('env '))!.slice(4).split(',');
    assert.ok(!names.includes('UNRELATED_PROVIDER_TOKEN'));
    const allowed = (n: string) => n.startsWith('IPC_') || BASE_ENDPOINT_ENVIRONMENT.some((p) => (p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p));
    assert.deepEqual(names.filter((n) => !allowed(n)), []);
  } finally {
    await r.h.session.close();
  }
  const noArgument = real({}, { args: [] });
  const error = await failure(noArgument.h.session.ready());
  assert.equal(error.kind, 'plugin_crashed', 'started without `provider` the endpoint exits (R3 launch contract)');
  await noArgument.h.session.close();
});

test('client.credential: answered by the injected source with the value SecretSpec would send, never logged; missing fails the session as auth_failed', { skip }, async () => {
  const asked: CredentialRequest[] = [];
  const r = real(
    { IPC_ENDPOINT_CREDENTIAL: 'api_token', IPC_ENDPOINT_CREDENTIAL_EXPECT: 'tok-9f8e7d6c' },
    {
      credentials: async (request) => {
        asked.push(request);
        return { status: 'found', value: 'tok-9f8e7d6c' };
      },
    },
  );
  try {
    await write(r.h.session, convention('A'), 'x-value');
    assert.deepEqual(asked, [{ scheme: 'acme', name: 'api_token', scope: 'acme://main', required: true }]);
    assert.ok(r.trace().includes('credential name=api_token status=found value=ok'));
    assert.ok(!r.h.logs.join('\n').includes('tok-9f8e7d6c'));
    assert.equal(r.h.redactor.scrub('echo tok-9f8e7d6c'), 'echo ‹redacted›', 'remembered for scrubbing stderr');
  } finally {
    await r.h.session.close();
  }
  for (const credentials of [async () => ({ status: 'missing' as const }), undefined]) {
    const m = real({ IPC_ENDPOINT_CREDENTIAL: 'api_token' }, credentials ? { credentials } : {});
    const error = await failure(m.h.session.ready());
    assert.equal(error.kind, 'auth_failed');
    assert.ok(error instanceof EndpointError && error.wireKind === 'interaction_required');
    assert.ok(m.trace().includes('credential name=api_token status=missing value=none'), 'without the callback offered the endpoint sees an empty broker');
    await m.h.session.close();
  }
  const throwing = real({ IPC_ENDPOINT_CREDENTIAL: 'api_token' }, { credentials: async () => Promise.reject(new Error('editor said tok-leak')) });
  const thrown = await failure(throwing.h.session.ready());
  assert.ok(thrown instanceof EndpointError && thrown.wireKind === 'operation_failed' && thrown.kind === 'internal', 'the endpoint passes on the failed callback');
  assert.ok(throwing.trace().includes('credential name=api_token status=error value=none'), 'a failing source is operation_failed to the endpoint');
  assert.ok(!throwing.h.logs.join('\n').includes('tok-leak'));
  await throwing.h.session.close();
});

test('a credential flood: 64 distinct requests per session are answered, the rest refused; the session stays up', { skip }, async () => {
  let answered = 0;
  const r = real(
    { IPC_ENDPOINT_CREDENTIAL_FLOOD: '100' },
    {
      credentials: async () => {
        answered++;
        return { status: 'missing' };
      },
    },
  );
  try {
    const pid = await pidOf(r.h.session);
    assert.ok(r.trace().includes('flood answered=64 refused=36'), r.trace().join('\n'));
    assert.equal(answered, 64);
    assert.ok(r.h.logs.some((l) => /more than 64 distinct credentials/.test(l)));
    assert.deepEqual(statuses(await presence(r.h.session, [{ name: 'A', address: convention('A') }])), { A: false });
    await closeAndCheck(r.h.session, [pid]);
  } finally {
    await r.h.session.close();
  }
});

const conformance = (name: string) =>
  JSON.parse(readFileSync(path.join(SHARED, 'upstream-ipc', 'cases', name), 'utf8')) as { actions: Array<Record<string, string | number | boolean>>; required_events: string[] };
const casesSkip = skip || sharedSkipReason('upstream-ipc/cases');

test('provider.errors: structured kinds are preserved and mapped, and nothing is retried automatically', { skip: casesSkip }, async () => {
  const expected: Record<string, string> = { interaction_required: 'auth_failed', permission_denied: 'permission_denied', conflict: 'read_only', unavailable: 'unavailable' };
  const r = real();
  try {
    const pid = await pidOf(r.h.session);
    const events: string[] = ['initialized'];
    for (const action of conformance('provider-errors.json').actions) {
      if (action.kind === 'call') {
        const behavior = String(action.behavior);
        const address = convention(`FAULT_${behavior.toUpperCase()}`);
        const error = await failure(action.method === 'provider.set' ? write(r.h.session, address, 'v') : read(r.h.session, address));
        assert.ok(error instanceof EndpointError);
        assert.equal(error.wireKind, behavior);
        assert.equal(error.kind, expected[behavior]);
        assert.ok((ERROR_KINDS as readonly string[]).includes(error.kind));
        events.push(behavior);
      } else if (action.kind === 'explicit_retry') {
        assert.equal(action.automatic, false);
        for (const behavior of Object.keys(expected)) {
          const method = behavior === 'conflict' ? 'provider.check_writable' : 'provider.get';
          assert.equal(calls(r.trace(), method).filter((l) => l.endsWith(`FAULT_${behavior.toUpperCase()}`)).length, 1, `${behavior} asked once`);
        }
        events.push('not_replayed');
      } else if (action.kind === 'shutdown') {
        assert.equal(await pidOf(r.h.session), pid, 'errors about the store leave the session up');
        await closeAndCheck(r.h.session, [pid]);
        events.push('closed');
      }
    }
    assert.deepEqual(events.sort(), [...conformance('provider-errors.json').required_events].sort());
  } finally {
    await r.h.session.close();
  }
});

test('provider.operations: every method the host uses, on a `memory` scheme', { skip: casesSkip }, async () => {
  const r = real({}, { scheme: 'memory', uri: 'memory://default' });
  const events = new Set<string>();
  const a = convention('TOKEN');
  try {
    for (const action of conformance('provider-operations.json').actions) {
      switch (action.kind === 'call' ? action.method : action.kind) {
        case 'initialize':
          await r.h.session.ready();
          events.add('initialized');
          break;
        case 'provider.resolve_address':
          assert.deepEqual(await resolveAddress(r.h.session, a), { item: 'app/default/TOKEN' });
          events.add('resolved_address');
          break;
        case 'provider.set':
          await write(r.h.session, a, 'memory-value');
          events.add('mutated');
          break;
        case 'provider.get':
        case 'provider.exists':
          await write(r.h.session, a, 'memory-value');
          assert.deepEqual(await read(r.h.session, a), { found: true, value: 'memory-value', expiresAtUnixMs: null });
          assert.deepEqual(statuses(await presence(r.h.session, [{ name: 'TOKEN', address: a }])), { TOKEN: true });
          events.add('read');
          break;
        case 'provider.get_many': {
          const batch = real({ IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.get,provider.get_many' }, { scheme: 'memory', uri: 'memory://default' });
          assert.deepEqual(statuses(await presence(batch.h.session, [{ name: 'TOKEN', address: a }])), { TOKEN: false });
          await batch.h.session.close();
          events.add('batched');
          break;
        }
        case 'provider.delete':
          assert.equal(await remove(r.h.session, a), true);
          events.add('mutated');
          break;
        case 'provider.check_writable':
        case 'provider.check_deletable':
          await checkWritable(r.h.session, a);
          events.add('preflighted');
          break;
        case 'provider.describe_write_target':
          assert.equal(await describeWriteTarget(r.h.session, a), 'test endpoint entry app/default/TOKEN');
          events.add('preflighted');
          break;
        case 'provider.reflect':
          assert.deepEqual(await reflect(r.h.session, 'app', 'default'), {});
          events.add('reflected');
          break;
        case 'shutdown':
          await r.h.session.close();
          assert.ok(r.trace().includes('shutdown'));
          events.add('closed');
          break;
        // set_expiring and clear: the host never sends them (SecretSpec's Store has no expiring write, and clear is not reachable from its Provider trait).
      }
    }
    const required = conformance('provider-operations.json').required_events.filter((e) => e !== 'expired' && e !== 'cleared');
    assert.deepEqual([...events].sort(), required.sort());
  } finally {
    await r.h.session.close();
  }
});

test('provider.reconnect: a crash during provider.get fails that request, and the next one relaunches without replaying it', { skip: casesSkip }, async () => {
  const r = real();
  try {
    const first = await pidOf(r.h.session);
    const error = await failure(read(r.h.session, convention('FAULT_CRASH')));
    assert.equal(error.kind, 'plugin_crashed');
    assert.match(error.message, /exited with code 70 while answering provider\.get/);
    assert.ok(await gone(first));
    assert.deepEqual(await read(r.h.session, convention('A')), { found: false });
    const second = await pidOf(r.h.session);
    assert.notEqual(second, first);
    assert.equal(calls(r.trace(), 'provider.get').filter((l) => l.endsWith('FAULT_CRASH')).length, 1, 'not replayed');
    assert.equal(r.trace().filter((l) => l.startsWith('initialize ')).length, 2);
    await closeAndCheck(r.h.session, [first, second]);
  } finally {
    await r.h.session.close();
  }
});

test('a crash in the middle of a batch fails every name of it, once; the next check starts a fresh endpoint', { skip }, async () => {
  const r = real({ IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.get,provider.get_many,provider.set' });
  try {
    const first = await pidOf(r.h.session);
    const names = ['A', 'FAULT_CRASH', 'B'];
    const outcome = statuses(await presence(r.h.session, names.map((name) => ({ name, address: convention(name) }))));
    assert.deepEqual(outcome, { A: 'plugin_crashed', FAULT_CRASH: 'plugin_crashed', B: 'plugin_crashed' });
    assert.equal(calls(r.trace(), 'provider.get_many').length, 1);
    assert.deepEqual(statuses(await presence(r.h.session, [{ name: 'A', address: convention('A') }])), { A: false });
    await closeAndCheck(r.h.session, [first, await pidOf(r.h.session)]);
  } finally {
    await r.h.session.close();
  }
});

test('metadata that changes across a reconnect is a clear failure, and the relaunched endpoint is stopped', { skip }, async () => {
  const dir = tempDir();
  const r = real({ IPC_ENDPOINT_METADATA_DRIFT: path.join(dir, 'generation') });
  try {
    const first = await pidOf(r.h.session);
    await failure(read(r.h.session, convention('FAULT_CRASH')));
    const error = await failure(read(r.h.session, convention('A')));
    assert.equal(error.kind, 'invalid_response');
    assert.match(error.message, /provider metadata changed after reconnect \(storageIdentity, entryContainerIdentity\)/);
    assert.equal(calls(r.trace(), 'provider.get').filter((l) => l.endsWith('/A')).length, 0, 'nothing is asked of the changed endpoint');
    assert.equal(r.trace().filter((l) => l === 'shutdown').length, 1, 'it was shut down');
    assert.ok(await gone(first));
    assert.equal((await failure(read(r.h.session, convention('A')))).kind, 'invalid_response', 'every later launch is compared again');
  } finally {
    await r.h.session.close();
  }
});

test('provider.session-isolation: one process per URI and context; a changed reason starts a new one', { skip: casesSkip }, async () => {
  const events: string[] = [];
  const key = convention('shared-address');
  const a = real({}, { scheme: 'memory', uri: 'memory://session-a', context: { project: 'app', profile: 'default', baseDir: null, reason: 'session-a' } });
  await write(a.h.session, key, 'written-in-a');
  events.push('session_a_initialized');
  await a.h.session.close();
  events.push('session_a_closed');
  const b = real({}, { scheme: 'memory', uri: 'memory://session-b', context: { project: 'app', profile: 'default', baseDir: null, reason: 'session-b' } });
  try {
    const pidB = await pidOf(b.h.session);
    events.push('session_b_initialized');
    assert.deepEqual(await read(b.h.session, key), { found: false });
    events.push('uri_isolated');
    const b2 = real({}, { scheme: 'memory', uri: 'memory://session-b', context: { project: 'app', profile: 'default', baseDir: null, reason: 'session-b-reason-2' } });
    assert.deepEqual(await read(b2.h.session, key), { found: false });
    assert.notEqual(await pidOf(b2.h.session), pidB);
    assert.ok(b2.trace()[0]!.endsWith('reason=session-b-reason-2'));
    events.push('reason_isolated');
    await b2.h.session.close();
  } finally {
    await b.h.session.close();
  }
  events.push('closed');
  assert.deepEqual(events.sort(), [...conformance('provider-session-isolation.json').required_events].sort());
});

test('provider.lifecycle: a pending request is cancelled, a 50 ms deadline expires, each gets one terminal answer; then shutdown', { skip: casesSkip }, async () => {
  const r = real({}, { requestMs: 5_000 });
  try {
    const pid = await pidOf(r.h.session);
    const events = new Set(['initialized']);
    const controller = new AbortController();
    const pending = failure(read(r.h.session, convention('FAULT_HANG')));
    // The connection's own signal path: cancel the request as a caller would.
    const connection = await r.h.session.ready();
    const cancelled = connection.call('provider.get', { address: { kind: 'convention', project: 'app', profile: 'default', key: 'FAULT_HANG' } }, 5_000, controller.signal);
    setTimeout(() => controller.abort(), 50);
    const cancelError = await failure(cancelled);
    assert.ok(cancelError instanceof EndpointError && cancelError.wireKind === 'cancelled');
    events.add('cancelled');
    const short = real({}, { requestMs: 50 });
    const started = Date.now();
    const deadlineError = await failure(read(short.h.session, convention('FAULT_HANG')));
    assert.ok(deadlineError instanceof EndpointError && deadlineError.wireKind === 'deadline_exceeded' && deadlineError.kind === 'timeout');
    assert.ok(Date.now() - started < 2_000);
    events.add('deadline_exceeded');
    // The endpoint ended both with exactly one terminal answer: the session is still usable, the slots are free.
    assert.deepEqual(await read(short.h.session, convention('A')), { found: false });
    await short.h.session.close();
    events.add('terminal');
    await r.h.session.close();
    assert.equal((await pending).kind, 'internal', 'closing ends what is still waiting');
    assert.ok(await gone(pid));
    events.add('closed');
    assert.deepEqual([...events].sort(), [...conformance('provider-lifecycle.json').required_events].sort());
  } finally {
    await r.h.session.close();
  }
});

test('values for import and run: get_many when offered, else get per name; each value is remembered for scrubbing', { skip }, async () => {
  for (const methods of ['', 'provider.resolve_address,provider.get,provider.set']) {
    const r = real(methods ? { IPC_ENDPOINT_METHODS: methods } : {});
    try {
      await write(r.h.session, convention('A'), 'import-value-a');
      const values = await readMany(r.h.session, [
        { name: 'A', address: convention('A') },
        { name: 'B', address: convention('B') },
        { name: 'V', address: native('x', { vault: 'v' }) },
      ]);
      assert.deepEqual(values.get('A'), { ok: true, value: { found: true, value: 'import-value-a', expiresAtUnixMs: null } });
      assert.deepEqual(values.get('B'), { ok: true, value: { found: false } });
      assert.equal(values.get('V')?.ok, false);
      assert.equal(calls(r.trace(), 'provider.get_many').length, methods ? 0 : 1);
      assert.equal(r.h.redactor.scrub('import-value-a'), '‹redacted›');
    } finally {
      await r.h.session.close();
    }
  }
  const writeOnly = real({ IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.exists,provider.set' });
  try {
    const values = await readMany(writeOnly.h.session, [{ name: 'A', address: convention('A') }]);
    const a = values.get('A');
    assert.ok(a && !a.ok && a.error.kind === 'capability_required', 'never a false miss');
  } finally {
    await writeOnly.h.session.close();
  }
});
