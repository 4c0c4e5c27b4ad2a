// The CLI's `check --json` report and the comparison both oracle suites make
// with ours. Reports carry no values, so a failure may show them whole.
import assert from 'node:assert/strict';
import type { ResolutionReport } from '../../protocol/src';
import { runOracle } from '../support/oracle';

/**
 * `secretspec check --json` for one profile (`--json` never prompts, never
 * mints; `--no-prompt` only says so). Exit 1 with a report means "something
 * required is missing"; without one, the CLI's stderr is the failure.
 */
export function cliReport(file: string, profile: string, home: string, env: NodeJS.ProcessEnv): ResolutionReport {
  const r = runOracle(['check', '--json', '--no-prompt', '--profile', profile, '--file', file], { home, env });
  assert.ok(r.status === 0 || r.status === 1, `secretspec check --json --profile ${profile} exited ${r.status}: ${r.stderr}`);
  try {
    return JSON.parse(r.stdout) as ResolutionReport;
  } catch {
    assert.fail(`secretspec check --json --profile ${profile} printed no report: ${r.stderr}`);
  }
}

/** Every field on which two reports disagree, as `NAME.field: ours … / CLI …` lines. */
function differences(ours: ResolutionReport, theirs: ResolutionReport): string[] {
  const out: string[] = [];
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));
  const top = (r: ResolutionReport) => r as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    if (key !== 'secrets' && JSON.stringify(top(ours)[key]) !== JSON.stringify(top(theirs)[key])) out.push(`${key}: ours ${show(top(ours)[key])} / CLI ${show(top(theirs)[key])}`);
  }
  const byName = (r: ResolutionReport) => new Map(r.secrets.map((s) => [s.name, s as unknown as Record<string, unknown>]));
  const a = byName(ours);
  const b = byName(theirs);
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name);
    const y = b.get(name);
    if (!x || !y) {
      out.push(`${name}: ${x ? 'only ours' : 'only the CLI'} reports it`);
      continue;
    }
    for (const field of new Set([...Object.keys(x), ...Object.keys(y)])) {
      if (x[field] !== y[field]) out.push(`${name}.${field}: ours ${show(x[field])} / CLI ${show(y[field])}`);
    }
  }
  return out;
}

const entryKeys = (report: ResolutionReport) => report.secrets.map((s) => `${s.name}: ${Object.keys(s).join(',')}`);

/**
 * The same report, field by field (the failure lists each difference), and
 * serialized alike: the same key order at the top and in every entry.
 * Returns how many secret entries were compared.
 */
export function assertSameReport(ours: ResolutionReport, theirs: ResolutionReport, label: string): number {
  assert.deepEqual(differences(ours, theirs), [], `${label}: reports differ`);
  assert.deepEqual(ours, theirs, `${label}: reports differ`);
  assert.deepEqual(Object.keys(ours), Object.keys(theirs), `${label}: report keys in another order`);
  assert.deepEqual(entryKeys(ours), entryKeys(theirs), `${label}: entry keys in another order`);
  return theirs.secrets.length;
}
