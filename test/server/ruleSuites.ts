// The stdio contract suites: each table case's files on disk, the opened
// one diagnosed by the real server, the verdict shared with the in-process suite.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { LspClient } from '../support/lspClient';
import { assertCase, type TableCase } from './ruleTable';

export function stdioSuite(title: string, cases: readonly TableCase[]): void {
  describe(title, () => {
    let client: LspClient;
    let root: string;
    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'secretspec-rules-'));
      // The workspace folder holds every case, `extends` parents included: an untrusted server reads parents only inside it.
      client = await LspClient.start({ rootUri: pathToFileURL(root).href });
    });
    after(async () => {
      await client.stop();
      rmSync(root, { recursive: true, force: true });
    });

    for (const c of cases) {
      test(c.name, async () => {
        const dir = join(root, c.id);
        for (const [name, text] of Object.entries(c.files)) {
          mkdirSync(dirname(join(dir, name)), { recursive: true });
          writeFileSync(join(dir, name), text);
        }
        assertCase(c, await client.diagnose(join(dir, c.open), c.files[c.open]!));
      });
    }
  });
}
