// The manifest differential test: the real SecretSpec 0.21.1 CLI against our
// server's pure pipeline (`analyze`, in process), on the real-world corpus,
// the rule cases, the audit variants, seeded generated manifests and every
// value slot of a manifest given a value of each TOML type
// (test/support/manifestGen.ts).
//
// `secretspec schema --file <path>` is the oracle because it runs exactly the
// load path (cli/mod.rs: Commands::Schema → load_spec → Spec::try_from: TOML
// and serde shape, revision, the `extends` graph, then every semantic rule of
// Config::validate_and_compile) and contacts no provider, so no route rule
// ([R]) can make it fail. For each manifest:
//
//   SecretSpec rejects ⇔ we report at least one Error, and when it rejects
//   for a rule (anything but TOML syntax) one of our Errors contains its core
//   message (the text inside its wrappers, see `coreMessage`).
//
// SECRETSPEC_ORACLE_REPORT=<file> writes every disagreement, manifests
// included, to that file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver/node';
import { analyze } from '../support/analyze';
import { FAMILIES, generateManifests, retypedManifests } from '../support/manifestGen';
import { oracleSkip, runOracleAsync, type OracleRun } from '../support/oracle';
import { SHARED, sharedSkipReason } from '../support/shared';
import { CASES } from '../server/manifestRules.cases';
import { AUDIT_CASES, HEADER } from '../server/rulesAudit.cases';

const GENERATED = 3600;
const SEED = 0x5ec2e75;
/** Two CLI runs in flight: the machines that run the suite have two cores. */
const PARALLEL = 2;

/**
 * Disagreements accepted on purpose, by case id, with the reason. A listed
 * case must still disagree: once it agrees, it has to leave this table.
 */
const EXCEPTIONS: Record<string, string> = {};

interface Input {
  id: string;
  group: string;
  /** Relative to the case directory; `../x` lands beside it. */
  files: Record<string, string>;
  open: string;
}

interface Verdict {
  rejects: boolean;
  /** SecretSpec's core message, without its wrappers and TOML source excerpt. */
  core?: string;
  /** Rejected by the TOML grammar itself, where the two parsers word things differently. */
  syntax?: boolean;
}

interface Outcome {
  input: Input;
  oracle: Verdict;
  errors: string[];
  disagreement?: 'missed-rejection' | 'false-rejection' | 'message';
}

// What the TOML grammar itself says (toml_parser, toml_datetime and the
// toml crate's number checks), as opposed to serde's "invalid type: …",
// "missing field …" and SecretSpec's own messages, which are rules.
const SYNTAX = new RegExp(
  '^(?:' +
    [
      'invalid (?:key|unquoted key|table|inline table element|key-value pair|value|string|basic string|multi-line basic string|literal string|multi-line literal string|comment character|boolean|integer number|binary number|octal number|hexadecimal number|float|exponent|fraction|mantissa|date-time|datetime|date|time|nanoseconds)\\b(?!:)',
      'duplicate key',
      'unclosed ',
      'cannot extend value of type',
      'cannot recurse further',
      'unexpected ',
      'missing (?:array opening|assignment between|comma between|comment start|escaped value|inline table opening|key for inline table|opening quote|table open|value)',
      'extra (?:`=`|assignment|comma)',
      'key with no value',
      'keys cannot be multi-line',
      'string values must be quoted',
      'unquoted keys cannot be empty',
      'carriage return must be followed',
      'integers with a radix',
      'radix must be lowercase',
      'redundant ',
      'too few unicode value digits',
      '`_` may only go between digits',
      '(?:integer|floating-point) number overflowed',
    ].join('|') +
    ')',
);

/**
 * The rule text inside SecretSpec's wrappers. With NO_GRAPHICS, miette prints
 * `Error: Failed to load secretspec configuration`, then `    Caused by: `
 * with SecretSpecError's Display ("Invalid SecretSpec declaration: …",
 * "TOML parsing error: TOML parse error at line L, column C", a source
 * excerpt and the message, "IO error: …" for a cycle, or the revision and
 * missing-parent messages whole), then its sources again.
 */
