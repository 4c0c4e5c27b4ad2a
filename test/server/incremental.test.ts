// Incremental re-validation must be invisible: after every edit, what the
// incremental parser and the server publish equals a from-scratch run on the
// same text (smol-toml's value or error, and every diagnostic). Edits are
// random and structural (headers, brackets, quotes, line moves), applied in
// long chains to the corpus, the generated manifests and the bench's large
// manifest, in process and over stdio with incremental didChange sync.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, test } from 'node:test';
import * as fc from 'fast-check';
import { parse } from 'smol-toml';
import { diagnosticsOf } from '../../server/src/features/diagnostics';
import { analyze, type Analysis } from '../../server/src/manifest/analysis';
import { ChunkedParser } from '../../server/src/manifest/chunks';
import type { ManifestIO } from '../../server/src/manifest/load';
import { rulesFor } from '../../server/src/rules';
import { generateManifests } from '../support/manifestGen';
import { LspClient, type Diagnostic } from '../support/lspClient';
import { SHARED, sharedSkipReason } from '../support/shared';

const corpusSkip = sharedSkipReason('corpus');
const corpus = corpusSkip
  ? []
  : readdirSync(join(SHARED, 'corpus'))
      .filter((f) => f.endsWith('.toml'))
      .sort()
      .map((f) => readFileSync(join(SHARED, 'corpus', f), 'utf8'));
const generated = generateManifests(15, 60).map((c) => c.files[c.open]!).filter((t) => t !== undefined);
const seeds = [bigManifest(40), ...generated, ...corpus];

/** Ten profiles of inline declarations, with sub-tables (and, with `notes`, arrays of tables) between them, as long manifests are written. */
function bigManifest(perProfile: number, notes = true): string {
  const out = ['[project]', 'name = "big"', 'revision = "1.0"', '', '[providers]', 'env = "env://"', ''];
  for (let p = 0; p < 10; p++) {
    const profile = p === 0 ? 'default' : `env${p}`;
    out.push(`[profiles.${profile}]`);
    for (let i = 0; i < perProfile; i++) out.push(`S_${p}_${i} = { description = "secret ${i}", required = ${i % 2 === 0}, providers = ["env"] }`);
    out.push('', `[profiles.${profile}.TABLE_${p}]`, 'description = """a', 'multi-line [description]"""', 'as_path = true', '');
    if (notes) out.push('[[x-notes]]', `profile = "${profile}"`, '');
  }
  return out.join('\n');
}

interface Edit {
  /** Offset and length of the replaced text, each taken modulo the text's length. */
  at: number;
  remove: number;
  insert: string;
}

const PIECES = ['[', ']', '[[', ']]', '{', '}', '"', "'", '"""', "'''", '=', ',', '.', '#', '\\', '\n', '\r\n', '\n[', '\n[profiles.default]\n', '\n[[x-extra]]\n', '\n[profiles.default.NEW]\ndescription = "n"\n', 'x = 1\n', 'a.b = 2\n', ' ', 'é', '😀'];
const edit: fc.Arbitrary<Edit> = fc.record({
  at: fc.nat({ max: 1_000_000 }),
  remove: fc.oneof(fc.constant(0), fc.nat({ max: 3 }), fc.nat({ max: 80 })),
  insert: fc.oneof(fc.constant(''), fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })),
});

function apply(text: string, e: Edit): { text: string; start: number; end: number } {
  const start = e.at % (text.length + 1);
  const end = Math.min(text.length, start + e.remove);
  // Never split a surrogate pair or a CRLF: an editor cannot place a cursor there.
  return { text: text.slice(0, start) + e.insert + text.slice(end), start, end };
}

type Outcome = { value: unknown } | { error: string };
function outcome(parseText: () => unknown): Outcome {
  try {
    return { value: parseText() };
  } catch (err) {
    return { error: String(err) };
  }
}

/** Equal values with equal key order (isDeepStrictEqual alone ignores key order). */
function sameOutcome(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b && a.error === b.error;
  const order = (v: unknown): unknown =>
    v !== null && typeof v === 'object' && !(v instanceof Date) ? (Array.isArray(v) ? v.map(order) : Object.entries(v).map(([k, x]) => [k, order(x)])) : v;
  return isDeepStrictEqual(a.value, b.value) && isDeepStrictEqual(order(a.value), order(b.value));
}

