// Property tests over mutated manifests: half-typed, truncated and garbled
// text must never crash the locator, the validation pipeline or the real
// server, and every diagnostic must point inside the document it describes.
// FUZZ_RUNS sets the number of documents sent over stdio (default 3000); the
// in-process properties run more, since they are cheap.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as fc from 'fast-check';
import { analyze } from '../support/analyze';
import type { ManifestIO } from '../../server/src/manifest/load';
import { SourceMap } from '../../server/src/manifest/locate';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { SHARED, sharedSkipReason } from '../support/shared';

const RUNS = Math.max(1, Number.parseInt(process.env['FUZZ_RUNS'] ?? '', 10) || 3000);
const BURSTS = Math.max(3, Math.round(RUNS / 100));
const BURST_SIZE = 20;

const BASE = `[project]
name = "base"
revision = "1.0"

[profiles.default]
SHARED_TOKEN = { description = "Token every service gets", required = true }
`;

const SEEDS: readonly string[] = [
  `[project]
name = "storefront"
revision = "1.0"

[providers]
op = "onepassword://my.1password.com@Storefront"
local = "keyring://"
op-cached = { fallback = ["op"], cache = { provider = "local", max_age = "8h" } }
tmpl = { uri = "vault://vault.internal/secret", ref = { item = "{project}-{profile}", field = "{key}" } }

[profiles.default]
DATABASE_URL = { description = "PostgreSQL connection string", required = true, providers = ["op-cached"] }
REDIS_URL = { description = "Redis", required = false, default = "redis://localhost:6379" }
DB_USER = { description = "user", providers = ["tmpl"] }
DB_PASS = { description = "password", ref = { item = "db", field = "password" } }
REPORTING_URL = { description = "composed", composed = "postgres://\${DB_USER}:\${DB_PASS}@reports/app" }

[profiles.default.TLS_KEY]
description = "TLS private key"
as_path = true
type = "rsa_private_key"
generate = true

[scopes.web]
secrets = ["DATABASE_URL", "REDIS_URL"]
`,
  [
    '# Windows line endings, an extends parent, groups and defaults',
    '[project]',
    'name = "crlf"',
    'revision = "1.0"',
    'extends = ["./base"]',
    '',
    '[profiles.default.defaults]',
    'providers = ["env"]',
    'required = false',
    '',
    '[profiles.default]',
    'GITHUB_TOKEN = { description = "gh", required = { at_least_one = "auth" } }',
    'GITLAB_TOKEN = { description = "gl", required = { at_least_one = ["auth"] } }',
    'NOTES = { description = """multi',
    'line "description" """ }',
    "RAW = { description = '''raw\\path''', default = 'C:\\temp' }",
    '',
    '[profiles.production]',
    'GITHUB_TOKEN = { required = { exactly_one = "auth" }, refs = { op = { item = "gh" } } }',
    '',
  ].join('\r\n'),
  `[project]
name = "ünïcödé 😀"
revision = "1.0"

[profiles.default]
"CLÉ" = { description = "non-ASCII quoted key", required = true }
'LITERAL.KEY' = { description = "dotted literal key 👩‍👩‍👧" }
EMOJI = { description = "😀😀😀", default = "\\u00e9\\U0001F600\\n" }
a.b.c = 1
ARR = { description = "arr", providers = [
  "env", # comment inside an array
  "keyring",
] }

[[x-extra]]
name = "ignored"
[[x-extra]]
name = "again"
`,
  `[project]
name = "broken on purpose"
revision = "2.0"
extends = "not-a-list"

[providers]
bad = { uri = 42, fallback = ["x"] }
"1password" = "1password://vault"

[profiles.default]
A = { description = "", required = "yes", bogus = true }
B = { composed = "\${A} and \${MISSING} and \${lower} \${", default = "x" }
C = { description = "c", encoding = "rot13", extract = { format = "yaml" } }
D = "just a string"
E = { description = "e", generate = { length = -1 }, type = "password" }
F = { description = "f", ref = "op://vault/item/field" }
[profiles.default]
G = 1979-05-27T07:32:00Z
`,
];

// Characters that keep TOML's structure in play, plus awkward code units.
const PUNCTUATION = ['[', ']', '[[', ']]', '{', '}', '"', "'", '"""', "'''", '=', ',', '.', '#', '\\', '${', '}'];
const AWKWARD = ['\n', '\r', '\r\n', '\t', '\0', '\u2028', '\uFEFF', '\uD800', '\uDC00', 'é', '😀', '👩‍👩‍👧', '\u0301'];

type Mutation =
  | { kind: 'delete-line' | 'duplicate-line'; at: number }
  | { kind: 'swap-lines'; at: number; with: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string };

