// Presence → problems (lsp-extensions.md "Diagnostics"): a required secret
// found missing gets one Warning on its declaration, listing every profile
// it is missing in. Pure: a check's result and the manifest's source map in,
// problems out.
import type { CheckResult } from '../../../protocol/src';
import { anchorSpan } from '../manifest/anchor';
import type { SourceMap } from '../manifest/locate';
import type { Problem } from '../manifest/problem';

export function presenceWarnings(result: CheckResult, map: SourceMap): Problem[] {
  const missing = new Map<string, string[]>();
  for (const { profile, report } of result.results) {
    for (const s of report.secrets) {
      if (s.status === 'missing_required') missing.set(s.name, [...(missing.get(s.name) ?? []), profile]);
    }
  }
  const problems: Problem[] = [];
  for (const [name, profiles] of missing) {
    // On the first profile that declares it itself, else on the default profile's declaration it inherits.
    const declared = profiles.map((p) => ['profiles', p, name]).find((path) => map.get(path)) ?? ['profiles', 'default', name];
    const at = { path: declared, part: 'key' as const };
    if (!anchorSpan(map, at)) continue;
    problems.push({
      code: 'missing-required-secret',
      severity: 'warning',
      message: `Required secret '${name}' is missing in ${profiles.length === 1 ? 'profile' : 'profiles'} ${profiles.map((p) => `'${p}'`).join(', ')}. Set it with "SecretSpec: Set Secret Value…" or "SecretSpec: Import Secrets…".`,
      at,
      data: { name, profiles },
    });
  }
  return problems;
}

/**
 * The warnings of a check made on an earlier text, placed on the current one:
 * each stays only where the current text still declares that secret at the
 * same path (its range is then taken from the current text); the rest are
 * dropped until the next check, never shown where some other text had them.
 */
export function reanchored(warnings: readonly Problem[], map: SourceMap): Problem[] {
  return warnings.filter((w) => map.get(w.at.path) !== undefined);
}