function coreMessage(stderr: string): { core: string; syntax: boolean } {
  const text = stderr.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const cause = text.split('\n    Caused by: ')[1];
  if (cause === undefined) throw new Error(`SecretSpec failed without a cause:\n${text}`);
  for (const wrapper of ['Invalid SecretSpec declaration: ', 'IO error: ']) {
    if (cause.startsWith(wrapper)) return { core: cause.slice(wrapper.length).trim(), syntax: false };
  }
  const toml = 'TOML parsing error: ';
  if (!cause.startsWith(toml)) return { core: cause.trim(), syntax: false };
  const lines = cause.slice(toml.length).split('\n');
  if (/^TOML parse error at line \d+, column \d+$/.test(lines[0]!)) lines.shift();
  while (lines.length && /^ *\d* \|/.test(lines[0]!)) lines.shift();
  const core = lines.join('\n').trim();
  return { core, syntax: SYNTAX.test(core) };
}

function verdict(run: OracleRun): Verdict {
  return run.status === 0 ? { rejects: false } : { rejects: true, ...coreMessage(run.stderr) };
}

/** `core` inside `message` as a whole, so `struct Project` is not found in `struct ProjectInfo`. */
function containsWhole(message: string, core: string): boolean {
  const word = /\w/;
  for (let at = message.indexOf(core); at >= 0; at = message.indexOf(core, at + 1)) {
    const before = message[at - 1] ?? ' ';
    const after = message[at + core.length] ?? ' ';
    if (!(word.test(core[0]!) && word.test(before)) && !(word.test(core[core.length - 1]!) && word.test(after))) return true;
  }
  return false;
}

function compare(oracle: Verdict, errors: string[]): Outcome['disagreement'] {
  if (!oracle.rejects) return errors.length ? 'false-rejection' : undefined;
  if (!errors.length) return 'missed-rejection';
  if (!oracle.syntax && !errors.some((m) => containsWhole(m, oracle.core!))) return 'message';
  return undefined;
}

// ---- inputs ----

const corpusSkip = sharedSkipReason('corpus/INDEX.tsv');

/**
 * Each corpus file at its path in its repository, with the parents INDEX.tsv
 * maps to other corpus files beside it; a parent the corpus lacks stays
 * missing on both sides.
 */
function corpusInputs(): Input[] {
  if (corpusSkip) return [];
  const [head, ...rows] = readFileSync(join(SHARED, 'corpus', 'INDEX.tsv'), 'utf8').trim().split('\n');
  const cols = head!.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    const get = (name: string) => cells[cols.indexOf(name)] ?? '';
    const file = get('file');
    const open = get('path');
    const files: Record<string, string> = { [open]: readFileSync(join(SHARED, 'corpus', file), 'utf8') };
    for (const m of get('notes').matchAll(/extends (\S+) -> (\S+\.toml)/g)) {
      const target = join(dirname(open), m[1]!, m[1]!.endsWith('.toml') ? '' : 'secretspec.toml');
      files[target] = readFileSync(join(SHARED, 'corpus', m[2]!), 'utf8');
    }
    return { id: `corpus/${file}`, group: 'corpus', files, open };
  });
}

function ruleCaseInputs(): Input[] {
  return CASES.map((c) => ({
    id: `rules/${c.id}`,
    group: 'manifestRules.cases',
    files: c.files,
    open: ['secretspec.toml', 'app/secretspec.toml', 'a/secretspec.toml'].find((name) => name in c.files)!,
  }));
}

function auditInputs(): Input[] {
  return AUDIT_CASES.map((c) => ({
    id: `audit/${c.id}`,
    group: 'rulesAudit.cases',
    files: c.files ?? { 'secretspec.toml': HEADER + c.body! },
    open: c.open ?? 'secretspec.toml',
  }));
}

function generatedInputs(): Input[] {
  return [...generateManifests(SEED, GENERATED), ...retypedManifests()].map((c) => ({ id: c.id, group: `generated/${c.family}`, files: c.files, open: c.open }));
}

// ---- running ----

