// The TextMate grammar must stand on its own (no TOML extension installed),
// so it is checked twice: structurally (every regex compiles, every include
// resolves) and by tokenizing real lines with the same engine VS Code uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';
import { loadWASM, OnigScanner, OnigString } from 'vscode-oniguruma';

const ROOT = join(__dirname, '..', '..');
const GRAMMAR_PATH = join(ROOT, 'syntaxes', 'secretspec.tmLanguage.json');
const LANGUAGE_CONFIGURATION_PATH = join(ROOT, 'syntaxes', 'language-configuration.json');

type Rule = Record<string, unknown>;
const raw = JSON.parse(readFileSync(GRAMMAR_PATH, 'utf8')) as Rule & { repository: Record<string, Rule>; scopeName: string };

let onigReady: Promise<void> | undefined;
function ensureOniguruma(): Promise<void> {
  if (!onigReady) {
    const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    onigReady = loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  }
  return onigReady;
}

interface Located<T> {
  where: string;
  value: T;
}

/** Every rule object in the grammar (top level, repository, nested patterns and captures), with a path for messages. */
function allRules(): Array<Located<Rule>> {
  const out: Array<Located<Rule>> = [];
  const visit = (rule: Rule, where: string): void => {
    out.push({ where, value: rule });
    for (const key of ['patterns'] as const) {
      const list = rule[key];
      if (Array.isArray(list)) list.forEach((r, i) => visit(r as Rule, `${where}.${key}[${i}]`));
    }
    for (const key of ['captures', 'beginCaptures', 'endCaptures', 'whileCaptures'] as const) {
      const caps = rule[key] as Record<string, Rule> | undefined;
      if (caps) for (const [n, r] of Object.entries(caps)) visit(r, `${where}.${key}.${n}`);
    }
    const repo = rule.repository as Record<string, Rule> | undefined;
    if (repo) for (const [n, r] of Object.entries(repo)) visit(r, `${where}.repository.${n}`);
  };
  visit(raw, '$');
  return out;
}

function allRegexes(): Array<Located<string>> {
  return allRules().flatMap(({ where, value }) =>
    (['match', 'begin', 'end', 'while'] as const)
      .filter((k) => typeof value[k] === 'string')
      .map((k) => ({ where: `${where}.${k}`, value: value[k] as string })),
  );
}

// Constructs Oniguruma has and JavaScript lacks; a regex using one cannot be checked with `new RegExp`.
const ONIGURUMA_ONLY = /\\[hHAzZG]|\(\?>|[*+?}]\+|\(\?[imx]+-?[imx]*[:)]|\\p\{\^/;

test('the grammar is a standalone source.secretspec grammar that package.json contributes', () => {
  assert.equal(raw.scopeName, 'source.secretspec');
  assert.ok(Array.isArray(raw.patterns) && raw.patterns.length > 0, 'top-level patterns');
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { grammars: Array<{ language: string; scopeName: string; path: string }>; languages: Array<{ id: string; configuration?: string }> };
  };
  const contributed = pkg.contributes.grammars.find((g) => g.scopeName === 'source.secretspec');
  assert.ok(contributed, 'package.json contributes the grammar');
  assert.equal(join(ROOT, contributed.path), GRAMMAR_PATH);
  const language = pkg.contributes.languages.find((l) => l.id === contributed.language);
  assert.ok(language?.configuration, 'the language has a configuration');
  assert.equal(join(ROOT, language.configuration), LANGUAGE_CONFIGURATION_PATH);
});

test('every include resolves inside this grammar (no other extension needed)', () => {
  const includes = allRules().filter((r) => typeof r.value.include === 'string');
  assert.ok(includes.length > 10);
  for (const { where, value } of includes) {
    const target = value.include as string;
    if (target === '$self' || target === '$base') continue;
    assert.ok(target.startsWith('#'), `${where}: include ${target} points outside the grammar`);
    assert.ok(Object.hasOwn(raw.repository, target.slice(1)), `${where}: include ${target} has no repository entry`);
  }
});

