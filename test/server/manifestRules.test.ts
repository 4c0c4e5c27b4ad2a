// manifest-rules.md §9, table-driven, over the real server on stdio.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { CASES, type RuleCase } from './manifestRules.cases';

const SEVERITY = { error: 1, warning: 2, information: 3 } as const;

function textAt(text: string, d: Diagnostic): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) =>
    lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(offset(d.range.start), offset(d.range.end));
}

function openedFile(c: RuleCase): string {
  for (const name of ['secretspec.toml', 'app/secretspec.toml', 'a/secretspec.toml']) if (name in c.files) return name;
  throw new Error(`${c.id}: no manifest to open`);
}

describe('manifest-rules.md §9 over stdio', () => {
  let client: LspClient;
  let root: string;
  before(async () => {
    client = await LspClient.start();
    root = mkdtempSync(join(tmpdir(), 'secretspec-rules-'));
  });
  after(async () => {
    await client.stop();
    rmSync(root, { recursive: true, force: true });
  });

  for (const c of CASES) {
    test(`${c.id} ${c.title}`, async () => {
      const dir = join(root, c.id, 'root');
      for (const [name, text] of Object.entries(c.files)) {
        const path = join(dir, name);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text);
      }
      const name = openedFile(c);
      const text = c.files[name]!;
      const diagnostics = await client.diagnose(join(dir, name), text);
      const shown = diagnostics.map((d) => `${d.severity} ${d.code} ${JSON.stringify(textAt(text, d))} ${d.message}`).join('\n');
      for (const d of diagnostics) {
        assert.equal(d.source, 'secretspec');
        assert.match(String(d.code), /^[a-z0-9]+(-[a-z0-9]+)*$/);
      }
      const unmatched = diagnostics.filter((d) => d.severity !== SEVERITY.information);
      for (const e of c.expect) {
        const hit = diagnostics.find(
          (d) => d.severity === SEVERITY[e.severity] && d.code === e.code && d.message.includes(e.message) && (e.at === undefined || textAt(text, d) === e.at),
        );
        assert.ok(hit, `${c.id}: expected ${e.severity} ${e.code} at ${JSON.stringify(e.at)}: ${e.message}\n--- got:\n${shown}`);
        const i = unmatched.indexOf(hit);
        if (i >= 0) unmatched.splice(i, 1);
      }
      assert.deepEqual(
        unmatched.map((d) => `${d.code}: ${d.message}`),
        [],
        `${c.id}: unexpected errors or warnings\n--- got:\n${shown}`,
      );
    });
  }
});
