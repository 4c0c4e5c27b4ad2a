// The bridge with the real SecretSpec 0.21.1 and its `age` store, which the
// server does not speak natively: an encrypted dotenv blob made with Debian's
// `age`/`age-keygen`, addressed as `age:///abs/secrets.age?identity=/abs/id.txt`.
// - presence through the bridge (and merged into a native report that could
//   answer none of it) equals `secretspec check --json`, per profile;
// - a value set through the bridge is reported present by the CLI, and is
//   byte for byte what `secretspec get` prints;
// - the write target is previewed without writing; delete is idempotent;
// - import from a dotenv file never overwrites, planned and run.
// Values travel only on stdin; assertions compare digests.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Unresolved } from '../../protocol/src';
import { CliBridge } from '../../server/src/cliBridge/bridge';
import { mergeCliCheck } from '../../server/src/cliBridge/merge';
import { readCliVersion } from '../../server/src/engine/cli';
import { cliReport } from '../oracle/reports';
import { oracle, oracleEnv, oracleSkip, runOracle } from '../support/oracle';
import { ensureDebianPackages } from '../support/systemPackages';

const packages = ensureDebianPackages(['age']);
const skip = oracleSkip() || (packages.ok ? false : packages.reason!);

const PROJECT = 'bridge-age';
const STORED = { PRESENT: 'alpha value', DEFAULT_STORED: 'stored over its default', GROUP_A: 'one of the group' };
/** Values that break naive quoting, trimming or line handling. */
const TO_SET = { MISSING: '  padded, "quoted", $HOME and a # \\ backslash\nsecond line\n', OPTIONAL_MISSING: 'ünïcødé ✓ 🔑' };

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

interface Fixture {
  dir: string;
  home: string;
  env: NodeJS.ProcessEnv;
  manifest: string;
  blob: string;
  bridge: CliBridge;
  logs: string[];
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function fixture(): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-clibridge-age-'));
  dirs.push(dir);
  const home = join(dir, 'home');
  mkdirSync(home);
  const env = oracleEnv(home);
  const identity = join(dir, 'id.txt');
  execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
  const recipient = execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim();
  const blob = join(dir, 'secrets.age');
  const plaintext = Object.entries(STORED)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join('\n');
  execFileSync('age', ['-r', recipient, '-a', '-o', blob], { input: `${plaintext}\n` });
  const uri = JSON.stringify(`age://${blob}?identity=${identity}`);
  const manifest = join(dir, 'secretspec.toml');
  writeFileSync(
    manifest,
    `[project]
name = "${PROJECT}"
revision = "1.0"

[providers]
sealed = ${uri}

[profiles.default]
PRESENT = { description = "stored", providers = [${uri}] }
MISSING = { description = "not stored yet", providers = [${uri}] }
OPTIONAL_MISSING = { description = "optional", required = false, providers = ["sealed"] }
WITH_DEFAULT = { description = "falls back to its default", default = "committed", providers = [${uri}] }
DEFAULT_STORED = { description = "has a default but is stored", default = "committed", providers = ["sealed"] }
GENERATE_OPTIONAL = { description = "would be generated", type = "password", generate = true, required = false, providers = ["sealed"] }
FALLBACK = { description = "the second link answers", providers = ["null", "sealed"] }
GROUP_A = { description = "one of a group", required = { at_least_one = ["credentials"] }, providers = ["sealed"] }
GROUP_B = { description = "one of a group", required = { at_least_one = ["credentials"] }, providers = ["sealed"] }
ONLY_A = { description = "exactly one", required = { exactly_one = ["single"] }, providers = ["sealed"] }
ONLY_B = { description = "exactly one", required = { exactly_one = ["single"] }, providers = ["sealed"] }
COMPOSED = { description = "from stored parts", composed = "\${PRESENT}:\${WITH_DEFAULT}" }
READ_ONLY = { description = "from the environment", required = false, providers = ["env"] }

[scopes.web]
secrets = ["PRESENT", "MISSING"]

[profiles.staging.defaults]
inherit = false
required = false
providers = ["sealed"]

[profiles.staging]
STAGING_PRESENT = { description = "the same flat blob: every profile reads the same keys", ref = { item = "PRESENT" } }
STAGING_MISSING = { description = "optional by the profile's defaults" }
`,
  );
  const { bin } = oracle();
  const version = await readCliVersion(bin!);
  assert.ok(version, 'the oracle prints its version');
  const logs: string[] = [];
  const bridge = new CliBridge({ cli: bin!, version, trusted: () => true, env: () => env, log: (l) => logs.push(l) });
  return { dir, home, env, manifest, blob, bridge, logs };
}