test('every repository entry is used', () => {
  const used = new Set(allRules().map((r) => r.value.include).filter((i): i is string => typeof i === 'string'));
  for (const name of Object.keys(raw.repository)) assert.ok(used.has(`#${name}`), `repository.${name} is never included`);
});

test('every rule is well formed', () => {
  for (const { where, value } of allRules()) {
    if ('begin' in value) assert.equal(typeof value.end, 'string', `${where}: begin without end`);
    if ('end' in value) assert.equal(typeof value.begin, 'string', `${where}: end without begin`);
    if (where !== '$' && 'name' in value) assert.match(value.name as string, /^[a-z0-9+-]+(\.[a-z0-9+-]+)*( [a-z0-9+-]+(\.[a-z0-9+-]+)*)*$/, `${where}: scope name`);
    for (const key of ['captures', 'beginCaptures', 'endCaptures']) {
      const caps = value[key] as Record<string, unknown> | undefined;
      if (caps) for (const n of Object.keys(caps)) assert.match(n, /^\d+$/, `${where}.${key}: capture key ${n}`);
    }
  }
});

test('every regex compiles with Oniguruma, and as a JavaScript RegExp where the syntax allows', async () => {
  await ensureOniguruma();
  const regexes = allRegexes();
  assert.ok(regexes.length > 20);
  for (const { where, value } of regexes) {
    assert.doesNotThrow(() => new OnigScanner([value]).dispose(), `${where}: Oniguruma rejects ${value}`);
    if (!ONIGURUMA_ONLY.test(value)) assert.doesNotThrow(() => new RegExp(value), `${where}: JavaScript rejects ${value}`);
  }
});

test('a broken regex is caught by the compile check', async () => {
  await ensureOniguruma();
  assert.throws(() => new OnigScanner(['(unclosed']));
});

test('the language configuration declares # comments, brackets and auto-closing quotes', () => {
  const config = JSON.parse(readFileSync(LANGUAGE_CONFIGURATION_PATH, 'utf8')) as {
    comments: { lineComment: string };
    brackets: string[][];
    autoClosingPairs: Array<{ open: string; close: string; notIn?: string[] }>;
    wordPattern: string;
  };
  assert.equal(config.comments.lineComment, '#');
  assert.deepEqual(config.brackets, [
    ['[', ']'],
    ['{', '}'],
  ]);
  for (const quote of ['"', "'"]) {
    const pair = config.autoClosingPairs.find((p) => p.open === quote);
    assert.equal(pair?.close, quote);
    assert.deepEqual(pair?.notIn, ['string', 'comment']);
  }
  assert.doesNotThrow(() => new RegExp(config.wordPattern));
});

// ---- tokenization ---------------------------------------------------------

let grammarPromise: Promise<IGrammar> | undefined;
function loadGrammar(): Promise<IGrammar> {
  grammarPromise ??= (async () => {
    await ensureOniguruma();
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (s: string) => new OnigString(s),
      }),
      loadGrammar: async (scopeName) =>
        scopeName === 'source.secretspec' ? parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
    });
    const grammar = await registry.loadGrammar('source.secretspec');
    assert.ok(grammar, 'the grammar loads');
    return grammar;
  })();
  return grammarPromise;
}

interface Token {
  text: string;
  scopes: string[];
}

async function tokenize(source: string): Promise<Token[][]> {
  const grammar = await loadGrammar();
  let stack: StateStack = INITIAL;
  return source.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, stack);
    stack = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

/** Scopes of the token that starts exactly at `text` on the line containing `lineMarker`. */
function scopesOf(lines: Token[][], source: string, lineMarker: string, text: string): string[] {
  const lineIndex = source.split('\n').findIndex((l) => l.includes(lineMarker));
  assert.ok(lineIndex >= 0, `no line contains ${lineMarker}`);
  const line = source.split('\n')[lineIndex]!;
  const at = line.indexOf(text, line.indexOf(lineMarker));
  assert.ok(at >= 0, `"${text}" not on line ${lineIndex}: ${line}`);
  let offset = 0;
  for (const token of lines[lineIndex]!) {
    if (offset <= at && at < offset + token.text.length) return token.scopes;
    offset += token.text.length;
  }
  assert.fail(`no token at ${at} on line ${lineIndex}`);
}

