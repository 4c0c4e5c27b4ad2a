// The bridge against CLIs that misbehave: scripts standing in for
// `secretspec`, found on a temporary PATH as the server finds the user's
// CLI. Each fault yields its kind, never "missing"; the CLI's process group
// is gone afterwards; a secret-looking canary the CLI prints never reaches
// anything the bridge returns or logs; one run per manifest at a time; check
// answers cached until an input changes or the user asks; nothing is started
// in Restricted Mode.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CliBridge, type BridgeOptions, type CheckRequest } from '../../server/src/cliBridge/bridge';
import { runCli } from '../../server/src/cliBridge/runner';
import { diskLookup, locateCli, readCliVersion } from '../../server/src/engine/cli';
import type { EngineVersion } from '../../server/src/engine/version';

/** Opaque, so it is masked wherever SecretSpec's error line carries it. */
const CANARY = `cN${randomBytes(15).toString('hex')}9Z`;
/** Plain words: nothing could tell it from prose, so it must never be read at all (it is printed outside the error report). */
const PLAIN_CANARY = `correct-horse-battery-${randomBytes(4).toString('hex').replace(/[0-9]/g, 'q')}`;
/** A value set through the bridge; the echoing CLI prints it back. */
const VALUE = `s3t value ${randomBytes(6).toString('hex')}`;

const REPORT = (profile: string) =>
  JSON.stringify({
    schema_version: 1,
    provider: 'onepassword://Prod',
    profile,
    secrets: [
      { name: 'OP_TOKEN', status: 'missing_required', required: true, default_applied: false, generated: false, as_path: false },
      { name: 'URL', status: 'resolved', required: true, source_provider: 'onepassword://Prod', default_applied: false, generated: false, as_path: false },
    ],
  });

