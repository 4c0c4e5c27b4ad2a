// The rule variants of rulesAudit.cases.ts over stdio against the real
// server: each gives exactly its expected diagnostics, at the exact text and line.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { AUDIT_CASES, HEADER } from './rulesAudit.cases';

/** The text the diagnostic's range covers. */
function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(d.range.start), offset(d.range.end));
}

const SEVERITY = { error: 1, warning: 2, information: 3 } as const;

describe('manifest-rules.md rule variants over stdio', () => {
  let client: LspClient;
  let root: string;
  before(async () => {
    client = await LspClient.start();
    root = mkdtempSync(join(tmpdir(), 'secretspec-audit-'));
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  test('case ids are unique', () => {
    assert.equal(new Set(AUDIT_CASES.map((c) => c.id)).size, AUDIT_CASES.length);
  });

  for (const c of AUDIT_CASES) {
    test(`${c.id}: ${c.rule}`, async () => {
      const dir = join(root, c.id);
      const files = c.files ?? { 'secretspec.toml': HEADER + c.body! };
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), text);
      }
      const name = c.open ?? 'secretspec.toml';
      const text = files[name]!;
      const diagnostics = await client.diagnose(join(dir, name), text);
      const shown = diagnostics.map((d) => `${d.severity} ${d.code} L${d.range.start.line} ${JSON.stringify(textAt(text, d))} ${d.message}`).join('\n');
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
        assert.ok(hit, `${c.id}: expected ${e.severity} ${e.code} at ${JSON.stringify(e.at)} line ${e.line}: ${e.message}\n--- got:\n${shown}`);
        const i = unmatched.indexOf(hit);
        if (i >= 0) unmatched.splice(i, 1);
      }
      assert.deepEqual(
        unmatched.map((d) => `${d.code}: ${d.message}`),
        [],
        `${c.id}: unexpected errors or warnings\n--- got:\n${shown}`,
      );
      for (const code of c.absent ?? []) {
        assert.ok(!diagnostics.some((d) => d.code === code), `${c.id}: ${code} must not be reported\n--- got:\n${shown}`);
      }
    });
  }
});