function assertScope(lines: Token[][], source: string, lineMarker: string, text: string, scope: string): void {
  const scopes = scopesOf(lines, source, lineMarker, text);
  assert.ok(
    scopes.some((s) => s === scope || s.startsWith(`${scope}.`)),
    `"${text}" on line "${lineMarker}" should be ${scope}, got ${scopes.join(' ')}`,
  );
}

function assertNoScope(lines: Token[][], source: string, lineMarker: string, text: string, scope: string): void {
  const scopes = scopesOf(lines, source, lineMarker, text);
  assert.ok(!scopes.some((s) => s === scope || s.startsWith(`${scope}.`)), `"${text}" should not be ${scope}, got ${scopes.join(' ')}`);
}

const TOML = `# top comment
title = "TOML \\"quoted\\" \\u00e9 \\q"
literal = 'C:\\Users\\x'
"quoted key" = 1
site."google.com" = true
physical.color = "orange"
integer = +99
hex = 0xDEAD_BEEF
oct = 0o755
bin = 0b1101
flt = 6.626e-34
frac = -3.1415
infinity = -inf
not_a_number = nan
odt = 1979-05-27T07:32:00Z
ldt = 1979-05-27T07:32:00.999
ld = 1979-05-27
local_time = 07:32:00
off = false # trailing
arr = [ 1, "two", [3], { x = 4 } ]
multi = """
Roses \\t are
still""" # after
lit_multi = '''
raw \\n here
'''
point = { x = 1, y = 2 }

[a.b]
k = 1

[[products]]
name = "Hammer"
`;

