// The server's analysis as one call, in process: the pure pipeline with the
// rules for `env`, and the diagnostics the server would publish for it.
import type { Diagnostic } from 'vscode-languageserver/node';
import { diagnosticsOf } from '../../server/src/features/diagnostics';
import { analyze as pipeline, diskReader, type Analysis } from '../../server/src/manifest/analysis';
import type { ManifestIO } from '../../server/src/manifest/load';
import { rulesFor, type RuleEnvironment } from '../../server/src/rules';

export async function analyze(text: string, path: string | null, env: RuleEnvironment = {}, reader: ManifestIO = diskReader): Promise<Analysis & { diagnostics: Diagnostic[] }> {
  const analysis = await pipeline(text, path, reader, rulesFor(env));
  return { ...analysis, diagnostics: diagnosticsOf(analysis) };
}
