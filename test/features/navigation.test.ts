// Definition, references, the outline and inlay hints, over stdio.
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { join, dirname } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspClient } from '../support/lspClient';
import { offsetOf, positionOf, Workspace, type Range } from './support';

interface Location {
  uri: string;
  range: Range;
}
interface Symbol {
  name: string;
  kind: number;
  detail?: string;
  children?: Symbol[];
}

const TEXT = `[project]
name = "shop"
revision = "1.0"
extends = ["../shared"]

[providers]
local = "dotenv:.env"
kr = { uri = "keyring://" }

[profiles.default]
HOST = { description = "Host", providers = ["local"] }
URL = { description = "URL", composed = "https://\${HOST}/" }

[profiles.production]
HOST = { providers = ["kr"], refs = { kr = { item = "h" } } }
URL = {}

[scopes.web]
secrets = ["HOST", "URL"]
`;

const SHARED = '[project]\nname = "base"\nrevision = "1.0"\n[profiles.default]\nBASE = { description = "b" }\n';

describe('navigation over stdio', () => {
  let client: LspClient;
  const ws = new Workspace();
  let uri: string;
  let parentUri: string;
  before(async () => {
    client = await LspClient.start();
    const path = ws.path({ 'app/x': '', 'shared/secretspec.toml': SHARED });
    const manifest = join(dirname(path), 'app', 'secretspec.toml');
    parentUri = pathToFileURL(join(dirname(path), 'shared', 'secretspec.toml')).href;
    uri = client.open(manifest, TEXT);
    await client.waitForDiagnostics(uri);
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  /** Position of the n-th occurrence of `needle` (plus `shift` characters). */
  const pos = (needle: string, nth = 0, shift = 1) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = TEXT.indexOf(needle, i + 1);
    assert.ok(i >= 0, needle);
    return positionOf(TEXT, i + shift);
  };
  const textOf = (r: Range) => TEXT.slice(offsetOf(TEXT, r.start), offsetOf(TEXT, r.end));
  const lineOf = (r: Range) => TEXT.split('\n')[r.start.line];
  const definition = (position: { line: number; character: number }) =>
    client.request<Location[]>('textDocument/definition', { textDocument: { uri }, position });

  test('an alias use goes to its [providers] entry', async () => {
    const [loc] = await definition(pos('"local"]', 0, 2));
    assert.equal(loc!.uri, uri);
    assert.equal(textOf(loc!.range), 'local');
    assert.match(lineOf(loc!.range)!, /^local = /);
  });

  test('${NAME} goes to the declaration its profile uses', async () => {
    const [loc] = await definition(pos('${HOST}', 0, 3));
    assert.equal(textOf(loc!.range), 'HOST');
    assert.match(lineOf(loc!.range)!, /description = "Host"/);
  });

  test('a scope entry and a refs key go to their targets', async () => {
    const [scope] = await definition(pos('"URL"]', 0, 2));
    assert.match(lineOf(scope!.range)!, /^URL = \{ description/);
    const [refs] = await definition(pos('kr = { item', 0, 1));
    assert.match(lineOf(refs!.range)!, /^kr = \{ uri/);
  });

  test('a secret redeclared in a profile goes to its [profiles.default] declaration', async () => {
    const [loc] = await definition(pos('HOST = { providers', 0, 1));
    assert.match(lineOf(loc!.range)!, /^HOST = \{ description = "Host"/);
  });

  test('an extends entry goes to the parent file', async () => {
    const [loc] = await definition(pos('../shared', 0, 3));
    assert.equal(loc!.uri, parentUri);
  });

  test('references of a secret and of an alias', async () => {
    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: pos('HOST = {', 0, 1), context: { includeDeclaration: true } });
    assert.equal(refs.length, 4, JSON.stringify(refs.map((r) => lineOf(r.range))));
    assert.ok(refs.every((r) => textOf(r.range) === 'HOST'));
    const alias = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position: pos('kr = {', 0, 1), context: { includeDeclaration: false } });
    assert.equal(alias.length, 2);
    assert.ok(alias.every((r) => textOf(r.range) === 'kr'));
  });

  test('document symbols: project, aliases, profiles with secrets, scopes', async () => {
    const symbols = await client.request<Symbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    const tree = (s: Symbol[]): unknown => s.map((x) => (x.children?.length ? { [x.name]: tree(x.children) } : x.name));
    assert.deepEqual(tree(symbols), [
      'project',
      { providers: ['local', 'kr'] },
      { profiles: [{ default: ['HOST', 'URL'] }, { production: ['HOST', 'URL'] }] },
      { scopes: ['web'] },
    ]);
    assert.equal(symbols[0]!.detail, 'shop');
    assert.equal(symbols[1]!.children![1]!.detail, 'keyring://');
  });

  test('inlay hints show the fields a redeclared secret inherits from default', async () => {
    const hints = await client.request<Array<{ position: { line: number }; label: string }>>('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
    });
    const byLine = new Map(hints.map((h) => [TEXT.split('\n')[h.position.line]!.split(' ')[0], h.label]));
    assert.equal(byLine.get('HOST'), 'inherits description from default');
    assert.equal(byLine.get('URL'), 'inherits description, composed from default');
    assert.equal(hints.length, 2);
  });
});
