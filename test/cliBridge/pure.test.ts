// The CLI bridge's pure parts: argument vectors per operation and release,
// the report parser, stderr's one redacted line and its kind, the check
// cache, the merge with a native report, and import outcomes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ResolutionReport, ReportSecret, Unresolved } from '../../protocol/src';
import { checkArgv, cliOperations, deleteArgv, describeTargetArgv, importArgv, setArgv, synthesizedReason } from '../../server/src/cliBridge/argv';
import { CheckCache, fingerprint } from '../../server/src/cliBridge/cache';
import { classifyCliError, classifyWriteError, cliErrorReason, MASK, parseWritePreview, redactUntrusted } from '../../server/src/cliBridge/diagnose';
import { parseImportLines, planImport } from '../../server/src/cliBridge/importPlan';
import { mergeCliCheck } from '../../server/src/cliBridge/merge';
import { checkOutcome, parseReport } from '../../server/src/cliBridge/report';

const V0211 = { version: { major: 0, minor: 21, patch: 1 }, callerVersion: '0.1.0' };
const V020 = { version: { major: 0, minor: 20, patch: 3 } };
const V019 = { version: { major: 0, minor: 19, patch: 1 } };
const COMMON = { manifest: '/w/app/secretspec.toml', reason: 'secretspec:app:check' };

function invocation(planned: ReturnType<typeof checkArgv>) {
  assert.ok(planned.ok, planned.ok ? '' : planned.reason);
  return planned.invocation;
}

describe('argv', () => {
  test('check: global flags first, then check --json --no-prompt --profile; caller flags from 0.20', () => {
    assert.deepEqual(invocation(checkArgv(V0211, COMMON, { profile: 'prod' })), {
      args: ['--file', '/w/app/secretspec.toml', '--reason', 'secretspec:app:check', '--caller', 'secretspec-vscode', '--caller-operation', 'check', '--caller-version', '0.1.0', 'check', '--json', '--no-prompt', '--profile', 'prod'],
      env: {},
      stdin: 'none',
    });
    assert.deepEqual(invocation(checkArgv(V019, COMMON, { profile: 'prod', scope: 'web' })).args, ['--file', '/w/app/secretspec.toml', '--reason', 'secretspec:app:check', 'check', '--json', '--no-prompt', '--profile', 'prod', '--scope', 'web']);
    const old = checkArgv({ version: { major: 0, minor: 18, patch: 0 } }, COMMON, { profile: 'p' });
    assert.ok(!old.ok && /older than 0\.19/.test(old.reason));
  });

  test('set: the value is never in argv or env; --from-file - from 0.21, else refused when trimming would change it', () => {
    const value = '  padded value\n';
    const planned = setArgv(V0211, COMMON, { profile: 'prod', name: 'API_KEY', value });
    const inv = invocation(planned);
    assert.deepEqual(inv.args.slice(-7), ['set', '--profile', 'prod', '--from-file', '-', '--', 'API_KEY']);
    assert.equal(inv.stdin, 'value');
    assert.ok(!JSON.stringify(inv).includes('padded value'));
    const older = setArgv(V020, COMMON, { profile: 'prod', name: 'API_KEY', value });
    assert.ok(!older.ok && /trims/.test(older.reason) && !older.reason.includes('padded value'));
    assert.deepEqual(invocation(setArgv(V020, COMMON, { profile: 'prod', name: 'API_KEY', value: 'exact' })).args.slice(-5), ['set', '--profile', 'prod', '--', 'API_KEY']);
    const empty = setArgv(V0211, COMMON, { profile: 'prod', name: 'API_KEY', value: '' });
    assert.ok(!empty.ok && empty.kind === 'invalid_request');
  });

  test('describe target, delete, import: `--` before names; import takes its profile from SECRETSPEC_PROFILE', () => {
    const preview = invocation(describeTargetArgv(V0211, COMMON, { profile: 'p', name: '-ODD' }));
    assert.deepEqual(preview.args.slice(-7), ['set', '--profile', 'p', '--from-file', '-', '--', '-ODD']);
    assert.equal(preview.stdin, 'none');
    assert.ok(preview.args.includes('describe-target'));
    assert.deepEqual(invocation(deleteArgv(V0211, COMMON, { profile: 'p', name: 'A' })).args.slice(-5), ['delete', '--profile', 'p', '--', 'A']);
    const imp = invocation(importArgv(V0211, COMMON, { profile: 'staging', from: 'dotenv:.env', deleteSource: true }));
    assert.deepEqual(imp.args.slice(-4), ['import', '--delete-source', '--', 'dotenv:.env']);
    assert.deepEqual(imp.env, { SECRETSPEC_PROFILE: 'staging' });
    assert.ok(!imp.args.includes('--profile'));
    assert.equal(synthesizedReason('app', 'API_KEY'), 'secretspec:app:API_KEY');
  });

  test('the operation table says what the CLI cannot do', () => {
    const ops = cliOperations(V0211.version);
    assert.equal(ops.check.available, true);
    assert.equal(ops.get.available, false);
    assert.equal(ops.reflect.available, false);
    const old = cliOperations({ major: 0, minor: 18, patch: 2 });
    assert.ok(Object.values(old).every((o) => !o.available));
  });
});