async function inPool<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await run(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function judge(input: Input, dir: string, home: string): Promise<Outcome> {
  for (const [name, text] of Object.entries(input.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  const path = join(dir, input.open);
  // NO_GRAPHICS: miette's narrated report, which never wraps a message at the terminal width.
  const run = runOracleAsync(['schema', '--file', path], { home, cwd: dir, env: { NO_GRAPHICS: '1' } });
  const { diagnostics } = await analyze(input.files[input.open]!, path, {});
  const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.code}: ${d.message}`);
  const oracle = verdict(await run);
  return { input, oracle, errors, disagreement: compare(oracle, errors) };
}

function describeOutcome(o: Outcome): string {
  const said = o.oracle.rejects ? `rejects${o.oracle.syntax ? ' (TOML syntax)' : ''}: ${o.oracle.core}` : 'accepts';
  return `${o.input.id} [${o.disagreement}]\n  SecretSpec ${said}\n  we: ${o.errors.length ? o.errors.join('\n      ') : 'no Error'}`;
}

/** Every disagreement with its manifests, after a per-group count, for SECRETSPEC_ORACLE_REPORT. */
function report(outcomes: Outcome[]): string {
  const summary = [...new Set(outcomes.map((o) => o.input.group))].map((group) => {
    const mine = outcomes.filter((o) => o.input.group === group);
    return `${group}: ${mine.length} manifests, SecretSpec rejects ${mine.filter((o) => o.oracle.rejects).length}, ${mine.filter((o) => o.disagreement).length} disagree\n`;
  });
  const entry = (o: Outcome) => {
    const exception = EXCEPTIONS[o.input.id] ? `\n  exception: ${EXCEPTIONS[o.input.id]}` : '';
    const files = Object.entries(o.input.files).map(([name, text]) => `  --- ${name}\n${text.replace(/^/gm, '  | ')}`);
    return `${describeOutcome(o)}${exception}\n${files.join('\n')}\n`;
  };
  const sections = (['missed-rejection', 'false-rejection', 'message'] as const).map((kind) => {
    const list = outcomes.filter((o) => o.disagreement === kind);
    return list.length ? `#### ${kind} (${list.length})\n\n${list.map(entry).join('\n')}` : '';
  });
  return [summary.join(''), ...sections].filter(Boolean).join('\n');
}

// Real CLI output (NO_GRAPHICS), one per wrapper.
const tomlFailure = (excerpt: string, message: string) =>
  `Error: Failed to load secretspec configuration\n    Diagnostic severity: error\n    Caused by: TOML parsing error: TOML parse error at line 4, column 1\n  |\n4 | ${excerpt}\n  | ^\n${message}\n\n    Caused by: TOML parse error at line 4, column 1\n  |\n4 | ${excerpt}\n  | ^\n${message}\n\n`;
const loadFailure = (cause: string) => `Error: Failed to load secretspec configuration\n    Diagnostic severity: error\n    Caused by: ${cause}\n`;

test('a core message must appear whole in one of ours', () => {
  assert.ok(containsWhole("Profile 'prod': Secret 'A': missing description", "Secret 'A': missing description"));
  assert.ok(containsWhole('invalid-type: invalid type: string "A", expected struct Project (in /x:1:1)', 'invalid type: string "A", expected struct Project'));
  assert.ok(!containsWhole('invalid type: string "A", expected struct ProjectInfo', 'invalid type: string "A", expected struct Project'));
  assert.ok(!containsWhole('unknown variant `hexa`', 'unknown variant `hex'));
});

