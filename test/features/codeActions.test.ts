// Quick fixes over stdio: each fix, applied, makes its diagnostic disappear,
// adds no new Error, and touches only the characters in its edit ranges.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { applyEdits, ERROR, H, openAndDiagnose, revalidate, untouchedOutside, Workspace, type TextEdit } from './support';

interface CodeAction {
  title: string;
  kind?: string;
  isPreferred?: boolean;
  diagnostics?: Diagnostic[];
  edit?: { changes?: Record<string, TextEdit[]> };
}

interface FixCase {
  name: string;
  text: string;
  code: string;
  /** Which offered fix to apply (substring of its title); the first when omitted. */
  title?: string;
  /** The fixed text must contain this. */
  expect: string;
  files?: Record<string, string>;
}

const CASES: FixCase[] = [
  {
    name: 'add a missing description (inline table)',
    text: H + '\n[profiles.default]\nAPI_KEY = { required = true } # keep me\n',
    code: 'missing-description',
    expect: 'API_KEY = { description = "Api key", required = true } # keep me\n',
  },
  {
    name: 'add a missing description (empty inline table)',
    text: H + '\n[profiles.default]\nAPI_KEY = {}\n',
    code: 'missing-description',
    expect: 'API_KEY = { description = "Api key" }',
  },
  {
    name: 'add a missing description (header table)',
    text: H + '\n[profiles.default.DB_URL]\nrequired = false\n',
    code: 'missing-description',
    expect: '[profiles.default.DB_URL]\ndescription = "Db url"\nrequired = false\n',
  },
  {
    name: 'add a missing description (dotted keys)',
    text: H + '\n[profiles.default]\n  DB.required = false\n',
    code: 'missing-description',
    expect: '  DB.description = "Db"\n  DB.required = false\n',
  },
  {
    name: 'drop required = true when a default is set',
    text: H + "\n[profiles.default]\nPORT = { description = 'p', required = true, default = '80' }\n",
    code: 'required-with-default',
    title: 'drop `required',
    expect: "PORT = { description = 'p', default = '80' }",
  },
  {
    name: 'drop the default when required = true is set',
    text: H + "\n[profiles.default]\nPORT = { description = 'p', required = true, default = '80' }\n",
    code: 'required-with-default',
    title: 'drop `default',
    expect: "PORT = { description = 'p', required = true }",
  },
  {
    name: 'drop a default written on its own line, keeping the comment above',
    text: H + '\n[profiles.default.PORT]\ndescription = "p"\n# the port\nrequired = true\ndefault = "80"\n',
    code: 'required-with-default',
    title: 'drop `default',
    expect: '# the port\nrequired = true\n',
  },
  {
    name: 'add type next to generate',
    text: H + '\n[profiles.default]\nTOKEN = { description = "t", generate = true, as_path = false }\n',
    code: 'generate-requires-type',
    expect: 'TOKEN = { description = "t", generate = true, type = "password", as_path = false }',
  },
  {
    name: 'add type = "command" next to a command generator',
    text: H + '\n[profiles.default]\nTOKEN = { description = "t", generate = { command = "openssl rand -hex 8" } }\n',
    code: 'generate-requires-type',
    expect: 'generate = { command = "openssl rand -hex 8" }, type = "command" }',
  },
  {
    name: 'rename an ignored key to the suggested field',
    text: H + '\n[profiles.default]\nDB = { descripton = "db" }\n',
    code: 'ignored-key',
    expect: 'DB = { description = "db" }',
  },
  {
    name: 'rename an ignored key and wrap its string into the list the field takes',
    text: H + '\n[profiles.default]\nLD = { description = "ld", provider = "env" }\n',
    code: 'ignored-key',
    expect: 'LD = { description = "ld", providers = ["env"] }',
  },
  {
    name: 'rename an ignored top-level table everywhere it is written',
    text: H + '\n[profile.default]\nA = { description = "a" }\n\n[profiles.prod]\nA = { description = "a" }\n\n[profile.dev]\nB = { description = "b" }\n',
    code: 'ignored-table',
    expect: '[profiles.default]\nA = { description = "a" }\n\n[profiles.prod]\nA = { description = "a" }\n\n[profiles.dev]',
  },
  {
    name: 'translate a string ref into the coordinate table',
    text: H + '\n[profiles.default]\nDB = { description = "db", ref = "op://Prod/db/password" }\n',
    code: 'ref-not-table',
    expect: 'ref = { vault = "Prod", item = "db", field = "password" } }',
  },
  {
    name: 'a misspelt built-in scheme: did you mean, and the scheme replaced (issue 16 #5)',
    text: H + '\n[profiles.default]\nDB = { description = "db", providers = ["keyrng://"] }\n',
    code: 'plugin-not-installed',
    expect: 'providers = ["keyring://"]',
  },
  {
    name: 'a 1Password item in the URI: the vault URI its message names (issue 16 #5)',
    text: H + '\n[profiles.default]\nDB = { description = "db", providers = ["onepassword://Prod/item/field"] }\n',
    code: 'address-in-provider-uri',
    expect: 'providers = ["onepassword://Prod"]',
  },
  {
    name: '1password → onepassword',
    text: H + '\n[profiles.default]\nDB = { description = "db", providers = ["1password://Prod"] }\n',
    code: 'invalid-scheme-1password',
    expect: 'providers = ["onepassword://Prod"]',
  },
  {
    name: 'revision → "1.0"',
    text: '[project]\nname = "shop"\nrevision = "2.0" # bump?\n\n[profiles.default]\nA = { description = "a" }\n',
    code: 'unsupported-revision',
    expect: 'revision = "1.0" # bump?',
  },
  {
    name: 'add a missing revision',
    text: '[project]\nname = "shop"\n\n[profiles.default]\nA = { description = "a" }\n',
    code: 'missing-field',
    expect: '[project]\nname = "shop"\nrevision = "1.0"\n\n',
  },
  {
    name: 'declare a secret a composed template names',
    text: H + '\n[profiles.default]\nHOST = { description = "h" }\nURL = { description = "u", composed = "https://${HOST}:${PORT}" }\n\n[profiles.prod]\nHOST = { description = "h" }\n',
    code: 'composed-unknown-reference',
    expect: 'URL = { description = "u", composed = "https://${HOST}:${PORT}" }\nPORT = { description = "Port" }\n\n[profiles.prod]',
  },
  {
    name: 'declare a secret a scope names',
    text: H + '\n[profiles.default]\nA = { description = "a" }\n\n[scopes.web]\nsecrets = ["A", "B_KEY"]\n',
    code: 'scope-unknown-secret',
    expect: '[profiles.default]\nA = { description = "a" }\nB_KEY = { description = "B key" }\n\n[scopes.web]',
  },
  {
    name: 'add a missing alias to an existing [providers]',
    text: H + '\n[providers]\nlocal = "dotenv:.env"\n\n[profiles.default]\nA = { description = "a", providers = ["vault_prod"] }\n',
    code: 'undefined-alias',
    expect: '[providers]\nlocal = "dotenv:.env"\nvault_prod = "keyring://"\n',
  },
  {
    name: 'add a missing alias by creating [providers]',
    text: H + '\n[profiles.default]\nA = { description = "a", providers = ["shared"] }\n',
    code: 'undefined-alias',
    expect: 'revision = "1.0"\n\n[providers]\nshared = "keyring://"\n\n[profiles.default]',
  },
  {
    name: 'dotenv:.env:prod → dotenv:./.env:prod',
    text: H + "\n[profiles.default]\nA = { description = \"a\", providers = ['dotenv:.env:prod'] }\n",
    code: 'invalid-provider-uri',
    expect: "providers = ['dotenv:./.env:prod']",
  },
  {
    name: 'remove a default next to generate',
    text: H + '\n[profiles.default]\nT = { description = "t", type = "hex", generate = true, default = "00" }\n',
    code: 'generate-with-default',
    expect: 'T = { description = "t", type = "hex", generate = true }',
  },
  {
    name: 'ref and refs: keep refs',
    text: H + '\n[providers]\nremote = "onepassword://V"\n[profiles.default]\nA = { description = "a", ref = { item = "x" }, refs = { remote = { item = "y" } } }\n',
    code: 'ref-and-refs',
    title: 'Keep `refs`',
    expect: 'A = { description = "a", refs = { remote = { item = "y" } } }',
  },
  {
    name: 'ref and refs: keep ref',
    text: H + '\n[profiles.default]\nA = { description = "a", ref = { item = "x" }, refs = { remote = { item = "y" } } }\n',
    code: 'ref-and-refs',
    title: 'Keep `ref`',
    expect: 'A = { description = "a", ref = { item = "x" } }',
  },
  {
    name: 'extract next to generate: remove generate',
    text: H + '\n[profiles.default]\nA = { description = "a", type = "password", generate = true, extract = { format = "json", pointer = "/a" } }\n',
    code: 'extract-with-generate',
    expect: 'A = { description = "a", type = "password", extract = { format = "json", pointer = "/a" } }',
  },
  {
    name: 'a cached alias in a chain: keep only the route',
    text:
      H +
      "\n[providers]\nsrc = \"env://\"\nlocal = \"keyring://\"\nroute = { fallback = [\"src\"], cache = { provider = \"local\", max_age = \"1h\" } }\n[profiles.default]\nA = { description = \"a\", providers = ['route', \"env://\"] }\n",
    code: 'cached-alias-in-chain',
    expect: "A = { description = \"a\", providers = ['route'] }",
  },
  {
    name: 'an invalid secret name: rename it everywhere',
    text: H + '\n[profiles.default]\n"API-KEY" = { description = "a" }\n[profiles.prod]\n"API-KEY" = { required = false }\n[scopes.web]\nsecrets = ["API-KEY"]\n',
    code: 'invalid-secret-name',
    expect: '[profiles.default]\n"API_KEY" = { description = "a" }\n[profiles.prod]\n"API_KEY" = { required = false }\n[scopes.web]\nsecrets = ["API_KEY"]\n',
  },
  {
    name: 'a secret name starting with a digit',
    text: H + '\n[profiles.default]\n1KEY = { description = "a" }\n',
    code: 'invalid-secret-name',
    expect: '_1KEY = { description = "a" }',
  },
  {
    name: 'fix an encoding typo',
    text: H + '\n[profiles.default]\nT = { description = "t", encoding = "base46" }\n',
    code: 'invalid-encoding',
    expect: 'encoding = "base64"',
  },
];

