// The `run` and `export` command lines, pure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExportArguments, parseRunArguments } from '../../server/src/run/args';

test('options before --, the command after it untouched', () => {
  assert.deepEqual(parseRunArguments(['--file', 'a.toml', '--profile=prod', '-S', 'web', '--', 'npm', 'start', '--help', '--profile']), {
    kind: 'run',
    options: { file: 'a.toml', profile: 'prod', scope: 'web', command: ['npm', 'start', '--help', '--profile'] },
  });
});

test('the first word that is no option starts the command, as SecretSpec trailing arguments do', () => {
  assert.deepEqual(parseRunArguments(['-P', 'dev', 'env', '--', 'x']), { kind: 'run', options: { profile: 'dev', command: ['env', '--', 'x'] } });
  assert.deepEqual(parseRunArguments(['--', '-weird-name']), { kind: 'run', options: { command: ['-weird-name'] } });
});

test('--allow-missing, the editor\'s Start Anyway', () => {
  assert.deepEqual(parseRunArguments(['--allow-missing', '-P', 'dev', '--', 'x']), { kind: 'run', options: { allowMissing: true, profile: 'dev', command: ['x'] } });
  assert.equal((parseRunArguments(['--', 'x', '--allow-missing']) as { options: { allowMissing?: boolean } }).options.allowMissing, undefined, 'the command\'s own flag');
});

test('help only before the command', () => {
  assert.deepEqual(parseRunArguments(['--help']), { kind: 'help' });
  assert.deepEqual(parseRunArguments(['-h', '--', 'x']), { kind: 'help' });
  assert.equal(parseRunArguments(['--', 'x', '--help']).kind, 'run');
});

test('usage errors: no command, unknown option, missing or empty value, repeated option', () => {
  for (const [args, problem] of [
    [[], /no command/],
    [['--'], /no command/],
    [['--profile', 'p'], /no command/],
    [['--', ''], /no command/],
    [['--provider', 'env', '--', 'x'], /unknown option '--provider'/],
    [['--profile'], /--profile needs a value/],
    [['--file='], /non-empty/],
    [['--scope', 'a', '--scope=b', '--', 'x'], /--scope given more than once/],
  ] as const) {
    const r = parseRunArguments(args);
    assert.equal(r.kind, 'usage-error', JSON.stringify(args));
    assert.match((r as { problem: string }).problem, problem);
  }
});

test('export: the same options, no command, json the only format', () => {
  assert.deepEqual(parseExportArguments(['--file', 'a.toml', '-P', 'prod', '--scope=web', '--allow-missing', '--format', 'json']), { kind: 'export', options: { file: 'a.toml', profile: 'prod', scope: 'web', allowMissing: true, format: 'json' } });
  assert.deepEqual(parseExportArguments([]), { kind: 'export', options: { format: 'json' } });
  assert.deepEqual(parseExportArguments(['--format=json', '-h']), { kind: 'help' });
  assert.deepEqual(parseExportArguments(['--format', 'shell']), { kind: 'usage-error', problem: '--format shell is not supported: only json' });
  assert.deepEqual(parseExportArguments(['--format']), { kind: 'usage-error', problem: '--format needs a value' });
  assert.deepEqual(parseExportArguments(['--format', 'json', '--format=json']), { kind: 'usage-error', problem: '--format given more than once' });
  assert.deepEqual(parseExportArguments(['npm', 'start']), { kind: 'usage-error', problem: "unexpected argument 'npm'" });
  assert.deepEqual(parseExportArguments(['--', 'npm']), { kind: 'usage-error', problem: "unexpected argument 'npm'" });
  assert.deepEqual(parseExportArguments(['--profile', '']), { kind: 'usage-error', problem: '--profile needs a non-empty value' });
});