const position = fc.nat({ max: 1_000_000 });
const inserted = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: 'grapheme', maxLength: 4 }),
  fc.constantFrom(...AWKWARD),
  fc.array(fc.constantFrom(...PUNCTUATION), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete-line' as const, 'duplicate-line' as const), at: position }),
  fc.record({ kind: fc.constant('swap-lines' as const), at: position, with: position }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  { arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: inserted }), weight: 3 },
);

function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const lines = t.split('\n');
    const line = m.at % lines.length;
    switch (m.kind) {
      case 'delete-line':
        lines.splice(line, 1);
        t = lines.join('\n');
        break;
      case 'duplicate-line':
        lines.splice(line, 0, lines[line]!);
        t = lines.join('\n');
        break;
      case 'swap-lines': {
        const other = m.with % lines.length;
        [lines[line], lines[other]] = [lines[other]!, lines[line]!];
        t = lines.join('\n');
        break;
      }
      case 'truncate':
        t = t.slice(0, m.at % (t.length + 1));
        break;
      case 'insert': {
        const at = m.at % (t.length + 1);
        t = t.slice(0, at) + m.text + t.slice(at);
        break;
      }
    }
  }
  return t;
}

const corpusSkip = sharedSkipReason('corpus');
const corpusSeeds = corpusSkip
  ? []
  : readdirSync(join(SHARED, 'corpus'))
      .filter((f) => f.endsWith('.toml'))
      .sort()
      .map((f) => readFileSync(join(SHARED, 'corpus', f), 'utf8'));
const seeds = [...SEEDS, ...corpusSeeds];

/** A seed manifest with one to five mutations applied. */
const manifest = fc
  .record({ seed: fc.nat({ max: seeds.length - 1 }), mutations: fc.array(mutation, { minLength: 1, maxLength: 5 }) })
  .map(({ seed, mutations }) => mutate(seeds[seed]!, mutations));

/** Line lengths as an LSP client counts them: `\n`, `\r\n` and a lone `\r` all end a line. */
function lineLengths(text: string): number[] {
  return text.split(/\r\n|\r|\n/).map((l) => l.length);
}

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Everything wrong with `diagnostics` as a description of `text` (empty when they are well-formed). */
function violations(diagnostics: readonly Diagnostic[], text: string): string[] {
  const lengths = lineLengths(text);
  const out: string[] = [];
  const inside = (p: { line: number; character: number }) =>
    Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.character >= 0 && p.line < lengths.length && p.character <= lengths[p.line]!;
  for (const d of diagnostics) {
    const { start, end } = d.range;
    const label = `${String(d.code)} ${JSON.stringify(d.range)}`;
    if (!inside(start)) out.push(`${label}: start outside the document`);
    if (!inside(end)) out.push(`${label}: end outside the document`);
    if (start.line > end.line || (start.line === end.line && start.character > end.character)) out.push(`${label}: start after end`);
    if (d.source !== 'secretspec') out.push(`${label}: source ${String(d.source)}`);
    if (typeof d.code !== 'string' || !KEBAB.test(d.code)) out.push(`${label}: code is not kebab-case`);
    if (typeof d.message !== 'string' || d.message === '') out.push(`${label}: empty message`);
  }
  return out;
}

function assertWellFormed(diagnostics: readonly Diagnostic[], text: string): void {
  const problems = violations(diagnostics, text);
  if (problems.length) assert.fail(`${problems.join('\n')}\nfor text ${JSON.stringify(text)}`);
}