test('plain TOML is highlighted without any other grammar', async () => {
  const lines = await tokenize(TOML);
  assertScope(lines, TOML, '# top comment', '#', 'punctuation.definition.comment.toml');
  assertScope(lines, TOML, '# top comment', 'top', 'comment.line.number-sign.toml');
  assertScope(lines, TOML, 'title =', 'title', 'variable.other.key.toml');
  assertScope(lines, TOML, 'title =', '=', 'punctuation.separator.key-value.toml');
  assertScope(lines, TOML, 'title =', '"TOML', 'punctuation.definition.string.begin.toml');
  assertScope(lines, TOML, 'title =', 'TOML', 'string.quoted.single.basic.line.toml');
  assertScope(lines, TOML, 'title =', '\\"', 'constant.character.escape.toml');
  assertScope(lines, TOML, 'title =', '\\u00e9', 'constant.character.escape.toml');
  assertScope(lines, TOML, 'title =', '\\q', 'invalid.illegal.escape.toml');
  assertScope(lines, TOML, 'literal =', 'C:', 'string.quoted.single.literal.line.toml');
  assertNoScope(lines, TOML, 'literal =', '\\U', 'constant.character.escape.toml');
  assertScope(lines, TOML, '"quoted key"', 'quoted key', 'string.quoted.double.key.toml');
  assertScope(lines, TOML, 'site.', 'site', 'variable.other.key.toml');
  assertScope(lines, TOML, 'site.', '.', 'punctuation.separator.dot.toml');
  assertScope(lines, TOML, 'site.', 'google.com', 'string.quoted.double.key.toml');
  assertScope(lines, TOML, 'site.', 'true', 'constant.language.boolean.toml');
  assertScope(lines, TOML, 'physical.color', 'color', 'variable.other.key.toml');
  assertScope(lines, TOML, 'integer =', '+99', 'constant.numeric.integer.toml');
  assertScope(lines, TOML, 'hex =', '0xDEAD_BEEF', 'constant.numeric.integer.hex.toml');
  assertScope(lines, TOML, 'oct =', '0o755', 'constant.numeric.integer.octal.toml');
  assertScope(lines, TOML, 'bin =', '0b1101', 'constant.numeric.integer.binary.toml');
  assertScope(lines, TOML, 'flt =', '6.626e-34', 'constant.numeric.float.toml');
  assertScope(lines, TOML, 'frac =', '-3.1415', 'constant.numeric.float.toml');
  assertScope(lines, TOML, 'infinity =', '-inf', 'constant.numeric.float.special.toml');
  assertScope(lines, TOML, 'not_a_number =', 'nan', 'constant.numeric.float.special.toml');
  assertScope(lines, TOML, 'odt =', '1979', 'constant.other.time.datetime.offset.toml');
  assertScope(lines, TOML, 'ldt =', '1979', 'constant.other.time.datetime.local.toml');
  assertScope(lines, TOML, 'ld =', '1979', 'constant.other.time.date.toml');
  assertScope(lines, TOML, 'local_time =', '07:32', 'constant.other.time.time.toml');
  assertScope(lines, TOML, 'off =', 'false', 'constant.language.boolean.toml');
  assertScope(lines, TOML, 'off =', '# trailing', 'comment.line.number-sign.toml');
  assertScope(lines, TOML, 'arr =', '[', 'punctuation.definition.array.begin.toml');
  assertScope(lines, TOML, 'arr =', '1', 'constant.numeric.integer.toml');
  assertScope(lines, TOML, 'arr =', ',', 'punctuation.separator.array.toml');
  assertScope(lines, TOML, 'arr =', 'two', 'meta.array.toml');
  assertScope(lines, TOML, 'arr =', '3', 'constant.numeric.integer.toml');
  assertScope(lines, TOML, 'arr =', 'x', 'meta.inline-table.toml');
  assertScope(lines, TOML, 'arr =', 'x', 'variable.other.key.toml');
  assertScope(lines, TOML, 'Roses', 'Roses', 'string.quoted.triple.basic.block.toml');
  assertScope(lines, TOML, 'Roses', '\\t', 'constant.character.escape.toml');
  assertScope(lines, TOML, 'still"""', 'still', 'string.quoted.triple.basic.block.toml');
  assertScope(lines, TOML, 'still"""', '# after', 'comment.line.number-sign.toml');
  assertScope(lines, TOML, 'raw \\n', 'raw', 'string.quoted.triple.literal.block.toml');
  assertNoScope(lines, TOML, 'raw \\n', '\\n', 'constant.character.escape.toml');
  assertScope(lines, TOML, 'point =', '{', 'punctuation.definition.inline-table.begin.toml');
  assertScope(lines, TOML, 'point =', 'y', 'variable.other.key.toml');
  assertScope(lines, TOML, 'point =', '2', 'constant.numeric.integer.toml');
  assertScope(lines, TOML, 'point =', '}', 'punctuation.definition.inline-table.end.toml');
  assertScope(lines, TOML, '[a.b]', '[', 'punctuation.definition.table.begin.toml');
  assertScope(lines, TOML, '[a.b]', 'a', 'entity.name.tag.table.toml');
  assertScope(lines, TOML, '[a.b]', 'b', 'entity.name.tag.table.toml');
  assertScope(lines, TOML, '[[products]]', '[[', 'punctuation.definition.table.array.begin.toml');
  assertScope(lines, TOML, '[[products]]', 'products', 'entity.name.tag.table.toml');
  assertScope(lines, TOML, '[[products]]', 'products', 'meta.tag.table.array.toml');
});

test('a string left open on one line does not swallow the next', async () => {
  const source = 'a = "open\nb = 1';
  const lines = await tokenize(source);
  assertScope(lines, source, 'b = 1', 'b', 'variable.other.key.toml');
  assertScope(lines, source, 'b = 1', '1', 'constant.numeric.integer.toml');
});