describe('quick fixes over stdio', () => {
  let client: LspClient;
  const ws = new Workspace();
  before(async () => {
    client = await LspClient.start();
  });
  after(async () => {
    await client.stop();
    ws.dispose();
  });

  for (const c of CASES) {
    test(c.name, async () => {
      const { uri, diagnostics } = await openAndDiagnose(client, ws.path(c.files), c.text);
      const target = diagnostics.find((d) => d.code === c.code);
      assert.ok(target, `no ${c.code} in ${JSON.stringify(diagnostics.map((d) => d.code))}`);
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: target.range,
        context: { diagnostics: [target], only: ['quickfix'] },
      });
      const action = actions.find((a) => !c.title || a.title.includes(c.title));
      assert.ok(action, `no fix offered; got ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.equal(action.kind, 'quickfix');
      const edits = action.edit?.changes?.[uri] ?? [];
      assert.ok(edits.length > 0);
      assert.ok(untouchedOutside(c.text, edits));
      const fixed = applyEdits(c.text, edits).text;
      assert.ok(fixed.includes(c.expect), `fixed text:\n${fixed}`);
      const after = await revalidate(client, uri, fixed);
      assert.ok(!after.some((d) => d.code === c.code && d.message === target.message), `still reported:\n${fixed}`);
      const errorsBefore = new Set(diagnostics.filter((d) => d.severity === ERROR).map((d) => `${d.code} ${d.message}`));
      const newErrors = after.filter((d) => d.severity === ERROR && !errorsBefore.has(`${d.code} ${d.message}`));
      assert.deepEqual(newErrors.map((d) => d.message), [], fixed);
      client.close(uri);
    });
  }

  test('no fix is offered for a diagnostic that carries no data', async () => {
    const { uri } = await openAndDiagnose(client, ws.path(), H + '\n[profiles.default]\nA = { description = "a" }\n');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'secretspec', code: 'missing-description' }] },
    });
    assert.deepEqual(actions, []);
  });
});