const secret = (name: string, status: ReportSecret['status'], extra: Partial<ReportSecret> = {}): ReportSecret => ({
  name,
  status,
  required: status !== 'missing_optional',
  default_applied: false,
  generated: false,
  as_path: false,
  ...extra,
});

function report(secrets: ReportSecret[], extra: Partial<ResolutionReport> = {}): ResolutionReport {
  return { schema_version: 1, provider: 'age:///s.age', profile: 'default', secrets, ...extra };
}

describe('report', () => {
  test('a valid report is read whatever the exit status; unknown fields are dropped', () => {
    const r = report([secret('A', 'resolved', { source_provider: 'age:/s.age' }), secret('B', 'missing_required')]);
    const stdout = JSON.stringify({ ...r, future_field: 1, secrets: r.secrets.map((s) => ({ ...s, extra: true })) });
    const outcome = checkOutcome({ kind: 'exited', code: 1, stdout, errorReason: 'ignored' }, 'default', 'secretspec check');
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.report, r);
  });

  test('what is not a report is invalid_response, described without its content', () => {
    const canary = 'zq9Xw2Lm8Rt4Vb6Np0Kd3Hs7Jf5Gc1';
    for (const [stdout, want] of [
      ['', /printed no report/],
      [`garbage ${canary}`, /not a JSON report/],
      [JSON.stringify({ schema_version: 2 }), /schema_version 2/],
      [JSON.stringify({ ...report([]), secrets: [{ name: 'A', status: canary }] }), /secrets\.0\.status/],
      [JSON.stringify(report([secret('A', 'resolved'), secret('A', 'resolved')])), /twice/],
      [JSON.stringify(report([], { profile: 'other' })), /profile 'other'/],
    ] as const) {
      const parsed = parseReport(stdout, 'default');
      assert.ok(!parsed.ok);
      assert.equal(parsed.failure.kind, 'invalid_response');
      assert.match(parsed.failure.message, want);
      assert.ok(!parsed.failure.message.includes(canary));
    }
  });

  test('no report: the kind comes from SecretSpec error line, never missing', () => {
    const what = 'secretspec check (profile default)';
    const auth = checkOutcome({ kind: 'exited', code: 1, stdout: '', errorReason: 'Failed to resolve secrets: Provider operation failed: 1Password CLI is not signed in' }, 'default', what);
    assert.ok(!auth.ok && auth.failure.kind === 'auth_failed');
    const silent = checkOutcome({ kind: 'exited', code: 3, stdout: '' }, 'default', what);
    assert.ok(!silent.ok && silent.failure.kind === 'invalid_response' && /status 3/.test(silent.failure.message));
    const timeout = checkOutcome({ kind: 'timeout', timeoutMs: 30_000 }, 'default', what);
    assert.ok(!timeout.ok && timeout.failure.kind === 'timeout' && /30 s/.test(timeout.failure.message));
    const killed = checkOutcome({ kind: 'signal', signal: 'SIGKILL' }, 'default', what);
    assert.ok(!killed.ok && killed.failure.kind === 'internal');
    const gone = checkOutcome({ kind: 'spawn_error', code: 'ENOENT' }, 'default', what);
    assert.ok(!gone.ok && gone.failure.kind === 'unavailable');
  });
});

