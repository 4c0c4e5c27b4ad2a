// The rule cases as one table (manifest-rules.md §9 and the audit variants),
// and the one verdict on a case's diagnostics, shared by the stdio suites
// (the contract test) and the in-process suite over the pure pipeline.
import assert from 'node:assert/strict';
import type { Diagnostic } from '../support/lspClient';
import { CASES } from './manifestRules.cases';
import { AUDIT_CASES, HEADER, type AuditExpected } from './rulesAudit.cases';

export interface TableCase {
  /** The test's name. */
  name: string;
  /** Where the case's files go, relative to its directory. */
  id: string;
  files: Record<string, string>;
  /** The file opened and diagnosed. */
  open: string;
  expect: AuditExpected[];
  absent?: string[];
  tolerate?: string[];
}

function openedFile(files: Record<string, string>, id: string): string {
  for (const name of ['secretspec.toml', 'app/secretspec.toml', 'a/secretspec.toml']) if (name in files) return name;
  throw new Error(`${id}: no manifest to open`);
}

/** manifest-rules.md §9, in document order. */
export const MANIFEST_RULES: TableCase[] = CASES.map((c) => ({ name: `${c.id} ${c.title}`, id: `${c.id}/root`, files: c.files, open: openedFile(c.files, c.id), expect: c.expect }));

/** The audit variants. */
export const RULE_VARIANTS: TableCase[] = AUDIT_CASES.map((c) => {
  const files = c.files ?? { 'secretspec.toml': HEADER + c.body! };
  return {
    name: `${c.id}: ${c.rule}`,
    id: c.id,
    files,
    open: c.open ?? 'secretspec.toml',
    expect: c.expect,
    ...(c.absent ? { absent: c.absent } : {}),
    ...(c.tolerate ? { tolerate: c.tolerate } : {}),
  };
});

/** The text the diagnostic's range covers. */
function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(d.range.start), offset(d.range.end));
}

const SEVERITY = { error: 1, warning: 2, information: 3 } as const;

/** Exactly the expected diagnostics, at the exact text and line; information-level ones may come on top. */
export function assertCase(c: TableCase, diagnostics: readonly Diagnostic[]): void {
  const text = c.files[c.open]!;
  const shown = diagnostics.map((d) => `${d.severity} ${d.code} L${d.range.start.line} ${JSON.stringify(textAt(text, d))} ${d.message}`).join('\n');
  for (const d of diagnostics) {
    assert.equal(d.source, 'secretspec');
    assert.match(String(d.code), /^[a-z0-9]+(-[a-z0-9]+)*$/);
  }
  const unmatched = diagnostics.filter((d) => d.severity !== SEVERITY.information && !c.tolerate?.includes(String(d.code)));
  for (const e of c.expect) {
    const hit = diagnostics.find(
      (d) =>
        d.severity === SEVERITY[e.severity] &&
        d.code === e.code &&
        d.message.includes(e.message) &&
        (e.at === undefined || textAt(text, d) === e.at) &&
        (e.line === undefined || d.range.start.line === e.line),
    );
    assert.ok(hit, `${c.name}: expected ${e.severity} ${e.code} at ${JSON.stringify(e.at)} line ${e.line}: ${e.message}\n--- got:\n${shown}`);
    const i = unmatched.indexOf(hit);
    if (i >= 0) unmatched.splice(i, 1);
  }
  assert.deepEqual(
    unmatched.map((d) => `${d.code}: ${d.message}`),
    [],
    `${c.name}: unexpected errors or warnings\n--- got:\n${shown}`,
  );
  for (const code of c.absent ?? []) assert.ok(!diagnostics.some((d) => d.code === code), `${c.name}: ${code} must not be reported\n--- got:\n${shown}`);
}
