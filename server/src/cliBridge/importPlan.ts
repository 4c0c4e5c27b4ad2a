// Import through the CLI, value-free. Pure.
//
// `secretspec import <FROM>` has no dry run: the plan comes from two
// `check --json` reports, what the source holds (`--provider <FROM>`) and
// what the profile's routes hold. It copies only where the destination is
// empty and never overwrites; what it did is read from its per-secret lines
// on stderr (secrets.rs `report_entries`), matched against the declared
// names so nothing else of that text is kept.
import type { ImportOutcome, ImportResult, ResolutionReport } from '../../../protocol/src';
import { oneLine, redactUntrusted } from './diagnose';

export type ImportItem = ImportResult['items'][number];

/** Why an existing destination value is `exists`, never `differs`, in a plan. */
const DIFFERS_UNKNOWN = 'without --delete-source, secretspec import does not say whether an existing destination value differs from the source';

/** Held in a store, as opposed to a default, a would-be generated value or a composition. */
function stored(report: ResolutionReport, name: string): boolean {
  const s = report.secrets.find((e) => e.name === name);
  return s !== undefined && s.status === 'resolved' && s.source_provider !== undefined;
}

/**
 * What an import would do, per declared secret of the destination report.
 * `composed` are skipped as the CLI skips them. The destination report
 * reflects whole routes, so a value found only in a fallback reads as
 * present although the copy would go to the primary; the run itself decides.
 */
export function planImport(source: ResolutionReport, destination: ResolutionReport, composed: ReadonlySet<string>): ImportItem[] {
  return destination.secrets.map((s): ImportItem => {
    if (composed.has(s.name)) return { name: s.name, outcome: 'skipped', message: 'composed from other secrets; nothing is stored for it' };
    const inSource = stored(source, s.name);
    if (stored(destination, s.name)) {
      return { name: s.name, outcome: 'exists', message: inSource ? `already present in the destination; ${DIFFERS_UNKNOWN}` : 'already present in the destination, not in the source' };
    }
    return inSource ? { name: s.name, outcome: 'imported', message: 'would be copied' } : { name: s.name, outcome: 'not_found' };
  });
}

// ANSI colour codes, in case the CLI ignored NO_COLOR.
const ANSI = /\u001b\[[0-9;]*m/g;

const TAIL = /(?: \((already exists in target|target value differs|already in target, not in source)\))? \(→ ([^()]*?)(; deleted from source|; source retained)?\)$/;

/**
 * The outcome per declared name from `import`'s stderr. A name the CLI
 * printed no line for (a composition, or output cut short) is `skipped`.
 */
export function parseImportLines(stderr: string, names: readonly string[]): ImportItem[] {
  // Longest first, so `API_KEY_2` is not read as `API_KEY`.
  const known = [...names].sort((a, b) => b.length - a.length);
  const found = new Map<string, ImportItem>();
  for (const raw of stderr.replace(ANSI, '').split(/\r?\n/)) {
    const m = /^\s*([✓○✗])\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, mark, rest] = m as unknown as [string, string, string];
    const name = known.find((n) => rest === n || rest.startsWith(`${n} - `) || rest.startsWith(`${n} (`));
    if (!name || found.has(name)) continue;
    if (mark === '✗') {
      if (rest.endsWith('(not found in source)')) found.set(name, { name, outcome: 'not_found' });
      continue;
    }
    const tail = TAIL.exec(rest);
    if (!tail) continue;
    const [, marker, target, cleanup] = tail;
    const deleted = cleanup === '; deleted from source';
    let outcome: ImportOutcome;
    let message: string | undefined;
    if (marker === 'target value differs') {
      outcome = 'differs';
      message = 'the destination holds a different value; the source was kept';
    } else if (marker === 'already in target, not in source') {
      outcome = 'exists';
      message = 'already present in the destination, not in the source';
    } else if (marker === 'already exists in target') {
      outcome = 'exists';
      message = deleted ? 'already present with the same value; deleted from the source' : 'already present in the destination; left unchanged';
    } else if (mark === '✓') outcome = 'imported';
    else continue;
    found.set(name, { name, outcome, ...(target?.trim() ? { target: oneLine(redactUntrusted(target)) } : {}), ...(deleted ? { deletedFromSource: true } : {}), ...(message ? { message } : {}) });
  }
  return [...names].sort().map((name) => found.get(name) ?? { name, outcome: 'skipped', message: 'secretspec import printed no outcome for it' });
}
