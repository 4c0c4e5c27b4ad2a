// The real-world corpus (../shared/corpus): no Error on the files SecretSpec
// loads, at least one Error on each file its rules reject ("suspects").
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { LspClient } from '../support/lspClient';
import { SHARED, sharedSkipReason } from '../support/shared';

const skip = sharedSkipReason('corpus/INDEX.tsv');

interface Entry {
  file: string;
  features: string[];
  suspect: string;
  /** `extends` entries whose parent is another corpus file (from the notes column). */
  parents: Array<{ entry: string; file: string }>;
}

function entries(): Entry[] {
  if (skip) return [];
  const [header, ...rows] = readFileSync(join(SHARED, 'corpus', 'INDEX.tsv'), 'utf8').trim().split('\n');
  const cols = header!.split('\t');
  return rows.map((row) => {
    const cells = row.split('\t');
    const get = (name: string) => cells[cols.indexOf(name)] ?? '';
    const parents = [...get('notes').matchAll(/extends (\S+) -> (\S+\.toml)/g)].map((m) => ({ entry: m[1]!, file: m[2]! }));
    return { file: get('file'), features: get('features').split(',').filter(Boolean), suspect: get('suspect'), parents };
  });
}

// Files tagged toml-1.1 put newlines inside inline tables. SecretSpec reads
// them with the toml crate 0.9, which accepts TOML 1.1, and smol-toml does
// too, so they load here as they do upstream: no exception is needed.
const EXCEPTIONS: Record<string, string> = {};

describe('real-world corpus', { skip }, () => {
  let client: LspClient;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'secretspec-corpus-'));
    // The workspace folder holds every manifest and its parents: an untrusted server reads `extends` parents only inside it.
    client = await LspClient.start({ rootUri: pathToFileURL(dir).href });
  });
  after(async () => {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const all = entries();
  test('the index lists 124 manifests, 22 of them suspects', () => {
    assert.equal(all.length, 124);
    assert.equal(all.filter((e) => e.suspect).length, 22);
  });

  for (const e of all) {
    test(`${e.file}${e.suspect ? ' (suspect)' : ''}`, async () => {
      const text = readFileSync(join(SHARED, 'corpus', e.file), 'utf8');
      const home = join(dir, e.file.replace(/\.toml$/, ''), 'app');
      mkdirSync(home, { recursive: true });
      for (const parent of e.parents) {
        const target = parent.entry.endsWith('.toml') ? join(home, parent.entry) : join(home, parent.entry, 'secretspec.toml');
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, readFileSync(join(SHARED, 'corpus', parent.file)));
      }
      const path = join(home, 'secretspec.toml');
      writeFileSync(path, text);
      const diagnostics = await client.diagnose(path, text);
      const errors = diagnostics.filter((d) => d.severity === 1);
      if (EXCEPTIONS[e.file]) return;
      if (e.suspect) assert.ok(errors.length > 0, `expected an Error (${e.suspect})`);
      else assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
    });
  }
});
