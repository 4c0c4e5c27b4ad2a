// An adversarial audit of the plugin host against provider-protocol.md §1–10:
// a misbehaving plugin (test/fixtures/plugins-audit) breaks one rule per
// session, and the host must answer with the right error kind, never leak a
// value, never attribute an answer to the wrong request, and leave no
// process behind.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { MAX_LINE_BYTES } from '../../server/src/plugins/codec';
import { PluginHost, type PluginHostOptions } from '../../server/src/plugins/host';
import { ProviderError } from '../../server/src/providers/store';
import { ADDRESS, fixture, isAlive, providerFailure, sessionOptions, tempDir } from './harness';

const AUDIT = path.join(__dirname, '..', 'fixtures', 'plugins-audit', 'secretspec-provider-audit');
const CANARY = 'audit-canary-91c7e2-never-shown';

interface Audit {
  host: PluginHost;
  logs: string[];
  dir: string;
  configFile: string;
  pids(): number[];
  ops(): Array<{ op: string; key?: string; keys?: string[]; inFlight: number }>;
}

function audit(options: { store?: Record<string, string>; setting?: Record<string, unknown>; host?: Partial<PluginHostOptions> } = {}): Audit {
  const dir = tempDir();
  const pidFile = path.join(dir, 'pids');
  const opsFile = path.join(dir, 'ops');
  const storeFile = path.join(dir, 'store.json');
  writeFileSync(storeFile, JSON.stringify(Object.fromEntries(Object.entries(options.store ?? {}).map(([k, v]) => [`${ADDRESS.project}/${ADDRESS.profile}/${k}`, v]))));
  const logs: string[] = [];
  const env = { AUDIT_PID_FILE: pidFile, AUDIT_OPS_FILE: opsFile, AUDIT_STORE: storeFile, FIXTURE_PID_FILE: pidFile };
  const host = new PluginHost({
    trusted: true,
    settings: { audit: { path: AUDIT, env, ...options.setting }, memory: { path: fixture('memory'), env } },
    workspaceFolders: [dir],
    timeouts: { helloMs: 3000, requestMs: 3000, batchGetMs: 3000, shutdownGraceMs: 300, killGraceMs: 300 },
    retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 50 },
    breaker: { threshold: 1000 },
    log: (line) => logs.push(line),
    // As with the server trace on: the audit reads what plugins wrote to stderr in the log.
    showPluginStderr: () => true,
    ...options.host,
  });
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  return {
    host,
    logs,
    dir,
    configFile: path.join(dir, 'secretspec.toml'),
    pids: () => lines(pidFile).map(Number),
    ops: () => lines(opsFile).map((l) => JSON.parse(l) as { op: string; key?: string; keys?: string[]; inFlight: number }),
  };
}

async function fails(promise: Promise<unknown>, kind: string, ...mentions: string[]): Promise<ProviderError> {
  const error = await providerFailure(promise);
  assert.equal(error.kind, kind, error.message);
  for (const m of mentions) assert.ok(error.message.includes(m), `"${error.message}" should mention "${m}"`);
  return error;
}