describe('stderr', () => {
  const MIETTE_PROVIDER = [
    'warning: primary provider age:/tmp/s.age failed: Provider operation failed: Failed to read age identity file /tmp/nope.txt: No such file or directory (os error 2); will try fallback chain for affected secrets',
    'Error:   × Failed to resolve secrets',
    '  ╰─▶ Provider operation failed: Failed to read age identity file /tmp/',
    '      nope.txt: No such file or directory (os error 2)',
    '',
  ].join('\n');
  const MIETTE_TOML = ['Error:   × Failed to load secretspec configuration', '  ├─▶ TOML parsing error: TOML parse error at line 1, column 12', '  │     |', '  │   1 | garbage = [', '  │     |            ^', '  │   unclosed array, expected `]`', '  │   ', '  ╰─▶ TOML parse error at line 1, column 12', '        |', '      1 | garbage = [', '        |            ^', '      unclosed array, expected `]`', ''].join('\n');

  test('the one line is the context and the root cause, as the real CLI prints them', () => {
    assert.equal(cliErrorReason(MIETTE_PROVIDER), 'Failed to resolve secrets: Provider operation failed: Failed to read age identity file /tmp/ nope.txt: No such file or directory (os error 2)');
    assert.equal(cliErrorReason(MIETTE_TOML), 'Failed to load secretspec configuration: TOML parse error at line 1, column 12 unclosed array, expected `]`');
    assert.equal(cliErrorReason('just chatter\nmore chatter'), undefined);
    assert.equal(classifyCliError(cliErrorReason(MIETTE_PROVIDER)!), 'unavailable');
    assert.equal(classifyCliError(cliErrorReason(MIETTE_TOML)!), 'internal');
    assert.equal(classifyCliError("Failed to resolve secrets: Provider backend 'onepassword' not found"), 'unavailable');
    assert.equal(classifyCliError('Failed to resolve secrets: Provider operation failed: Failed to decrypt age file: No matching keys found'), 'auth_failed');
    assert.equal(classifyWriteError("Failed to set secret: Provider operation failed: Environment variable provider is read-only. Set variables in your shell or process environment."), 'read_only');
    assert.equal(classifyWriteError("1 secret value could not be deleted: 'E': Provider operation failed: provider 'env' does not support deleting secrets"), 'capability_required');
  });

  test('credentials are masked: known values, URI userinfo, key=value, credential shapes, opaque tokens; paths and prose stay', () => {
    const opaque = 'Zk3mQ9vR2xT7pL4wN8sB1yH6';
    const line = redactUntrusted(
      `Failed to set secret: bad value hunter2-plain for https://bob:pa55@vault.example/x?token=abc, password="two words" AKIAABCDEFGHIJKLMNOP AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQ ghp_abcdefghijklmnopqrstuvwxyz0123 ${opaque} at /home/me/.config/secretspec/config.toml`,
      ['hunter2-plain'],
    );
    for (const gone of ['hunter2-plain', 'pa55', 'abc,', 'two words', 'AKIAABCDEFGHIJKLMNOP', 'AGE-SECRET-KEY', 'ghp_', opaque]) assert.ok(!line.includes(gone), `${gone} in ${line}`);
    assert.ok(line.startsWith('Failed to set secret: bad value'));
    assert.ok(line.includes('/home/me/.config/secretspec/config.toml'));
    assert.ok(line.includes(MASK));
    // A value printed line by line and JSON-escaped is masked too.
    const multi = 'first-line-of-it\nsecond-line-of-it';
    assert.ok(!/line-of-it/.test(redactUntrusted(`x first-line-of-it y "${JSON.stringify(multi).slice(1, -1)}" second-line-of-it`, [multi])));
    // miette re-wraps a long cause: a value split over two lines is still found.
    const wrapped = 'Error:   × Failed to set secret\n  ╰─▶ Provider operation failed: refused alpha beta\n      gamma-delta epsilon because\n';
    assert.equal(cliErrorReason(wrapped, ['alpha beta gamma-delta epsilon']), `Failed to set secret: Provider operation failed: refused ${MASK} because`);
  });

  test('the write preview is read for the secret asked about only', () => {
    const text = "note: recording\nWriting secret 'C' to age:/tmp/t/secrets.age (profile: default)\n  target: item=C\nError:   × Failed to set secret\n  ╰─▶ Provider operation failed: Secret value cannot be empty\n";
    assert.deepEqual(parseWritePreview(text, 'C', 'default'), { provider: 'age:/tmp/t/secrets.age', target: 'item=C' });
    assert.equal(parseWritePreview(text, 'D', 'default'), undefined);
    assert.equal(parseWritePreview(text, 'C', 'prod'), undefined);
  });
});