const noDisk: ManifestIO = { readFile: async () => undefined, realpath: async (p) => p };
const PATH = join(tmpdir(), 'secretspec-incremental', 'secretspec.toml');
const diagnostics = (a: Analysis) => diagnosticsOf(a);
/** Presence checks route by the effective profiles: they must be fresh too, not only the diagnostics. */
const routes = (a: Analysis) =>
  [...(a.validation.profiles ?? [])].map(([name, p]) => [
    name,
    [...p.secrets].map(([s, e]) => [s, e.fields.providers?.value, e.fields.required?.value, e.fields.default?.value, e.fromProjectDefaults, [...e.fromDefaults]]),
  ]);

describe('incremental parse and validation = from scratch', () => {
  test('chunked parse equals smol-toml after every edit of a long random chain', () => {
    fc.assert(
      fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 40 }), (seed, edits) => {
        const parser = new ChunkedParser();
        let text = seeds[seed]!;
        parser.parse(text);
        for (const e of edits) {
          text = apply(text, e).text;
          const incremental = outcome(() => parser.parse(text));
          const fresh = outcome(() => parse(text));
          if (!sameOutcome(incremental, fresh)) {
            assert.fail(`after an edit the incremental parse differs from a fresh one:\n${JSON.stringify(text)}\nincremental: ${JSON.stringify(incremental).slice(0, 500)}\nfresh: ${JSON.stringify(fresh).slice(0, 500)}`);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  test('every corpus and generated manifest: incremental diagnostics = fresh diagnostics after each of 20 edits', async () => {
    const rules = rulesFor({});
    const chains = fc.sample(fc.array(edit, { minLength: 20, maxLength: 20 }), { numRuns: seeds.length, seed: 15 });
    for (const [i, start] of seeds.entries()) {
      const parser = new ChunkedParser();
      let text = start;
      await analyze(text, PATH, noDisk, rules, parser);
      for (const e of chains[i]!) {
        text = apply(text, e).text;
        const incremental = await analyze(text, PATH, noDisk, rules, parser);
        const fresh = await analyze(text, PATH, noDisk, rules);
        assert.deepEqual(diagnostics(incremental), diagnostics(fresh), `seed ${i}, after an edit:\n${text}`);
        assert.deepEqual(routes(incremental), routes(fresh), `seed ${i}, effective profiles after an edit:\n${text}`);
      }
    }
  });

  test('edits that keep every header: the last value is patched, and equals a fresh parse after each step', () => {
    // Steps change one to three places at once: a value in the text before the first header, and descriptions anywhere.
    // No arrays of tables: with them the pieces are merged anew each time.
    let text = `# before any header\nx = 0\n${bigManifest(30, false)}`;
    const parser = new ChunkedParser();
    parser.parse(text);
    parser.parse(text);
    const places = fc.sample(fc.array(fc.tuple(fc.nat(), fc.constantFrom('a', 'b', 'c', 'x')), { minLength: 1, maxLength: 3 }), { numRuns: 300, seed: 11 });
    for (const [step, changes] of places.entries()) {
      for (const [at, letter] of changes) {
        if (letter === 'x') {
          text = text.replace(/^x = \d+$/m, `x = ${step}`);
          continue;
        }
        const starts = [...text.matchAll(/description = "(?!")/g)].map((m) => m.index + m[0].length);
        const i = starts[at % starts.length]!;
        text = text.slice(0, i) + letter + text.slice(i + 1);
      }
      const patched = outcome(() => parser.parse(text));
      assert.ok('value' in patched, `step ${step}: the text should still parse`);
      assert.ok(sameOutcome(patched, outcome(() => parse(text))), `step ${step}: the patched value differs from a fresh parse`);
    }
  });

  test('an edit to what profiles inherit re-derives them: the default profile, profile defaults, project defaults', async () => {
    const rules = rulesFor({});
    const base = (a: string, providers: string, prodDefaults: string) => `[project]
name = "p"
revision = "1.0"

[defaults]
providers = [${providers}]

[providers]
env = "env://"
local = "keyring://"

[profiles.default]
${a} = { description = "a", required = true }
B = { description = "b" }

[profiles.prod]
C = { description = "c", composed = "\${A}-\${B}" }
${prodDefaults}
[profiles.stage]
D = { description = "d" }
`;
    const steps = [
      base('A', '"env"', ''),
      base('A2', '"env"', ''),
      base('A', '"env"', ''),
      base('A', '"local"', ''),
      base('A', '"nowhere"', ''),
      base('A', '"env"', '\n[profiles.prod.defaults]\nrequired = false\n'),
      base('A', '"env"', '\n[profiles.prod.defaults]\nproviders = ["missing"]\n'),
      base('A', '"env", "local"', '\n[profiles.prod.defaults]\nproviders = ["missing"]\n'),
    ];
    const parser = new ChunkedParser();
    for (const [i, text] of [...steps, ...steps.slice().reverse()].entries()) {
      const incremental = await analyze(text, PATH, noDisk, rules, parser);
      const fresh = await analyze(text, PATH, noDisk, rules);
      assert.deepEqual(diagnostics(incremental), diagnostics(fresh), `step ${i}:\n${text}`);
      assert.deepEqual(routes(incremental), routes(fresh), `step ${i}, effective profiles:\n${text}`);
    }
  });

  test('a large manifest: one-character and structural edits keep parse results identical', () => {
    const parser = new ChunkedParser();
    let text = bigManifest(300);
    parser.parse(text);
    const edits = fc.sample(edit, { numRuns: 60, seed: 7 });
    for (const e of edits) {
      text = apply(text, e).text;
      assert.ok(sameOutcome(outcome(() => parser.parse(text)), outcome(() => parse(text))), 'incremental parse differs from a fresh one on the large manifest');
    }
  });
});

describe('over stdio, incremental didChange: published diagnostics = a fresh open of the same text', () => {
  let client: LspClient;
  let workspace: string;
  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'secretspec-incremental-'));
    client = await LspClient.start({ rootUri: pathToFileURL(workspace).href });
  });
  after(async () => {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  });

  test('a chain of range edits on several manifests', async () => {
    // Presence warnings come from checks that run beside validation; only validation is compared.
    const validation = (ds: Diagnostic[]) => ds.filter((d) => d.code !== 'missing-required-secret');
    const chains = fc.sample(fc.array(edit, { minLength: 25, maxLength: 25 }), { numRuns: 6, seed: 3 });
    let fresh = 0;
    for (const [i, chain] of chains.entries()) {
      const edited = join(workspace, `edited-${i}`);
      let text = seeds[(i * 7) % seeds.length]!;
      const uri = client.open(join(edited, 'secretspec.toml'), text);
      await client.waitForDiagnostics(uri, { version: 1, timeoutMs: 30_000 });
      let version = 1;
      // Besides the random edits: a table defined twice, then a sub-table of it, then the copy removed again.
      const header = /^\[[^\]\n]+\]/m.exec(text)?.[0] ?? '[profiles.default]';
      const duplicate = `\n${header}\nDUP = 1\n`;
      const sub = `\n${header.slice(0, -1)}.SUB]\ndescription = "s"\n`;
      const structural: Edit[] = [
        { at: text.length, remove: 0, insert: duplicate },
        { at: text.length + duplicate.length, remove: 0, insert: sub },
        { at: text.length, remove: duplicate.length, insert: '' },
      ];
      for (const e of [...structural, ...chain]) {
        const before = text;
        const { text: after, start, end } = apply(before, e);
        text = after;
        version++;
        const lsp = (offset: number) => {
          const head = before.slice(0, offset).split(/\r\n|\r|\n/);
          return { line: head.length - 1, character: head[head.length - 1]!.length };
        };
        // An edit inside a CRLF or a surrogate pair has no LSP range: send the whole text then.
        const clean = !/[\r\uD800-\uDBFF]$/.test(before.slice(0, start)) && !/[\r\uD800-\uDBFF]$/.test(before.slice(0, end));
        const change = clean ? { range: { start: lsp(start), end: lsp(end) }, text: e.insert } : { text };
        void client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
        const incremental = await client.waitForDiagnostics(uri, { version, timeoutMs: 30_000 });
        const other = join(workspace, `fresh-${fresh++}`);
        const reference = await client.diagnose(join(other, 'secretspec.toml'), text);
        client.close(pathToFileURL(join(other, 'secretspec.toml')).href);
        assert.deepEqual(
          JSON.parse(JSON.stringify(validation(incremental)).replaceAll(edited, other)),
          validation(reference),
          `manifest ${i}, version ${version}:\n${text}`,
        );
      }
      client.close(uri);
    }
  });
});