/** Every fault script records its pid, argv and environment, then does its one thing. */
const PRELUDE = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "secretspec 0.21.1"; exit 0; fi
echo $$ >> "$FAULT_DIR/pids"
printf '%s\\n' "$@" > "$FAULT_DIR/args.$$"
env > "$FAULT_DIR/env.$$"
profile=default; prev=; for a in "$@"; do [ "$prev" = "--profile" ] && profile=$a; prev=$a; done
`;

const FAULTS: Record<string, string> = {
  hang: `sleep 1000 & echo $! >> "$FAULT_DIR/pids"\nwait\n`,
  'ignores-sigterm': `trap '' TERM\nsleep 1000 & echo $! >> "$FAULT_DIR/pids"\nwhile :; do wait; done\n`,
  garbage: `echo "{ not json ${CANARY}"\nexit 0\n`,
  'report-exit-1': `cat <<'EOF'\n${REPORT('default')}\nEOF\nexit 1\n`,
  'error-not-signed-in': `printf 'Error:   × Failed to resolve secrets\\n  ╰─▶ Provider operation failed: 1Password CLI is not signed in (run op signin)\\n' >&2\nexit 1\n`,
  'error-backend-missing': `printf "Error:   × Failed to resolve secrets\\n  ╰─▶ Provider backend 'bws' not found\\n" >&2\nexit 1\n`,
  'exit-3-silent': `exit 3\n`,
  canary: [
    `echo "debug: fetched ${PLAIN_CANARY} from the vault" >&2`,
    `echo "warning: provider said token=${CANARY}" >&2`,
    `printf 'Error:   × Failed to resolve secrets\\n  ├─▶ Provider operation failed: op said api_key=${CANARY}\\n  ╰─▶ Provider operation failed: unexpected response ${CANARY}\\n' >&2`,
    'exit 1',
    '',
  ].join('\n'),
  'echo-value': `v=$(cat)\nprintf 'Error:   × Failed to set secret\\n  ╰─▶ Provider operation failed: refused value %s\\n' "$v" >&2\nexit 1\n`,
  grandchild: `cat <<'EOF'\n${REPORT('default')}\nEOF\nsleep 1000 &\necho $! >> "$FAULT_DIR/pids"\nexit 0\n`,
  'self-kill': `kill -KILL $$\n`,
  flood: `yes ${CANARY} | head -c 3000000\nexit 0\n`,
  slow: `echo "start $profile $(date +%s%N)" >> "$FAULT_DIR/log"\nsleep 0.5\necho "end $profile $(date +%s%N)" >> "$FAULT_DIR/log"\nprintf '%s\\n' '${REPORT('PROFILE')}' | sed "s/PROFILE/$profile/"\nexit 0\n`,
};

let root: string;
const V0211: EngineVersion = { major: 0, minor: 21, patch: 1 };

before(() => {
  root = mkdtempSync(join(tmpdir(), 'secretspec-clibridge-faults-'));
  for (const [name, body] of Object.entries(FAULTS)) {
    mkdirSync(join(root, 'bin', name), { recursive: true });
    const file = join(root, 'bin', name, 'secretspec');
    writeFileSync(file, PRELUDE + body);
    chmodSync(file, 0o755);
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

interface Harness {
  bridge: CliBridge;
  logs: string[];
  dir: string;
  /** Every process the fault CLIs recorded: theirs and those they started. */
  pids(): number[];
  /** How many times the CLI was started. */
  runs(): number;
  manifest: string;
}

let seq = 0;
function harness(fault: string, options: Partial<BridgeOptions> = {}): Harness {
  const dir = join(root, `run-${seq++}`);
  mkdirSync(dir);
  const manifest = join(dir, 'secretspec.toml');
  writeFileSync(manifest, '[project]\nname = "app"\nrevision = "1.0"\n');
  const logs: string[] = [];
  const bridge = new CliBridge({
    cli: join(root, 'bin', fault, 'secretspec'),
    version: V0211,
    trusted: () => true,
    env: () => ({ ...process.env, FAULT_DIR: dir }),
    timeoutMs: 600,
    killGraceMs: 300,
    log: (line) => logs.push(line),
    ...options,
  });
  const pids = () => (existsSync(join(dir, 'pids')) ? readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').filter(Boolean).map(Number) : []);
  const runs = () => readdirSync(dir).filter((f) => f.startsWith('args.')).length;
  return { bridge, logs, dir, pids, runs, manifest };
}

const request = (h: Harness, extra: Partial<CheckRequest> = {}): CheckRequest => ({ manifest: h.manifest, manifestText: '[project]\nname = "app"\n', profile: 'default', project: 'app', ...extra });

/** State and process group of a process from /proc (Linux), or undefined when it is gone. */
function stat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses.
    const [state, , pgrp] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: state!, pgrp: Number(pgrp) };
  } catch {
    return undefined;
  }
}

/**
 * Still running: a zombie has exited and only waits to be reaped, which the
 * machine's init may do late (this container's PID 1 reaps orphans lazily).
 */
function alive(pid: number): boolean {
  const s = stat(pid);
  return s !== undefined && s.state !== 'Z';
}

function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      const s = stat(pid);
      return s !== undefined && s.pgrp === pgid && s.state !== 'Z';
    });
}

async function assertNothingLingers(h: Harness): Promise<void> {
  const pids = h.pids();
  assert.ok(pids.length > 0, 'the fault CLI ran');
  for (let i = 0; i < 300 && (pids.some(alive) || groupMembers(pids[0]!).length); i++) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(pids.filter(alive), [], 'no process of the run is left');
  // The CLI led its own group: the whole group is gone, not only the processes it reported.
  assert.deepEqual(groupMembers(pids[0]!), [], 'the process group is gone');
}

function assertNoCanary(h: Harness, answer: unknown): void {
  for (const c of [CANARY, PLAIN_CANARY, VALUE]) {
    assert.ok(!JSON.stringify(answer).includes(c), `a canary reached the answer: ${JSON.stringify(answer)}`);
    assert.ok(!h.logs.some((l) => l.includes(c)), `a canary reached the log: ${h.logs.join('\n')}`);
  }
}

describe('fault CLIs', () => {
  test('the CLI is found on a temporary PATH as the server finds it, and its version read', async () => {
    const found = locateCli({ pathEnv: join(root, 'bin', 'report-exit-1'), workspaceFolders: [join(root, 'workspace')], ...diskLookup });
    assert.ok(found.ok);
    assert.deepEqual(await readCliVersion(found.path), V0211);
    const h = harness('report-exit-1', { cli: found.path });
    const answer = await h.bridge.check(request(h));
    assert.ok(answer.outcome.ok, JSON.stringify(answer));
    assert.deepEqual(
      answer.outcome.report.secrets.map((s) => [s.name, s.status]),
      [
        ['OP_TOKEN', 'missing_required'],
        ['URL', 'resolved'],
      ],
      'exit 1 with a report: the report is the answer',
    );
    const args = readFileSync(join(h.dir, `args.${h.pids()[0]}`), 'utf8').trim().split('\n');
    assert.deepEqual(args, ['--file', h.manifest, '--reason', 'secretspec:app:check', '--caller', 'secretspec-vscode', '--caller-operation', 'check', 'check', '--json', '--no-prompt', '--profile', 'default']);
  });

  const KINDS: Array<{ fault: string; kind: string; mention: RegExp; minMs?: number }> = [
    { fault: 'hang', kind: 'timeout', mention: /did not finish within 0\.6 s/ },
    { fault: 'ignores-sigterm', kind: 'timeout', mention: /did not finish within 0\.6 s/, minMs: 600 + 300 },
    { fault: 'garbage', kind: 'invalid_response', mention: /not a JSON report/ },
    { fault: 'error-not-signed-in', kind: 'auth_failed', mention: /1Password CLI is not signed in/ },
    { fault: 'error-backend-missing', kind: 'unavailable', mention: /Provider backend 'bws' not found/ },
    { fault: 'exit-3-silent', kind: 'invalid_response', mention: /printed no report and exited with status 3/ },
    { fault: 'canary', kind: 'internal', mention: /Failed to resolve secrets: Provider operation failed: unexpected response ‹redacted›/ },
    { fault: 'self-kill', kind: 'internal', mention: /ended by SIGKILL/ },
  ];
  for (const c of KINDS) {
    test(`${c.fault}: ${c.kind}, nothing lingers, no canary`, async () => {
      const h = harness(c.fault);
      const started = Date.now();
      const answer = await h.bridge.check(request(h));
      const took = Date.now() - started;
      assert.ok(!answer.outcome.ok, `no report: ${JSON.stringify(answer)}`);
      assert.equal(answer.outcome.failure.kind, c.kind, answer.outcome.failure.message);
      assert.match(answer.outcome.failure.message, c.mention);
      if (c.minMs) assert.ok(took >= c.minMs, `SIGKILL came after the SIGTERM grace (${took} ms)`);
      assert.ok(took < 5000, `the bridge answered in ${took} ms`);
      await assertNothingLingers(h);
      assertNoCanary(h, answer);
      assert.equal(h.logs.length, 1, 'one log line per run');
    });
  }

  test('a process the CLI left holding its stdout does not hold the answer, and is stopped', async () => {
    const h = harness('grandchild');
    const started = Date.now();
    const answer = await h.bridge.check(request(h));
    assert.ok(answer.outcome.ok);
    assert.ok(Date.now() - started < 3000);
    await assertNothingLingers(h);
  });

  test('more stdout than a report can be: invalid_response, the group stopped', async () => {
    const h = harness('flood');
    const invocation = { args: ['check'], env: { FAULT_DIR: h.dir }, stdin: 'none' as const };
    const run = await runCli({ cli: join(root, 'bin', 'flood', 'secretspec'), invocation, cwd: h.dir, env: process.env, maxStdoutBytes: 64 * 1024 });
    assert.deepEqual(run.end, { kind: 'output_too_large', limit: 64 * 1024 });
    await assertNothingLingers(h);
  });

  test('set: the value goes to stdin only, and echoed back it is masked', async () => {
    const h = harness('echo-value');
    const answer = await h.bridge.set({ manifest: h.manifest, profile: 'default', project: 'app', name: 'OP_TOKEN', value: VALUE });
    assert.ok(!answer.ok);
    assert.match(answer.message, /refused value ‹redacted›/);
    assertNoCanary(h, answer);
    const pid = h.pids()[0]!;
    assert.ok(!readFileSync(join(h.dir, `args.${pid}`), 'utf8').includes(VALUE), 'not in argv');
    assert.ok(!readFileSync(join(h.dir, `env.${pid}`), 'utf8').includes(VALUE), 'not in the environment');
    assert.ok(readFileSync(join(h.dir, `args.${pid}`), 'utf8').includes('--from-file\n-\n--\nOP_TOKEN'));
  });

  test('the user environment reaches the CLI, minus the SECRETSPEC_* variables the bridge states itself', async () => {
    const h = harness('report-exit-1', {
      env: () => ({ ...process.env, FAULT_DIR: h.dir, PROVIDER_TOOL_TOKEN: 'for-op', SECRETSPEC_PROVIDER: 'onepassword://Prod', SECRETSPEC_SCOPE: 'web', SECRETSPEC_PROFILE: 'other', SECRETSPEC_FILE: '/elsewhere.toml' }),
    });
    await h.bridge.check(request(h));
    const env = readFileSync(join(h.dir, `env.${h.pids()[0]}`), 'utf8').split('\n');
    assert.ok(env.includes('PROVIDER_TOOL_TOKEN=for-op'));
    assert.ok(env.includes('SECRETSPEC_PROVIDER=onepassword://Prod'), 'the user override stays, as the native check honours it');
    assert.ok(env.includes('NO_COLOR=1'));
    for (const gone of ['SECRETSPEC_SCOPE', 'SECRETSPEC_PROFILE', 'SECRETSPEC_FILE']) assert.ok(!env.some((l) => l.startsWith(`${gone}=`)), gone);
  });
});

describe('scheduling', () => {
  test('one run per manifest at a time; different manifests run side by side', async () => {
    const h = harness('slow');
    const elsewhere = join(h.dir, 'elsewhere');
    mkdirSync(elsewhere);
    const other = join(elsewhere, 'secretspec.toml');
    writeFileSync(other, '[project]\nname = "other"\n');
    await Promise.all([
      h.bridge.check(request(h, { profile: 'one' })),
      h.bridge.check(request(h, { profile: 'two' })),
      h.bridge.check(request(h, { profile: 'three' })),
      h.bridge.check(request(h, { manifest: other, profile: 'other' })),
    ]);
    const spans = new Map<string, { start: bigint; end: bigint }>();
    for (const [what, profile, at] of readFileSync(join(h.dir, 'log'), 'utf8').trim().split('\n').map((l) => l.split(' '))) {
      const span = spans.get(profile!) ?? { start: 0n, end: 0n };
      span[what as 'start' | 'end'] = BigInt(at!);
      spans.set(profile!, span);
    }
    const overlap = (a: { start: bigint; end: bigint }, b: { start: bigint; end: bigint }) => a.start < b.end && b.start < a.end;
    const own = ['one', 'two', 'three'].map((p) => spans.get(p)!);
    for (let i = 0; i < own.length; i++) for (let j = i + 1; j < own.length; j++) assert.ok(!overlap(own[i]!, own[j]!), 'runs on one manifest never overlap');
    assert.ok(own.some((span) => overlap(span, spans.get('other')!)), 'another manifest is not held up by them');
  });

  test('checks are cached by (manifest text, user config, profile) until one changes or the user asks; identical checks share a run', async () => {
    const h = harness('report-exit-1');
    assert.equal(h.bridge.cached(request(h)), undefined, 'nothing kept yet, and looking starts nothing');
    const [first, joined] = await Promise.all([h.bridge.check(request(h)), h.bridge.check(request(h))]);
    assert.equal(h.runs(), 1, 'two identical requests, one run');
    assert.equal(first.cached, false);
    assert.equal(joined, first);
    const again = await h.bridge.check(request(h));
    assert.equal(again.cached, true);
    assert.deepEqual(h.bridge.cached(request(h)), again);
    assert.equal(h.bridge.cached(request(h, { manifestText: 'typed' })), undefined);
    assert.deepEqual(again.outcome, first.outcome);
    assert.equal(h.runs(), 1);
    await h.bridge.check(request(h, { userConfigText: '[defaults]\nprovider = "keyring"\n' }));
    assert.equal(h.runs(), 2, 'a changed user config runs again');
    await h.bridge.check(request(h, { manifestText: '[project]\nname = "app2"\n' }));
    assert.equal(h.runs(), 3, 'a changed manifest runs again');
    await h.bridge.check(request(h, { manifestText: '[project]\nname = "app2"\n', force: true }));
    assert.equal(h.runs(), 4, 'the user asked');
    await h.bridge.check(request(h, { manifestText: '[project]\nname = "app2"\n' }));
    assert.equal(h.runs(), 4, 'cached again');
    await h.bridge.delete({ manifest: h.manifest, profile: 'default', project: 'app', name: 'URL' });
    await h.bridge.check(request(h, { manifestText: '[project]\nname = "app2"\n' }));
    assert.equal(h.runs(), 6, 'a write through the bridge drops the cached answers');
    // Failures are kept too: a CLI that timed out is not started on every open.
    const slow = harness('hang');
    await slow.bridge.check(request(slow));
    assert.equal((await slow.bridge.check(request(slow))).cached, true);
    assert.equal(slow.runs(), 1);
  });

  test('Restricted Mode: nothing is started, whatever is asked', async () => {
    const h = harness('report-exit-1', { trusted: () => false });
    const answers = [
      (await h.bridge.check(request(h))).outcome,
      await h.bridge.set({ manifest: h.manifest, profile: 'default', project: 'app', name: 'A', value: VALUE }),
      await h.bridge.delete({ manifest: h.manifest, profile: 'default', project: 'app', name: 'A' }),
      await h.bridge.describeTarget({ manifest: h.manifest, profile: 'default', project: 'app', name: 'A' }),
      await h.bridge.import({ ...request(h), from: 'dotenv:.env', names: ['A'], composed: new Set() }),
      await h.bridge.import({ ...request(h), from: 'dotenv:.env', names: ['A'], composed: new Set(), dryRun: true }),
    ];
    for (const a of answers) {
      assert.ok(!a.ok);
      assert.equal('failure' in a ? a.failure.kind : a.kind, 'untrusted_workspace');
    }
    assert.deepEqual(readdirSync(h.dir), ['secretspec.toml'], 'the CLI never ran');
    assertNoCanary(h, answers);
  });

  test('what the CLI cannot do is refused before it starts, with the reason', async () => {
    const h = harness('report-exit-1', { version: { major: 0, minor: 20, patch: 0 } });
    const padded = await h.bridge.set({ manifest: h.manifest, profile: 'default', project: 'app', name: 'A', value: ` ${VALUE} ` });
    assert.ok(!padded.ok && padded.kind === 'capability_required' && /trims a value/.test(padded.message));
    const empty = await h.bridge.set({ manifest: h.manifest, profile: 'default', project: 'app', name: 'A', value: '' });
    assert.ok(!empty.ok && empty.kind === 'invalid_request');
    assert.equal(h.runs(), 0);
    assertNoCanary(h, [padded, empty]);
  });
});