/** Waits until the process is gone; a bound far above the host's kill grace turns a leak into a failure instead of a hang. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && isAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return !isAlive(pid);
}

async function disposeAndCheck(a: Audit): Promise<void> {
  await a.host.dispose();
  const alive = [];
  for (const pid of a.pids()) if (!(await gone(pid))) alive.push(pid);
  assert.deepEqual(alive, [], 'no plugin process (or grandchild) outlives the host');
  assert.deepEqual(a.host.livePids(), []);
}

test('stdout noise before hello and malformed hello answers fail the session with invalid_response', async () => {
  const a = audit();
  try {
    for (const query of ['pre=blank', 'pre=garbage', 'hello=version0', 'hello=version-string', 'hello=no-caps', 'hello=caps-object', 'hello=caps-numbers']) {
      await fails(a.host.open(`audit://v?${query}`, sessionOptions(null)), 'invalid_response', 'secretspec-provider-audit', 'hello');
    }
    await fails(a.host.open('audit://v?hello=error-unknown-kind', sessionOptions(null)), 'internal', 'hello refused');
    await fails(a.host.open('audit://v?hello=no-newline-exit', sessionOptions(null)), 'plugin_crashed', 'while answering hello');
    const extra = await a.host.open('audit://v?hello=extra-caps&caps=get,set', sessionOptions(null));
    assert.deepEqual([...extra.capabilities], ['get', 'set'], 'unknown capabilities are ignored, not refused');
    assert.ok(a.ops().every((o) => o.op === 'hello' || o.op === 'bye'), 'nothing but hello (and bye) reached a plugin whose hello failed');
  } finally {
    await disposeAndCheck(a);
  }
});

test('a plugin that exits right after hello fails the next request with plugin_crashed, then restarts', async () => {
  const a = audit();
  try {
    const s = await a.host.open('audit://v?hello=exit-after', sessionOptions(null));
    await fails(s.get(ADDRESS, 'A'), 'plugin_crashed', 'exited with code 0');
    assert.equal(a.ops().filter((o) => o.op === 'get').length, 0, 'the request was not lost into a dead process and then counted as answered');
  } finally {
    await disposeAndCheck(a);
  }
});

test('answer lines: exactly 1 MiB is accepted, one byte more ends the session', async () => {
  const a = audit();
  try {
    const under = await a.host.open(`audit://v?fault=size&bytes=${MAX_LINE_BYTES}`, sessionOptions(null));
    assert.equal((await under.get(ADDRESS, 'A'))?.length, MAX_LINE_BYTES - '{"ok":true,"value":""}'.length);
    const over = await a.host.open(`audit://v?fault=size&bytes=${MAX_LINE_BYTES + 1}`, sessionOptions(null));
    await fails(over.get(ADDRESS, 'A'), 'invalid_response', 'longer than 1 MiB');
  } finally {
    await disposeAndCheck(a);
  }
});

test('invalid UTF-8, a blank answer line and a final line without newline are faults, never answers', async () => {
  const a = audit({ store: { A: 'stored-a' } });
  try {
    await fails((await a.host.open('audit://v?fault=bad-utf8', sessionOptions(null))).get(ADDRESS, 'A'), 'invalid_response', 'UTF-8');
    await fails((await a.host.open('audit://v?fault=blank-answer', sessionOptions(null))).get(ADDRESS, 'A'), 'invalid_response', 'not JSON');
    const partial = await a.host.open('audit://v?fault=partial-exit', sessionOptions(null));
    await fails(partial.get(ADDRESS, 'A'), 'plugin_crashed', 'while answering get');
    assert.equal(await partial.exists(ADDRESS, 'A'), true, 'the next request runs on a fresh session');
  } finally {
    await disposeAndCheck(a);
  }
});

test('an unsolicited line between requests fails the next request without sending it; its content is never returned', async () => {
  const a = audit({ store: { A: 'stored-a' } });
  try {
    const s = await a.host.open('audit://v?fault=unsolicited-idle', sessionOptions(null));
    assert.equal(await s.get(ADDRESS, 'A'), 'stored-a');
    const deadline = Date.now() + 10_000;
    while (!a.ops().some((o) => o.op === 'unsolicited-written')) {
      assert.ok(Date.now() < deadline, 'the plugin never wrote its unsolicited line');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    await fails(s.set(ADDRESS, 'B', 'b'), 'invalid_response', 'answers no request');
    assert.equal(a.ops().filter((o) => o.op === 'set').length, 0, 'the set was never sent to the faulty process');
    assert.equal(await s.exists(ADDRESS, 'A'), true);
  } finally {
    await disposeAndCheck(a);
  }
});

test('an answer that comes after the timeout is never attributed to the next request; a stubborn plugin is SIGKILLed', async () => {
  const a = audit({ store: { A: 'stored-a' }, host: { timeouts: { helloMs: 3000, requestMs: 300, batchGetMs: 300, shutdownGraceMs: 200, killGraceMs: 200 } } });
  try {
    const s = await a.host.open('audit://v?fault=late&late=400&stubborn=1', sessionOptions(null));
    const first = a.pids()[0] as number;
    await fails(s.get(ADDRESS, 'A'), 'timeout', 'did not answer get');
    assert.equal(await s.exists(ADDRESS, 'A'), true, 'a fresh session answered exists; a late get answer would have been invalid here');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await s.exists(ADDRESS, 'NOPE'), false);
    assert.ok(await gone(first), 'the timed-out plugin ignored SIGTERM and was killed');
  } finally {
    await disposeAndCheck(a);
  }
});

test('error answers: unknown kinds become internal; messages echoing a value are redacted in errors and logs', async () => {
  const a = audit();
  const errors: string[] = [];
  try {
    const unknown = await a.host.open('audit://v?fault=error&kind=cosmic_ray&message=bit+flipped', sessionOptions(null));
    errors.push((await fails(unknown.get(ADDRESS, 'A'), 'internal', 'bit flipped')).message);
    const hostOnly = await a.host.open('audit://v?fault=error&kind=circuit_open', sessionOptions(null));
    errors.push((await fails(hostOnly.get(ADDRESS, 'A'), 'internal')).message);

    const writer = await a.host.open('audit://v', sessionOptions(null));
    await writer.set(ADDRESS, 'TOKEN', CANARY);
    const echoSet = await a.host.open('audit://v?fault=error&on=set&echo=value', sessionOptions(null));
    errors.push((await fails(echoSet.set(ADDRESS, 'TOKEN', `${CANARY}-2`), 'internal', 'refused to store')).message);
    const echoStored = await a.host.open('audit://v?fault=error&kind=permission_denied&echo=stored', sessionOptions(null));
    errors.push((await fails(echoStored.get(ADDRESS, 'TOKEN'), 'permission_denied', 'the value of TOKEN is')).message);
  } finally {
    await disposeAndCheck(a);
  }
  for (const text of [...errors, ...a.logs]) assert.ok(!text.includes(CANARY), `leaked: ${text}`);
});

test('a value the plugin prints to stderr just before returning it never reaches the log', async () => {
  const multiLine = `-----BEGIN KEY-----\n${CANARY}-line-one\n${CANARY}-line-two\n-----END KEY-----`;
  const a = audit({ store: { TOKEN: CANARY, PEM: multiLine } });
  try {
    const s = await a.host.open('audit://v?fault=stderr-value', sessionOptions(null));
    assert.equal(await s.get(ADDRESS, 'TOKEN'), CANARY);
    assert.equal(await s.get(ADDRESS, 'PEM'), multiLine);
    const batch = await a.host.open('audit://v?fault=stderr-value&on=none', sessionOptions(null));
    assert.deepEqual(await batch.getMany(ADDRESS, ['TOKEN']), { TOKEN: { ok: true, value: CANARY } });
  } finally {
    await disposeAndCheck(a);
  }
  assert.ok(
    a.logs.some((l) => l.includes('about to return') && l.includes('for TOKEN')),
    'the stderr line itself is logged',
  );
  for (const line of a.logs) assert.ok(!line.includes(CANARY), `leaked: ${line}`);
});

test('a value read only to learn presence and printed to stderr meanwhile never reaches the log, then or later', async () => {
  const a = audit({ store: { TOKEN: CANARY } });
  try {
    const viaGet = await a.host.open('audit://v?fault=stderr-value&caps=get', sessionOptions(null));
    assert.deepEqual(await viaGet.presence(ADDRESS, ['TOKEN']), { TOKEN: { ok: true, value: true } });
    const viaBatch = await a.host.open('audit://v?fault=stderr-value&on=batch_get&caps=get,batch_get', sessionOptions(null));
    assert.deepEqual(await viaBatch.presence(ADDRESS, ['TOKEN']), { TOKEN: { ok: true, value: true } });
    assert.deepEqual(
      a.ops().filter((o) => o.op !== 'hello').map((o) => o.op),
      ['get', 'batch_get'],
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  } finally {
    await disposeAndCheck(a);
  }
  assert.equal(a.logs.filter((l) => l.includes('about to return')).length, 2, 'both stderr lines are logged');
  for (const line of a.logs) assert.ok(!line.includes(CANARY), `leaked: ${line}`);
  // Late stderr (from a grandchild, or the next request) must not show it either: it stays masked for the host's life.
  await new Promise((resolve) => setTimeout(resolve, 2100));
  assert.ok(!a.host.redact(`later: ${CANARY}`).includes(CANARY), 'a presence-only value stays masked for the rest of the session');
});

test('a crash message quoting the last stderr line never shows a fragment of a value', async () => {
  const value = `${CANARY}-${'z'.repeat(40)}`;
  const a = audit({ store: { TOKEN: value } });
  const errors: string[] = [];
  try {
    const reader = await a.host.open('audit://v', sessionOptions(null));
    assert.equal(await reader.get(ADDRESS, 'TOKEN'), value);
    for (const pad of [0, 280, 1990]) {
      const s = await a.host.open(`audit://v?fault=crash-stderr&pad=${pad}`, sessionOptions(null));
      errors.push((await fails(s.get(ADDRESS, 'TOKEN'), 'plugin_crashed')).message);
    }
  } finally {
    await disposeAndCheck(a);
  }
  for (const text of [...errors, ...a.logs]) assert.ok(!text.includes(CANARY.slice(0, 12)), `a fragment leaked: ${text}`);
});

test('a stderr flood is read to the end but kept and logged only up to a bound', async () => {
  const a = audit();
  try {
    const s = await a.host.open('audit://v?fault=flood&blocks=64', sessionOptions(null));
    assert.equal(await s.get(ADDRESS, 'A'), null, 'the plugin was not blocked on a full stderr pipe');
  } finally {
    await disposeAndCheck(a);
  }
  const logged = a.logs.filter((l) => l.includes('stderr')).reduce((n, l) => n + l.length, 0);
  assert.ok(logged < 80 * 1024, `logged ${logged} characters of stderr`);
  assert.ok(a.logs.some((l) => l.includes('more output suppressed')));
});

// Before the host stopped waiting for pipes held by a grandchild, this hung; the timeout turns that into a failure.
test('a plugin whose grandchild holds stdout open: its exit is still a crash, and nothing lingers', { timeout: 15_000 }, async () => {
  const a = audit();
  try {
    const s = await a.host.open('audit://v?fault=grandchild', sessionOptions(null));
    await fails(s.get(ADDRESS, 'A'), 'plugin_crashed', 'exited with code 4');
    assert.equal(await s.exists(ADDRESS, 'A'), false, 'the next request runs on a fresh session');
    const idle = await a.host.open('audit://v?fault=grandchild&exit=0&on=exists', sessionOptions(null));
    await fails(idle.exists(ADDRESS, 'A'), 'plugin_crashed');
    const stderrOnly = await a.host.open('audit://v?fault=grandchild&hold=stderr', sessionOptions(null));
    await fails(stderrOnly.get(ADDRESS, 'A'), 'plugin_crashed', 'exited with code 4');
  } finally {
    await disposeAndCheck(a);
  }
});

test('rate_limited with a huge retry_after_ms waits at most the backoff cap', async () => {
  const a = audit();
  try {
    const s = await a.host.open('memory://v?fault=rate_limited&times=2&retry_after_ms=86400000', sessionOptions(null));
    assert.equal(await s.get(ADDRESS, 'A'), null);
    const waits = a.logs.filter((l) => l.includes('retrying in')).map((l) => Number(/retrying in (\d+) ms/.exec(l)?.[1]));
    assert.deepEqual(waits, [50, 50]);
  } finally {
    await disposeAndCheck(a);
  }
});

test('a plugin path that is not executable, a directory, or a script without shebang gets a clear error', async () => {
  const dir = tempDir();
  const plain = path.join(dir, 'plain');
  writeFileSync(plain, '#!/bin/sh\necho hi\n');
  chmodSync(plain, 0o644);
  const folder = path.join(dir, 'folder');
  mkdirSync(folder);
  const noShebang = path.join(dir, 'no-shebang');
  writeFileSync(noShebang, 'console.log("hello")\n');
  chmodSync(noShebang, 0o755);
  const badInterpreter = path.join(dir, 'bad-interpreter');
  writeFileSync(badInterpreter, '#!/nonexistent/interpreter\n');
  chmodSync(badInterpreter, 0o755);
  const host = new PluginHost({
    trusted: true,
    settings: { plain: { path: plain }, folder: { path: folder }, noshebang: { path: noShebang }, badinterp: { path: badInterpreter } },
    log: () => undefined,
    breaker: { threshold: 1000 },
  });
  try {
    await fails(host.open('plain://x', sessionOptions(null)), 'plugin_not_installed', 'not an executable file');
    await fails(host.open('folder://x', sessionOptions(null)), 'plugin_not_installed', 'not an executable file');
    await fails(host.open('noshebang://x', sessionOptions(null)), 'plugin_crashed', 'could not be started', '#! line');
    await fails(host.open('badinterp://x', sessionOptions(null)), 'plugin_crashed', 'could not be started', 'interpreter');
  } finally {
    await host.dispose();
  }
  assert.deepEqual(host.livePids(), []);
});

test('only advertised operations are sent: get-only presence uses get, a write-only sink gets no reads', async () => {
  const a = audit({ store: { A: CANARY } });
  try {
    const getOnly = await a.host.open('audit://v?caps=get', sessionOptions(null));
    assert.deepEqual(await getOnly.presence(ADDRESS, ['A', 'B']), { A: { ok: true, value: true }, B: { ok: true, value: false } });
    await fails(getOnly.exists(ADDRESS, 'A'), 'capability_required');
    const sink = await a.host.open('audit://v?caps=set,delete', sessionOptions(null));
    await fails(sink.get(ADDRESS, 'A'), 'capability_required', 'write-only');
    const presence = await sink.presence(ADDRESS, ['A']);
    assert.equal(presence.A?.ok === false && presence.A.error.kind, 'capability_required', 'never turned into a miss');
    const sent = a.ops().map((o) => o.op);
    assert.ok(!sent.includes('exists') && !sent.includes('batch_get'), `sent: ${sent.join(',')}`);
    assert.equal(sent.filter((op) => op === 'get').length, 2);
  } finally {
    await disposeAndCheck(a);
  }
  for (const line of a.logs) assert.ok(!line.includes(CANARY), `leaked: ${line}`);
});

test('batch_get: unasked extra keys are ignored; a non-string value for an asked key fails every key', async () => {
  const a = audit({ store: { A: 'va' } });
  try {
    const extra = await a.host.open('audit://v?fault=batch-extra&on=batch_get', sessionOptions(null));
    assert.deepEqual(await extra.getMany(ADDRESS, ['A', 'B']), { A: { ok: true, value: 'va' }, B: { ok: true, value: null } });
    const number = await a.host.open('audit://v?fault=batch-number&on=batch_get', sessionOptions(null));
    const result = await number.getMany(ADDRESS, ['A', 'B']);
    for (const key of ['A', 'B']) assert.equal(result[key]?.ok === false && result[key].error.kind, 'invalid_response');
  } finally {
    await disposeAndCheck(a);
  }
});

test('concurrent callers on one session are serialized: no pipelining, each gets its own answer', async () => {
  const a = audit({ store: { A: 'va', B: 'vb', C: 'vc' } });
  try {
    const s = await a.host.open('audit://v?delay=40', sessionOptions(null));
    const [one, two, three, four] = await Promise.all([
      s.presence(ADDRESS, ['A', 'Z']),
      s.get(ADDRESS, 'B'),
      s.getMany(ADDRESS, ['C', 'A']),
      a.host.open('audit://v?delay=40', sessionOptions(null)).then((same) => same.get(ADDRESS, 'C')),
    ]);
    assert.deepEqual(one, { A: { ok: true, value: true }, Z: { ok: true, value: false } });
    assert.equal(two, 'vb');
    assert.deepEqual(three, { C: { ok: true, value: 'vc' }, A: { ok: true, value: 'va' } });
    assert.equal(four, 'vc');
    assert.ok(a.ops().every((o) => o.inFlight === 0), 'no request was written while another was in flight');
    assert.equal(new Set(a.pids()).size, 1, 'one process served every caller');
  } finally {
    await disposeAndCheck(a);
  }
});

test('discovery: relative and in-workspace PATH entries are skipped, disabled plugins are not started', async () => {
  const workspace = tempDir();
  const inside = path.join(workspace, 'bin');
  const outside = path.join(tempDir(), 'bin');
  for (const dir of [inside, outside]) {
    mkdirSync(dir);
    symlinkSync(AUDIT, path.join(dir, 'secretspec-provider-audit'));
  }
  const relative = path.relative(process.cwd(), inside);
  const make = (pathEnv: string, settings: Record<string, unknown> = {}) =>
    new PluginHost({ trusted: true, pathEnv, workspaceFolders: [`file://${workspace}`], settings, env: { PATH: pathEnv }, log: () => undefined });
  const skipped = make(`${relative}:${inside}`);
  assert.throws(() => skipped.resolve('audit://x'), (e: ProviderError) => e.kind === 'plugin_not_installed' && e.message.includes('relative PATH entry') && e.message.includes('inside the workspace'));
  const found = make(`${relative}:${inside}:${outside}`);
  assert.equal(found.resolve('audit://x').path, path.join(outside, 'secretspec-provider-audit'));
  const disabled = make(outside, { audit: { enabled: false } });
  await fails(disabled.open('audit://x', sessionOptions(null)), 'plugin_not_installed', 'enabled is false');
  assert.deepEqual(disabled.livePids(), []);
  for (const h of [skipped, found, disabled]) await h.dispose();
});

test('environment: minimal env plus settings env, the three SECRETSPEC_* owned by the host; reason synthesized per key', async () => {
  const echoFile = path.join(tempDir(), 'echo.json');
  const opsFile = path.join(tempDir(), 'ops');
  const a = audit({
    setting: { env: { AUDIT_ECHO_FILE: echoFile, AUDIT_OPS_FILE: opsFile, VAULT_ADDR: 'https://vault', SECRETSPEC_PROVIDER_URI: 'spoofed', SECRETSPEC_PROTOCOL_VERSION: '9' } },
    host: { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/h', SECRETSPEC_FILE: '/spoofed', EDITOR_TOKEN: CANARY } },
  });
  const hellos = () =>
    readFileSync(opsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { op: string; context: Record<string, string>; config_file: string | null })
      .filter((o) => o.op === 'hello');
  try {
    await a.host.open('audit://v?one', { configFile: null, project: 'myapp', command: 'DB_URL' });
    const { env } = JSON.parse(readFileSync(echoFile, 'utf8')) as { env: Record<string, string> };
    assert.deepEqual(Object.keys(env).sort(), ['AUDIT_ECHO_FILE', 'AUDIT_OPS_FILE', 'HOME', 'PATH', 'SECRETSPEC_PROTOCOL_VERSION', 'SECRETSPEC_PROVIDER_URI', 'VAULT_ADDR']);
    assert.equal(env.SECRETSPEC_PROTOCOL_VERSION, '1');
    assert.equal(env.SECRETSPEC_PROVIDER_URI, 'audit://v?one');
    await a.host.open('audit://v?two', { configFile: a.configFile, project: 'myapp', command: 'check', context: { reason: '', ticket: 'T-1' } });
    const second = JSON.parse(readFileSync(echoFile, 'utf8')) as { env: Record<string, string> };
    assert.equal(second.env.SECRETSPEC_FILE, a.configFile);
    await a.host.open('audit://v?three', { configFile: null, project: 'myapp', command: 'check', context: { reason: 'nightly audit' } });
    assert.deepEqual(
      hellos().map((h) => [h.config_file, h.context]),
      [
        [null, { reason: 'secretspec:myapp:DB_URL' }],
        [a.configFile, { reason: 'secretspec:myapp:check', ticket: 'T-1' }],
        [null, { reason: 'nightly audit' }],
      ],
    );
  } finally {
    await a.host.dispose();
  }
});
