// Issue 13 item 1 as a fuzz run over stdio: a trusted server checks presence
// while the text keeps changing under it (lines dropped, reordered, spelled
// as dotted keys or header tables, tables moved) and checks are asked for in
// the middle of each burst. Every publish must describe the text of the
// version it names: each range inside that text, and each presence warning
// on its own secret's key there. Without re-anchoring, a warning computed for
// an earlier text lands on whatever the later text has at the old place.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as fc from 'fast-check';
import { LspClient, type Diagnostic } from '../support/lspClient';

const BURSTS = Math.max(5, Math.round((Number.parseInt(process.env['FUZZ_RUNS'] ?? '', 10) || 3000) / 100));
const SECRETS = 24;
const PROJECT = '[project]\nname = "stale-fuzz"\nrevision = "1.0"\n';

type Spelling = 'inline' | 'dotted' | 'table';
interface Declared {
  i: number;
  spelling: Spelling;
}

function spell({ i, spelling }: Declared): string {
  const name = `S${i}`;
  if (spelling === 'inline') return `${name} = { description = "s", required = true, providers = ["env"] }\n`;
  if (spelling === 'dotted') return `${name}.description = "s"\n${name}.providers = ["env"]\n`;
  return '';
}

/** A manifest declaring `secrets` in the default profile, in their order, with the project table before or after. */
function manifest(secrets: readonly Declared[], projectFirst: boolean, padding: number): string {
  const inline = secrets.filter((s) => s.spelling !== 'table').map(spell).join('');
  const tables = secrets.filter((s) => s.spelling === 'table').map(({ i }) => `[profiles.default.S${i}]\ndescription = "s"\nproviders = ["env"]\n`).join('');
  const body = `${'# padding\n'.repeat(padding)}[profiles.default]\n${inline}${tables}`;
  return projectFirst ? `${PROJECT}${body}` : `${body}${PROJECT}`;
}

const declared = fc
  .uniqueArray(
    fc.record({ i: fc.integer({ min: 0, max: SECRETS - 1 }), spelling: fc.constantFrom<Spelling>('inline', 'inline', 'dotted', 'table') }),
    { selector: (d) => d.i, minLength: 1, maxLength: SECRETS },
  );
const text = fc.tuple(declared, fc.boolean(), fc.integer({ min: 0, max: 8 })).map(([secrets, projectFirst, padding]) => manifest(secrets, projectFirst, padding));

interface Published {
  uri: string;
  version: number;
  diagnostics: Diagnostic[];
}

/** publishDiagnostics notifications in the server's stdout from chunk `mark` on (as test/server/fuzz.test.ts reads them). */
function publishedSince(client: LspClient, mark: number): Published[] {
  const pieces = client.traffic.slice(mark).join('').split(/Content-Length: \d+\r\n(?:[^\r\n]+\r\n)*\r\n/);
  const out: Published[] = [];
  for (const body of pieces.slice(1)) {
    const message = JSON.parse(body) as { method?: string; params?: Published };
    if (message.method === 'textDocument/publishDiagnostics' && message.params) out.push(message.params);
  }
  return out;
}

/** Everything wrong with `diagnostics` as a description of `text`. */
function wrong(diagnostics: readonly Diagnostic[], text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  const inside = (p: { line: number; character: number }) => p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line]!.length;
  for (const d of diagnostics) {
    const { start, end } = d.range;
    if (!inside(start) || !inside(end)) {
      out.push(`${String(d.code)} ${JSON.stringify(d.range)} lies outside the text`);
      continue;
    }
    if (d.code !== 'missing-required-secret') continue;
    const name = (d.data as { name: string }).name;
    const written = lines[start.line]!.slice(start.character, start.line === end.line ? end.character : undefined);
    if (written !== name) out.push(`the warning for ${name} is on ${JSON.stringify(written)} (line ${start.line}: ${JSON.stringify(lines[start.line])})`);
  }
  return out;
}

describe('presence warnings under a changing text, fuzzed (issue 13 item 1)', () => {
  let dir: string;
  let client: LspClient;
  let uri: string;
  const texts = new Map<number, string>();
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-stale-fuzz-'));
    const first = manifest(Array.from({ length: SECRETS }, (_, i) => ({ i, spelling: 'inline' as const })), true, 0);
    writeFileSync(join(dir, 'secretspec.toml'), first);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: '/usr/bin:/bin' };
    for (let i = 0; i < SECRETS; i++) delete env[`S${i}`];
    client = await LspClient.start({ initializationOptions: { trusted: true }, env });
    uri = client.open(join(dir, 'secretspec.toml'), first);
    texts.set(1, first);
    await client.request('secretspec/check', { textDocument: { uri } });
  });
  after(async () => {
    await client?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`${BURSTS} bursts of changes with checks in between: every warning sits on its secret in the text of its version`, async () => {
    let warnings = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, fc.boolean()), { minLength: 2, maxLength: 6 }), async (burst) => {
        const mark = client.traffic.length;
        const checks: Promise<unknown>[] = [];
        for (const [next, check] of burst) {
          texts.set(client.change(uri, next), next);
          // Not awaited: its answer, and its warnings, arrive while later versions are already there.
          if (check) checks.push(client.request('secretspec/check', { textDocument: { uri } }).catch(() => undefined));
        }
        await Promise.all(checks);
        // A check of the last text, then one more change: every publish of this burst precedes the barrier's.
        await client.request('secretspec/check', { textDocument: { uri } });
        const last = burst[burst.length - 1]![0];
        const barrier = client.change(uri, last);
        texts.set(barrier, last);
        await client.waitForDiagnostics(uri, { version: barrier, timeoutMs: 30_000 });
        for (const p of publishedSince(client, mark).filter((x) => x.uri === uri)) {
          const at = texts.get(p.version);
          assert.ok(at !== undefined, `version ${p.version} was never sent`);
          warnings += p.diagnostics.filter((d) => d.code === 'missing-required-secret').length;
          const problems = wrong(p.diagnostics, at);
          assert.deepEqual(problems, [], `version ${p.version}:\n${at}`);
        }
      }),
      { numRuns: BURSTS },
    );
    assert.ok(warnings > 0, 'presence warnings were published at all');
    assert.equal(client.exited, false, client.stderr.join(''));
  });
});