test('coreMessage unwraps every kind of SecretSpec load failure', () => {
  assert.deepEqual(coreMessage(loadFailure("Invalid SecretSpec declaration: Profile 'default': Secret 'A': missing description")), {
    core: "Profile 'default': Secret 'A': missing description",
    syntax: false,
  });
  assert.deepEqual(coreMessage(tomlFailure('[profiles.default]', 'unknown variant `rot13`, expected one of `base64`, `base64url`, `hex`')), {
    core: 'unknown variant `rot13`, expected one of `base64`, `base64url`, `hex`',
    syntax: false,
  });
  assert.deepEqual(coreMessage(tomlFailure('A = | B', 'invalid value: map, expected map with a single key')), { core: 'invalid value: map, expected map with a single key', syntax: false });
  for (const message of ['duplicate key', 'unclosed inline table, expected `}`', 'string values must be quoted, expected literal string', 'invalid date, expected month between 01 and 12', 'key with no value, expected `=`']) {
    assert.deepEqual(coreMessage(tomlFailure('A = {', message)), { core: message, syntax: true });
  }
  assert.deepEqual(coreMessage(loadFailure('IO error: Configuration file /x/secretspec.toml is part of a circular dependency chain\n    Caused by: Configuration file /x/secretspec.toml is part of a circular dependency chain')), {
    core: 'Configuration file /x/secretspec.toml is part of a circular dependency chain',
    syntax: false,
  });
  assert.deepEqual(coreMessage(loadFailure('Extended config file not found: /x/../nope/secretspec.toml')), { core: 'Extended config file not found: /x/../nope/secretspec.toml', syntax: false });
  assert.equal(coreMessage(loadFailure("Unsupported secretspec revision '2.0'. This version of secretspec only supports revision '1.0'")).core, "Unsupported secretspec revision '2.0'. This version of secretspec only supports revision '1.0'");
});

const skip = oracleSkip();

describe('manifests: SecretSpec 0.21.1 (`secretspec schema`) against analyze()', { skip }, () => {
  let inputs: Input[] = [];
  const outcomes = new Map<string, Outcome>();
  let root: string;

  before(async () => {
    inputs = [...corpusInputs(), ...ruleCaseInputs(), ...auditInputs(), ...generatedInputs()];
    root = mkdtempSync(join(tmpdir(), 'secretspec-oracle-manifests-'));
    const home = join(root, 'home');
    mkdirSync(home);
    // Each case in <n>/root so that the `../x` files some cases carry stay inside <n>.
    const results = await inPool(inputs, PARALLEL, (input, i) => judge(input, join(root, String(i), 'root'), home));
    for (const o of results) outcomes.set(o.input.id, o);
    const file = process.env['SECRETSPEC_ORACLE_REPORT'];
    if (file) writeFileSync(file, report(results));
  });
  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('case ids are unique', () => {
    assert.equal(new Set(inputs.map((i) => i.id)).size, inputs.length);
  });

  test(`the generator gives ${GENERATED} manifests, each family some SecretSpec accepts and some it rejects`, () => {
    for (const family of Object.keys(FAMILIES)) {
      const mine = [...outcomes.values()].filter((o) => o.input.group === `generated/${family}`);
      assert.ok(mine.some((o) => o.oracle.rejects) && mine.some((o) => !o.oracle.rejects), `${family}: ${mine.filter((o) => o.oracle.rejects).length} of ${mine.length} rejected`);
    }
    assert.equal([...outcomes.values()].filter((o) => o.input.group.startsWith('generated/') && o.input.group !== 'generated/retype').length, GENERATED);
  });

  const groups = ['corpus', 'manifestRules.cases', 'rulesAudit.cases', ...[...Object.keys(FAMILIES), 'retype'].map((f) => `generated/${f}`)];
  for (const group of groups) {
    test(`${group}: every verdict and core message agrees`, { skip: group === 'corpus' ? corpusSkip : false }, () => {
      const mine = [...outcomes.values()].filter((o) => o.input.group === group);
      assert.ok(mine.length > 0);
      const unexpected = mine.filter((o) => o.disagreement && !EXCEPTIONS[o.input.id]);
      assert.equal(unexpected.length, 0, `${unexpected.length} of ${mine.length} disagree:\n\n${unexpected.map(describeOutcome).join('\n\n')}`);
    });
  }

  test('every listed exception still disagrees', () => {
    const fixed = Object.keys(EXCEPTIONS).filter((id) => !outcomes.get(id)?.disagreement);
    assert.deepEqual(fixed, [], 'these now agree with SecretSpec (or no longer exist): remove them from EXCEPTIONS');
  });
});