const MANIFEST = `[project]
name = "demo"
revision = "1.0"
extends = ["../shared"]

[profiles.default]
DATABASE_URL = { description = "Postgres", required = true, providers = ["keyring://", "dotenv:.env", "onepassword://vault/item"] }
API_KEY = { description = "key", default = "x", type = "password" }
CONN_URL = { description = "composed", composed = "postgres://\${DB_USER}:$\${NOT_REF}@\${DB_HOST}/db" }
TOKEN.description = "dotted"
"QUOTED_NAME" = { description = "q", as_path = true }
defaults = { required = false }

[profiles.default.defaults]
providers = ["env"]

[profiles.production]
DATABASE_URL = { description = "Prod", providers = ["prod_vault"] }

[profiles.production.SIGNING_KEY]
description = "standard table"
generate = { length = 32, charset = "abc" }

[providers]
prod_vault = { uri = "vault://vault.example.com:8200/secret", fallback = ["env"] }
shared = "keyring"

[x-tooling]
owner = "team"

[x-tooling.nested]
depth = 2
`;

test('SecretSpec specifics: secret names, fields, provider URIs, references, x-* tables', async () => {
  const lines = await tokenize(MANIFEST);
  // Fields and section names SecretSpec knows.
  assertScope(lines, MANIFEST, '[project]', 'project', 'entity.name.tag.table.toml');
  assertScope(lines, MANIFEST, 'name = "demo"', 'name', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'revision =', 'revision', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'extends =', 'extends', 'support.type.property-name.secretspec');

  // [profiles.<p>] header and the secrets declared under it.
  assertScope(lines, MANIFEST, '[profiles.default]', 'default', 'entity.name.type.profile.secretspec');
  assertScope(lines, MANIFEST, 'DATABASE_URL = { description = "Postgres"', 'DATABASE_URL', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'DATABASE_URL = { description = "Postgres"', 'description', 'support.type.property-name.secretspec');
  assertNoScope(lines, MANIFEST, 'DATABASE_URL = { description = "Postgres"', 'description', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'DATABASE_URL = { description = "Postgres"', 'required', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'DATABASE_URL = { description = "Postgres"', 'providers', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'API_KEY', 'API_KEY', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'API_KEY', 'default', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'API_KEY', 'type', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'TOKEN.description', 'TOKEN', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'TOKEN.description', 'description', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, '"QUOTED_NAME"', 'QUOTED_NAME', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, '"QUOTED_NAME"', 'as_path', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'defaults = {', 'defaults', 'support.type.property-name.secretspec');
  assertNoScope(lines, MANIFEST, 'defaults = {', 'defaults', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'DATABASE_URL = { description = "Prod"', 'DATABASE_URL', 'variable.other.secret.secretspec');

  // A secret declared as a standard table names itself in the header; its keys are fields.
  assertScope(lines, MANIFEST, '[profiles.production.SIGNING_KEY]', 'SIGNING_KEY', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'description = "standard table"', 'description', 'support.type.property-name.secretspec');
  assertNoScope(lines, MANIFEST, 'description = "standard table"', 'description', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'generate = {', 'length', 'support.type.property-name.secretspec');
  assertNoScope(lines, MANIFEST, '[profiles.default.defaults]', 'defaults', 'variable.other.secret.secretspec');
  assertNoScope(lines, MANIFEST, 'providers = ["env"]', 'providers', 'variable.other.secret.secretspec');

  // Keys outside [profiles.<p>] are never secrets.
  assertNoScope(lines, MANIFEST, 'prod_vault = {', 'prod_vault', 'variable.other.secret.secretspec');
  assertScope(lines, MANIFEST, 'prod_vault = {', 'prod_vault', 'variable.other.key.toml');
  assertScope(lines, MANIFEST, 'prod_vault = {', 'uri', 'support.type.property-name.secretspec');
  assertScope(lines, MANIFEST, 'prod_vault = {', 'fallback', 'support.type.property-name.secretspec');

  // Provider specs inside strings.
  assertScope(lines, MANIFEST, '"keyring://"', 'keyring', 'entity.name.scheme.secretspec');
  assertScope(lines, MANIFEST, '"keyring://"', 'keyring', 'markup.underline.link.provider.secretspec');
  assertScope(lines, MANIFEST, '"dotenv:.env"', 'dotenv', 'entity.name.scheme.secretspec');
  assertScope(lines, MANIFEST, '"dotenv:.env"', '.env', 'markup.underline.link.provider.secretspec');
  assertScope(lines, MANIFEST, '"onepassword://vault/item"', 'onepassword', 'entity.name.scheme.secretspec');
  assertScope(lines, MANIFEST, '"onepassword://vault/item"', 'vault/item', 'markup.underline.link.provider.secretspec');
  assertScope(lines, MANIFEST, 'prod_vault = {', 'vault://', 'entity.name.scheme.secretspec');
  assertScope(lines, MANIFEST, 'shared = "keyring"', 'keyring', 'support.constant.provider.secretspec');
  assertScope(lines, MANIFEST, 'providers = ["env"]', 'env', 'support.constant.provider.secretspec');
  assertNoScope(lines, MANIFEST, 'name = "demo"', 'demo', 'support.constant.provider.secretspec');

  // ${NAME} references and $$ escapes.
  assertScope(lines, MANIFEST, 'CONN_URL = {', 'DB_USER', 'variable.other.reference.secretspec');
  assertScope(lines, MANIFEST, 'CONN_URL = {', '${DB_USER', 'punctuation.definition.template-expression.begin.secretspec');
  assertScope(lines, MANIFEST, 'CONN_URL = {', 'DB_HOST', 'variable.other.reference.secretspec');
  assertScope(lines, MANIFEST, 'CONN_URL = {', '$$', 'constant.character.escape.dollar.secretspec');
  assertNoScope(lines, MANIFEST, 'CONN_URL = {', 'NOT_REF', 'variable.other.reference.secretspec');
  assertScope(lines, MANIFEST, 'CONN_URL = {', 'postgres', 'entity.name.scheme.secretspec');

  // x-* extension tables end the profile section and are marked as extensions.
  assertScope(lines, MANIFEST, '[x-tooling]', 'x-tooling', 'entity.name.tag.table.extension.secretspec');
  assertScope(lines, MANIFEST, '[x-tooling.nested]', 'x-tooling', 'entity.name.tag.table.extension.secretspec');
  assertScope(lines, MANIFEST, '[x-tooling.nested]', 'nested', 'entity.name.tag.table.toml');
  assertNoScope(lines, MANIFEST, 'owner =', 'owner', 'variable.other.secret.secretspec');
});