const at = (f: Fixture, profile: string) => ({ manifest: f.manifest, profile, project: PROJECT });
const checkRequest = (f: Fixture, profile: string) => ({ ...at(f, profile), manifestText: readFileSync(f.manifest, 'utf8') });

async function bridgeReport(f: Fixture, profile: string) {
  const answer = await f.bridge.check({ ...checkRequest(f, profile), force: true });
  assert.ok(answer.outcome.ok, answer.outcome.ok ? '' : answer.outcome.failure.message);
  return answer.outcome.report;
}

/** `secretspec get` prints the exact value (0.21.1 adds no newline); only its digest is kept. */
function storedDigest(f: Fixture, name: string): string | undefined {
  const r = runOracle(['get', name, '--profile', 'default', '--file', f.manifest, '--reason', 'test'], { home: f.home, env: f.env });
  return r.status === 0 ? digest(r.stdout) : undefined;
}

function assertNoValues(f: Fixture, ...answers: unknown[]): void {
  for (const v of [...Object.values(STORED), ...Object.values(TO_SET)]) {
    for (const text of [...f.logs, ...answers.map((a) => JSON.stringify(a))]) assert.ok(!text.includes(v.trim().split('\n')[0]!), 'a value reached an answer or the log');
  }
}

describe('the bridge with the real secretspec 0.21.1 and age', { skip }, () => {
  test('presence through the bridge equals secretspec check --json, per profile, and merges into a native report that could answer none of it', async () => {
    const f = await fixture();
    for (const profile of ['default', 'staging']) {
      const ours = await bridgeReport(f, profile);
      const theirs = cliReport(f.manifest, profile, f.home, f.env);
      assert.deepEqual(ours, theirs);
      assert.ok(theirs.secrets.some((s) => s.source_provider === `age:${f.blob}`), 'the age store answered');
      // The server's native check answers none of these routes: every stored secret is unresolved there, and the composition with it.
      const delegated = theirs.secrets.map((s) => s.name);
      const unresolved: Unresolved[] = delegated.map((name) => ({ name, provider: 'age', kind: 'plugin_not_installed', message: 'install secretspec-provider-age' }));
      const merged = mergeCliCheck({
        native: { report: { schema_version: 1, provider: theirs.provider, profile, secrets: [] }, unresolved },
        delegated,
        cli: { ok: true, report: ours },
        label: f.bridge.label,
        run: { version: '0.21.1', durationMs: 0, cached: false },
      });
      assert.deepEqual(merged.report, theirs);
      assert.deepEqual(merged.unresolved, []);
    }
    assert.deepEqual(
      (await bridgeReport(f, 'default')).constraint_violations?.map((v) => [v.kind, v.group]),
      [['exactly_one', 'single']],
    );
    assertNoValues(f);
  });

  test('a scoped CLI check: the secrets outside the scope get a clear reason in the merge', async () => {
    const f = await fixture();
    const answer = await f.bridge.check({ ...checkRequest(f, 'default'), scope: 'web' });
    assert.ok(answer.outcome.ok);
    const theirs = runOracle(['check', '--json', '--no-prompt', '--profile', 'default', '--scope', 'web', '--file', f.manifest, '--reason', 'test'], { home: f.home, env: f.env });
    assert.deepEqual(answer.outcome.report, JSON.parse(theirs.stdout));
    assert.deepEqual(answer.outcome.report.secrets.map((s) => s.name), ['MISSING', 'PRESENT']);
    const merged = mergeCliCheck({
      native: { report: { schema_version: 1, provider: '', profile: 'default', secrets: [] }, unresolved: [] },
      delegated: ['PRESENT', 'MISSING', 'OPTIONAL_MISSING'],
      cli: answer.outcome,
      label: f.bridge.label,
      run: { version: '0.21.1', durationMs: answer.durationMs, cached: answer.cached },
    });
    assert.deepEqual(merged.unresolved.map((u) => [u.name, u.provider]), [['OPTIONAL_MISSING', 'secretspec 0.21.1']]);
    assert.match(merged.unresolved[0]!.message, /outside scope 'web'/);
  });

  test('a store that fails makes the CLI print no report: its kind and one line, never missing', async () => {
    const f = await fixture();
    const text = readFileSync(f.manifest, 'utf8');
    const identity = join(f.dir, 'id.txt');
    const stranger = join(f.dir, 'stranger.txt');
    execFileSync('age-keygen', ['-o', stranger], { stdio: 'ignore' });
    const cases = [
      { text: text.replaceAll(identity, join(f.dir, 'absent.txt')), kind: 'unavailable', says: /Failed to resolve secrets: .*Failed to read age identity file .*absent\.txt.*No such file/ },
      { text: text.replaceAll(identity, stranger), kind: 'auth_failed', says: /Failed to resolve secrets: .*Failed to decrypt age file/ },
      { text: `${text}\n[profiles.broken\n`, kind: 'internal', says: /Failed to load secretspec configuration: TOML parse error/ },
    ];
    for (const c of cases) {
      writeFileSync(f.manifest, c.text);
      const answer = await f.bridge.check({ ...checkRequest(f, 'default'), force: true });
      assert.ok(!answer.outcome.ok, 'no report');
      assert.equal(answer.outcome.failure.kind, c.kind, answer.outcome.failure.message);
      assert.match(answer.outcome.failure.message, c.says);
      assert.ok(!answer.outcome.failure.message.includes('\n'));
      const theirs = runOracle(['check', '--json', '--no-prompt', '--profile', 'default', '--file', f.manifest, '--reason', 'test'], { home: f.home, env: f.env });
      assert.equal(theirs.status, 1);
      assert.equal(theirs.stdout, '', 'the CLI itself printed no report either');
    }
    assert.ok(!f.logs.join('\n').includes('AGE-SECRET-KEY'));
  });

  test('a value set through the bridge is reported present by the CLI, byte for byte', async () => {
    const f = await fixture();
    for (const [name, value] of Object.entries(TO_SET)) {
      const answer = await f.bridge.set({ ...at(f, 'default'), name, value });
      assert.ok(answer.ok, answer.ok ? '' : answer.message);
      assertNoValues(f, answer);
    }
    const theirs = cliReport(f.manifest, 'default', f.home, f.env);
    for (const name of Object.keys(TO_SET)) {
      const entry = theirs.secrets.find((s) => s.name === name);
      assert.equal(entry?.status, 'resolved', name);
      assert.equal(entry?.source_provider, `age:${f.blob}`);
      assert.equal(storedDigest(f, name), digest(TO_SET[name as keyof typeof TO_SET]), `${name} is stored exactly`);
    }
    assert.deepEqual(await bridgeReport(f, 'default'), theirs, 'the bridge sees it too (its cache was dropped by the write)');
    const refused = await f.bridge.set({ ...at(f, 'default'), name: 'READ_ONLY', value: 'x-never-stored' });
    assert.ok(!refused.ok && refused.kind === 'read_only', JSON.stringify(refused));
    const composed = await f.bridge.set({ ...at(f, 'default'), name: 'COMPOSED', value: 'x-never-stored' });
    assert.ok(!composed.ok && composed.kind === 'read_only', JSON.stringify(composed));
    const undeclared = await f.bridge.set({ ...at(f, 'default'), name: 'NOT_DECLARED', value: 'x-never-stored' });
    assert.ok(!undeclared.ok && undeclared.kind === 'not_declared', JSON.stringify(undeclared));
  });

  test('the write target is previewed without writing; stores that cannot be written say why', async () => {
    const f = await fixture();
    const before = readFileSync(f.blob, 'utf8');
    assert.deepEqual(await f.bridge.describeTarget({ ...at(f, 'default'), name: 'MISSING' }), { ok: true, provider: `age:${f.blob}`, target: 'item=MISSING', writable: true });
    assert.deepEqual(await f.bridge.describeTarget({ ...at(f, 'staging'), name: 'STAGING_PRESENT' }), { ok: true, provider: `age:${f.blob}`, target: 'item=PRESENT', writable: true });
    assert.equal(readFileSync(f.blob, 'utf8'), before, 'nothing was written');
    const env = await f.bridge.describeTarget({ ...at(f, 'default'), name: 'READ_ONLY' });
    assert.ok(env.ok && !env.writable && /read-only/.test(env.reason ?? ''), JSON.stringify(env));
    const composed = await f.bridge.describeTarget({ ...at(f, 'default'), name: 'COMPOSED' });
    assert.ok(composed.ok && !composed.writable && /derived from other secrets/.test(composed.reason ?? ''), JSON.stringify(composed));
  });

  test('delete removes the stored value and is idempotent', async () => {
    const f = await fixture();
    const first = await f.bridge.delete({ ...at(f, 'default'), name: 'PRESENT' });
    assert.ok(first.ok && first.deleted, JSON.stringify(first));
    const again = await f.bridge.delete({ ...at(f, 'default'), name: 'PRESENT' });
    assert.ok(again.ok && !again.deleted);
    assert.equal(cliReport(f.manifest, 'default', f.home, f.env).secrets.find((s) => s.name === 'PRESENT')?.status, 'missing_required');
    const env = await f.bridge.delete({ ...at(f, 'default'), name: 'READ_ONLY' });
    assert.ok(!env.ok && env.kind === 'capability_required', JSON.stringify(env));
  });

  test('import from dotenv: planned from two reports, run without overwriting, outcomes per secret', async () => {
    const f = await fixture();
    const source = join(f.dir, 'import.env');
    writeFileSync(source, 'PRESENT=a different value\nMISSING=imported value\nGROUP_B=imported group member\n');
    const from = `dotenv:${source}`;
    const before = storedDigest(f, 'PRESENT');
    const names = cliReport(f.manifest, 'default', f.home, f.env).secrets.map((s) => s.name);
    const request = { ...checkRequest(f, 'default'), from, names, composed: new Set(['COMPOSED']) };
    const plan = await f.bridge.import({ ...request, dryRun: true });
    assert.ok(plan.ok, plan.ok ? '' : plan.message);
    const outcomes = (items: Array<{ name: string; outcome: string }>) => Object.fromEntries(items.map((i) => [i.name, i.outcome]));
    assert.deepEqual(outcomes(plan.items), {
      COMPOSED: 'skipped',
      DEFAULT_STORED: 'exists',
      FALLBACK: 'not_found',
      GENERATE_OPTIONAL: 'not_found',
      GROUP_A: 'exists',
      GROUP_B: 'imported',
      MISSING: 'imported',
      ONLY_A: 'not_found',
      ONLY_B: 'not_found',
      OPTIONAL_MISSING: 'not_found',
      PRESENT: 'exists',
      READ_ONLY: 'not_found',
      WITH_DEFAULT: 'not_found',
    });
    assert.equal(readFileSync(f.blob, 'utf8').length > 0, true);
    assert.deepEqual(cliReport(f.manifest, 'default', f.home, f.env).secrets.find((s) => s.name === 'MISSING')?.status, 'missing_required', 'the plan wrote nothing');

    const run = await f.bridge.import(request);
    assert.ok(run.ok, run.ok ? '' : run.message);
    assert.deepEqual(outcomes(run.items), outcomes(plan.items));
    assert.equal(run.items.find((i) => i.name === 'MISSING')?.target, 'age');
    assert.equal(storedDigest(f, 'PRESENT'), before, 'an existing value is never overwritten');
    assert.equal(storedDigest(f, 'MISSING'), digest('imported value'));
    const after = cliReport(f.manifest, 'default', f.home, f.env);
    assert.equal(after.secrets.find((s) => s.name === 'GROUP_B')?.status, 'resolved');
    const second = await f.bridge.import(request);
    assert.ok(second.ok);
    assert.equal(second.items.find((i) => i.name === 'MISSING')?.outcome, 'exists', 'a second run copies nothing');
    assertNoValues(f, plan, run, second);
  });
});
