// Every rule case of the stdio suites (manifest-rules.md §9 and the audit
// variants) against the pure pipeline in process: no server, no disk (the
// case's files are the reader's), so a failing rule shows its stack trace.
// The stdio suites remain the contract test.
import { posix } from 'node:path';
import { describe, test } from 'node:test';
import { toDiagnostic } from '../../server/src/features/diagnostics';
import { analyze } from '../../server/src/manifest/analysis';
import type { ManifestIO } from '../../server/src/manifest/load';
import { rulesFor } from '../../server/src/rules';
import { assertCase, MANIFEST_RULES, RULE_VARIANTS, type TableCase } from './ruleTable';

const ROOT = '/rules';

/** The case's files as the only ones there are. */
function readerOf(files: ReadonlyMap<string, string>): ManifestIO {
  return {
    readFile: async (path) => files.get(posix.resolve(path)),
    realpath: async (path) => {
      const resolved = posix.resolve(path);
      if (!files.has(resolved)) throw new Error(`ENOENT: ${resolved}`);
      return resolved;
    },
  };
}

async function diagnose(c: TableCase) {
  const dir = posix.join(ROOT, c.id);
  const files = new Map(Object.entries(c.files).map(([name, text]) => [posix.join(dir, name), text]));
  const analysis = await analyze(c.files[c.open]!, posix.join(dir, c.open), readerOf(files), rulesFor({}));
  return analysis.validation.problems.map((p) => toDiagnostic(p, analysis.load));
}

for (const [title, cases] of [
  ['manifest-rules.md §9 in process', MANIFEST_RULES],
  ['manifest-rules.md rule variants in process', RULE_VARIANTS],
] as const) {
  describe(title, () => {
    for (const c of cases) test(c.name, async () => assertCase(c, await diagnose(c)));
  });
}