describe('cache', () => {
  test('an entry answers its own fingerprint only, one per manifest and profile; invalidate drops a manifest or all', () => {
    const cache = new CheckCache<string>();
    const base = { manifestText: '[project]\nname = "a"', userConfigText: undefined, profile: 'default' };
    const print = fingerprint(base);
    assert.equal(print, fingerprint({ ...base }));
    assert.notEqual(print, fingerprint({ ...base, userConfigText: '' }), 'no user config differs from an empty one');
    assert.notEqual(fingerprint({ ...base, extra: ['ab', 'c'] }), fingerprint({ ...base, extra: ['a', 'bc'] }));
    cache.set('/m', 'default', print, 'first');
    cache.set('/m', 'prod', fingerprint({ ...base, profile: 'prod' }), 'prod');
    cache.set('/n', 'default', print, 'other manifest');
    assert.equal(cache.get('/m', 'default', print), 'first');
    const changed = fingerprint({ ...base, manifestText: 'changed' });
    assert.equal(cache.get('/m', 'default', changed), undefined);
    assert.equal(cache.get('/m', 'default', print), 'first', 'looking with other inputs does not drop it (typing, then undoing)');
    cache.set('/m', 'default', changed, 'second');
    assert.equal(cache.get('/m', 'default', print), undefined, 'a run for new inputs replaces it');
    assert.equal(cache.size, 3);
    cache.invalidate('/m');
    assert.equal(cache.size, 1);
    cache.invalidate();
    assert.equal(cache.size, 0);
  });
});

describe('merge', () => {
  const native = {
    report: report([secret('LOCAL', 'resolved', { source_provider: 'dotenv:/w/.env' }), secret('LOCAL_MISSING', 'missing_required')], { constraint_violations: [{ kind: 'exactly_one', group: 'local', secrets: ['LOCAL', 'LOCAL_MISSING'], present: ['LOCAL', 'LOCAL_MISSING'] }] }),
    unresolved: [
      { name: 'OP_TOKEN', provider: 'onepassword://Prod', kind: 'plugin_not_installed', message: 'install secretspec-provider-onepassword' },
      { name: 'URL', provider: 'onepassword://Prod', kind: 'internal', message: 'composed from secrets whose presence could not be determined' },
      { name: 'OTHER', provider: 'vault://v', kind: 'auth_failed', message: 'native failure' },
    ] satisfies Unresolved[],
  };
  const run = { version: '0.21.1', durationMs: 12, cached: false };
  const cli = report(
    [
      secret('LOCAL', 'resolved', { source_provider: 'dotenv:/w/.env' }),
      secret('LOCAL_MISSING', 'missing_required'),
      secret('OP_TOKEN', 'resolved', { source_provider: 'onepassword://Prod' }),
      secret('OTHER', 'missing_required'),
      secret('URL', 'resolved'),
    ],
    { constraint_violations: [{ kind: 'at_least_one', group: 'tokens', secrets: ['OP_TOKEN', 'OP_ALT'], present: [] }] },
  );

  test('delegated secrets take the CLI entry, others keep theirs; groups with a delegated member are the CLI verdict', () => {
    const merged = mergeCliCheck({ native, delegated: ['OP_TOKEN', 'URL', 'GONE'], cli: { ok: true, report: cli }, label: 'secretspec 0.21.1', run });
    assert.deepEqual(
      merged.report.secrets.map((s) => [s.name, s.status, s.source_provider]),
      [
        ['LOCAL', 'resolved', 'dotenv:/w/.env'],
        ['LOCAL_MISSING', 'missing_required', undefined],
        ['OP_TOKEN', 'resolved', 'onepassword://Prod'],
        ['URL', 'resolved', undefined],
      ],
    );
    // OTHER was not delegated: its native unresolved stays, the CLI's entry is ignored.
    assert.deepEqual(
      merged.unresolved.map((u) => [u.name, u.kind]),
      [
        ['GONE', 'internal'],
        ['OTHER', 'auth_failed'],
      ],
    );
    assert.match(merged.unresolved[0]!.message, /reported profile 'default' without GONE/);
    assert.deepEqual(
      merged.report.constraint_violations?.map((v) => v.group),
      ['tokens', 'local'],
    );
    assert.deepEqual(merged.cli, { ...run, names: ['GONE', 'OP_TOKEN', 'URL'] });
    const names = [...merged.report.secrets, ...merged.unresolved].map((s) => s.name);
    assert.equal(new Set(names).size, names.length, 'each secret has one status');
  });

  test('a scoped CLI report explains what it left out', () => {
    const merged = mergeCliCheck({ native, delegated: ['OP_TOKEN', 'GONE'], cli: { ok: true, report: { ...cli, scope: 'web' } }, label: 'secretspec 0.21.1', run });
    assert.match(merged.unresolved.find((u) => u.name === 'GONE')!.message, /outside scope 'web'/);
  });

  test('a failed CLI run leaves every delegated secret unresolved with its kind, never missing', () => {
    const merged = mergeCliCheck({ native, delegated: ['OP_TOKEN', 'URL'], cli: { ok: false, failure: { kind: 'timeout', message: 'secretspec check (profile default) did not finish within 30 s' } }, label: 'secretspec 0.21.1', run });
    assert.deepEqual(merged.report.secrets.map((s) => s.name), ['LOCAL', 'LOCAL_MISSING']);
    assert.deepEqual(
      merged.unresolved.map((u) => [u.name, u.kind, u.provider]),
      [
        ['OP_TOKEN', 'timeout', 'secretspec 0.21.1'],
        ['OTHER', 'auth_failed', 'vault://v'],
        ['URL', 'timeout', 'secretspec 0.21.1'],
      ],
    );
    assert.deepEqual(merged.report.constraint_violations, native.report.constraint_violations);
  });
});