test('a multi-line array inside a profile does not end the profile section', async () => {
  const source = `[profiles.dev]
A = { description = "a", providers = [
  "keyring://",
  ["nested"],
] }
B = { description = "b" }
`;
  const lines = await tokenize(source);
  assertScope(lines, source, '"keyring://",', 'keyring', 'entity.name.scheme.secretspec');
  assertScope(lines, source, '["nested"]', 'nested', 'meta.array.toml');
  assertScope(lines, source, 'B = {', 'B', 'variable.other.secret.secretspec');
});

test('every manifest in the shared corpus tokenizes, with its secrets marked', async (t) => {
  const corpus = join(ROOT, '..', 'shared', 'corpus');
  let files: string[];
  try {
    files = readdirSync(corpus).filter((f) => f.endsWith('.toml'));
  } catch {
    t.skip(`${corpus} is absent`);
    return;
  }
  let secrets = 0;
  for (const file of files) {
    const text = readFileSync(join(corpus, file), 'utf8');
    const lines = await tokenize(text);
    for (const line of lines) for (const token of line) if (token.scopes.includes('variable.other.secret.secretspec')) secrets++;
  }
  assert.ok(files.length > 0 && secrets >= files.length, `expected at least one secret per corpus file, found ${secrets} in ${files.length} files`);
});