describe('fuzz: mutated manifests', () => {
  test('corpus seeds are used', { skip: corpusSkip }, () => {
    assert.ok(corpusSeeds.length > 0);
  });

  test('SourceMap never throws and locates everything inside the text', () => {
    const text = fc.oneof({ arbitrary: manifest, weight: 4 }, fc.string({ unit: 'binary' }), fc.string({ unit: fc.constantFrom(...PUNCTUATION, ...AWKWARD, 'a', ' ', '1') }));
    fc.assert(
      fc.property(text, (t) => {
        const map = new SourceMap(t);
        for (const node of map.all()) {
          for (const span of [node.key, node.value, node.header, node.body]) {
            if (!span) continue;
            assert.ok(span.start >= 0 && span.start <= span.end && span.end <= t.length, `${JSON.stringify(node)} in ${JSON.stringify(t)}`);
          }
          assert.ok(map.get(node.path), `node ${JSON.stringify(node.path)} is listed but cannot be looked up`);
        }
        for (const table of map.tables()) assert.ok(table.header);
        const lengths = lineLengths(t);
        for (const offset of [0, t.length >> 1, t.length, t.length + 5]) {
          const p = map.positionAt(offset);
          assert.ok(p.line < lengths.length && p.character <= lengths[p.line]!, `positionAt(${offset}) = ${JSON.stringify(p)} in ${JSON.stringify(t)}`);
        }
        for (const line of [0, lengths.length >> 1, lengths.length - 1]) {
          const end = map.offsetAt(line, Number.MAX_SAFE_INTEGER);
          assert.deepEqual(map.positionAt(end), { line, character: lengths[line] }, `end of line ${line} in ${JSON.stringify(t)}`);
        }
      }),
      { numRuns: RUNS * 5 },
    );
  });

  test('analyze: every diagnostic is well-formed and inside the document', async () => {
    const files = new Map([['/virtual/base/secretspec.toml', BASE]]);
    const io: ManifestIO = {
      readFile: async (path) => files.get(resolve(path)),
      realpath: async (path) => resolve(path),
    };
    await fc.assert(
      fc.asyncProperty(manifest, async (text) => {
        const { diagnostics } = await analyze(text, '/virtual/secretspec.toml', {}, io);
        assertWellFormed(diagnostics, text);
      }),
      { numRuns: RUNS * 2 },
    );
  });

  describe('over stdio, one server and one document', () => {
    let client: LspClient;
    let dir: string;
    let uri: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'secretspec-fuzz-'));
      const base = join(dir, 'base', 'secretspec.toml');
      mkdirSync(dirname(base), { recursive: true });
      writeFileSync(base, BASE);
      client = await LspClient.start();
      uri = client.open(join(dir, 'secretspec.toml'), SEEDS[0]!);
      await client.waitForDiagnostics(uri, { version: 1 });
    });
    after(async () => {
      await client?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test(`the server answers each of ${RUNS} changes with well-formed diagnostics`, async () => {
      await fc.assert(
        fc.asyncProperty(manifest, async (text) => {
          const version = client.change(uri, text);
          const diagnostics = await client.waitForDiagnostics(uri, { version, timeoutMs: 5000 });
          assertWellFormed(diagnostics, text);
        }),
        { numRuns: RUNS },
      );
      assert.equal(client.exited, false, client.stderr.join(''));
    });

    test(`after ${BURSTS} bursts of ${BURST_SIZE} unanswered changes, the latest version is the last one published`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(manifest, { minLength: BURST_SIZE, maxLength: BURST_SIZE }), async (texts) => {
          const mark = client.traffic.length;
          const sent = new Map<number, string>();
          for (const text of texts) sent.set(client.change(uri, text), text);
          const latest = Math.max(...sent.keys());
          await client.waitForDiagnostics(uri, { version: latest, timeoutMs: 5000 });
          // A further change is a barrier: the server validates one document
          // run at a time, so anything stale would be published before it.
          const barrier = client.change(uri, SEEDS[0]!);
          await client.waitForDiagnostics(uri, { version: barrier, timeoutMs: 5000 });

          const published = publishedSince(client, mark).filter((p) => p.uri === uri);
          const versions = published.map((p) => p.version);
          assert.deepEqual(versions.slice(-2), [latest, barrier], `published versions ${versions.join(', ')}`);
          for (let i = 1; i < versions.length; i++) assert.ok(versions[i]! > versions[i - 1]!, `published versions go back: ${versions.join(', ')}`);
          for (const p of published) {
            if (p.version === barrier) continue;
            const text = sent.get(p.version);
            assert.ok(text !== undefined, `published version ${p.version} was never sent in this burst`);
            assertWellFormed(p.diagnostics, text);
          }
        }),
        { numRuns: BURSTS },
      );
      assert.equal(client.exited, false, client.stderr.join(''));
    });
  });
});

interface Published {
  uri: string;
  version: number;
  diagnostics: Diagnostic[];
}

/**
 * publishDiagnostics notifications in the server's stdout from chunk `mark`
 * on. Headers are found by their text, not by Content-Length, because the
 * client keeps stdout as per-chunk strings; a JSON body never contains a raw
 * CRLF, so the header pattern cannot match inside one.
 */
function publishedSince(client: LspClient, mark: number): Published[] {
  const pieces = client.traffic.slice(mark).join('').split(/Content-Length: \d+\r\n(?:[^\r\n]+\r\n)*\r\n/);
  const out: Published[] = [];
  // pieces[0] is whatever precedes the first header: the tail of an earlier message.
  for (const body of pieces.slice(1)) {
    const message = JSON.parse(body) as { method?: string; params?: Published };
    if (message.method === 'textDocument/publishDiagnostics' && message.params) out.push(message.params);
  }
  return out;
}