describe('import', () => {
  test('the per-secret lines of the real CLI become outcomes; descriptions cannot fake a name', () => {
    const stderr = [
      'Importing secrets from dotenv:/tmp/t11/src.env (profile: default)...',
      '',
      '○ A - a (already exists in target) (→ age)',
      '○ B - b (already in target, not in source) (→ age)',
      '✓ D - d (→ age)',
      '✓ D_2 (→ age; deleted from source)',
      '○ F - f (target value differs) (→ age; source retained)',
      '✓ G - g (already exists in target) (→ age; deleted from source)',
      '✗ E - looks like ✓ X - (→ age) (not found in source)',
      '',
      'Summary: 1 imported, 3 already exists, 1 not found in source',
    ].join('\n');
    const items = parseImportLines(stderr, ['A', 'B', 'D', 'D_2', 'E', 'F', 'G', 'X', 'COMPOSED']);
    assert.deepEqual(
      items.map((i) => [i.name, i.outcome, i.target, i.deletedFromSource]),
      [
        ['A', 'exists', 'age', undefined],
        ['B', 'exists', 'age', undefined],
        ['COMPOSED', 'skipped', undefined, undefined],
        ['D', 'imported', 'age', undefined],
        ['D_2', 'imported', 'age', true],
        ['E', 'not_found', undefined, undefined],
        ['F', 'differs', 'age', undefined],
        ['G', 'exists', 'age', true],
        ['X', 'skipped', undefined, undefined],
      ],
    );
  });

  test('the dry-run plan from two reports: stored values only, composed skipped', () => {
    const source = report([secret('A', 'resolved', { source_provider: 'dotenv:/s' }), secret('B', 'resolved', { source_provider: 'dotenv:/s' }), secret('C', 'missing_required'), secret('D', 'resolved', { default_applied: true })]);
    const destination = report([secret('A', 'resolved', { source_provider: 'age:/a' }), secret('B', 'missing_required'), secret('C', 'missing_required'), secret('D', 'resolved', { default_applied: true }), secret('URL', 'missing_required')]);
    assert.deepEqual(
      planImport(source, destination, new Set(['URL'])).map((i) => [i.name, i.outcome]),
      [
        ['A', 'exists'],
        ['B', 'imported'],
        ['C', 'not_found'],
        ['D', 'not_found'],
        ['URL', 'skipped'],
      ],
    );
  });
});
