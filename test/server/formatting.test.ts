// Issue 16 #10: the server formats secretspec.toml itself (the `secretspec`
// language id keeps TOML formatters away). dprint's TOML formatter, checked
// on every corpus manifest: the values parse deep-equal before and after,
// every comment line survives, the order of tables (`x-*` ones too) is kept,
// and formatting is idempotent. Then over stdio: the capability and one edit.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'smol-toml';
import { formatManifest, formatToml, tomlComments } from '../../server/src/features/formatting';
import { LspClient } from '../support/lspClient';
import { SHARED, sharedSkipReason } from '../support/shared';

const SPACES = { tabSize: 2, insertSpaces: true };

const MESSY = `# top comment
[project]
name="shop"   # trailing comment
revision =   "1.0"

[profiles.default]
   API_KEY = {description="API key",providers=["env"]}
PATH_LIKE = { description = 'C:\\dir\\x # not a comment', providers = [ "env" ,
  # inside an array
  "dotenv:.env" ] }

[x-team]
owner   =  "ops"
[x-audit.log]
z=1
a=2
`;

const headers = (text: string) => text.split('\n').filter((l) => /^\s*\[/.test(l)).map((l) => l.trim());
const commentLines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('#'));

function assertFaithful(name: string, text: string, formatted: string): void {
  assert.deepEqual(parse(formatted), parse(text), `${name}: a value changed`);
  const kept = formatted.split('\n').map((l) => l.trim());
  for (const c of commentLines(text)) assert.ok(kept.some((l) => l === c || l.endsWith(c)), `${name}: lost comment ${JSON.stringify(c)}`);
  assert.deepEqual(tomlComments(formatted), tomlComments(text), `${name}: comments changed`);
  assert.deepEqual(headers(formatted), headers(text).map((h) => h.replace(/\s+/g, ' ')), `${name}: tables reordered`);
}

test('a messy manifest: spacing fixed, values, comments, order and x-* tables kept', () => {
  const formatted = formatManifest(MESSY, SPACES);
  assert.ok(formatted, 'something to format');
  assertFaithful('messy', MESSY, formatted);
  assert.match(formatted, /^\s*API_KEY = \{ description = "API key", providers = \["env"\] \}$/m);
  assert.match(formatted, /^name = "shop" # trailing comment$/m);
  assert.ok(formatted.indexOf('z = 1') < formatted.indexOf('a = 2'), 'keys are not sorted');
  assert.match(formatManifest('#:schema ./s.json\n[project]\nname="x"\n', SPACES) ?? '', /^#:schema \.\/s\.json$/m, 'a taplo directive stays one');
  assert.equal(formatManifest(formatted, SPACES), undefined, 'idempotent');
});

test('broken TOML is left alone', () => {
  assert.equal(formatManifest('[profiles.default\nA = {', SPACES), undefined);
});

describe('every corpus manifest', { skip: sharedSkipReason('corpus') }, () => {
  test('formats to the same values, comments and table order, idempotently', () => {
    const dir = join(SHARED, 'corpus');
    let formattedCount = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.toml'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      try {
        parse(text);
      } catch {
        continue; // Corpus entries SecretSpec rejects as TOML are not formatted at all.
      }
      const formatted = formatToml(text, SPACES);
      assertFaithful(file, text, formatted);
      assert.equal(formatToml(formatted, SPACES), formatted, `${file}: not idempotent`);
      assert.equal(formatManifest(text, SPACES) ?? text, formatted, `${file}: the checked result is dprint's`);
      if (formatted !== text) formattedCount++;
    }
    assert.ok(formattedCount > 0, 'the corpus exercises the formatter');
  });
});

describe('textDocument/formatting over stdio', () => {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
  });

  test('advertised, and one edit that formats the document', async () => {
    const uri = client.open('/tmp/formatting-test/secretspec.toml', MESSY);
    await client.waitForDiagnostics(uri);
    const edits = await client.request<Array<{ range: unknown; newText: string }>>('textDocument/formatting', { textDocument: { uri }, options: SPACES });
    assert.equal(edits.length, 1);
    assert.equal(edits[0]!.newText, formatManifest(MESSY, SPACES));
    const none = await client.request<unknown[]>('textDocument/formatting', { textDocument: { uri: client.open('/tmp/formatting-test/b/secretspec.toml', edits[0]!.newText) }, options: SPACES });
    assert.deepEqual(none, []);
  });
});
