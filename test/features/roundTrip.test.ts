// Every quick fix offered on every corpus manifest, applied: bytes outside
// the edit ranges stay the same, the diagnostic goes away and no new Error
// appears. Completion, hover and definition are asked all over each file too:
// they must answer, whatever the text. The corpus lives in ../shared, which
// only developers and CI have.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { SHARED, sharedSkipReason } from '../support/shared';
import { applyEdits, ERROR, openAndDiagnose, revalidate, untouchedOutside, Workspace, type TextEdit } from './support';

interface CodeAction {
  title: string;
  edit?: { changes?: Record<string, TextEdit[]> };
}

const skip = sharedSkipReason('corpus');
const files = skip ? [] : readdirSync(join(SHARED, 'corpus')).filter((f) => f.endsWith('.toml')).sort();
const key = (d: Diagnostic) => `${d.code} ${d.message}`;
const count = (list: Diagnostic[], k: string) => list.filter((d) => key(d) === k).length;

describe('quick fixes round-trip over the corpus', { skip }, () => {
  let client: LspClient;
  const ws = new Workspace();
  let applied = 0;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  for (const file of files) {
    test(file, async () => {
      const text = readFileSync(join(SHARED, 'corpus', file), 'utf8');
      const { uri, diagnostics } = await openAndDiagnose(client, ws.path(), text);
      const errorsBefore = new Set(diagnostics.filter((d) => d.severity === ERROR).map(key));
      for (const d of diagnostics) {
        const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: [d] },
        });
        for (const action of actions) {
          const edits = action.edit?.changes?.[uri] ?? [];
          assert.ok(edits.length, `${action.title}: no edits`);
          assert.ok(untouchedOutside(text, edits), `${action.title}: changed bytes outside its ranges`);
          const fixed = applyEdits(text, edits).text;
          const after = await revalidate(client, uri, fixed);
          assert.ok(count(after, key(d)) < count(diagnostics, key(d)), `${action.title}: ${key(d)} is still reported`);
          const added = after.filter((x) => x.severity === ERROR && !errorsBefore.has(key(x))).map(key);
          assert.deepEqual(added, [], `${action.title} introduced errors`);
          applied++;
          await revalidate(client, uri, text);
        }
      }
      const lines = text.split('\n');
      for (let line = 0; line < lines.length; line += Math.max(1, Math.floor(lines.length / 12))) {
        for (const character of [0, Math.floor(lines[line]!.length / 2), lines[line]!.length]) {
          const at = { textDocument: { uri }, position: { line, character } };
          await client.request('textDocument/completion', at);
          await client.request('textDocument/hover', at);
          await client.request('textDocument/definition', at);
        }
      }
      await client.request('textDocument/documentSymbol', { textDocument: { uri } });
      client.close(uri);
    });
  }

  test('some fixes were exercised', () => {
    assert.ok(applied >= 10, `only ${applied} quick fixes were offered on the corpus`);
  });
});
