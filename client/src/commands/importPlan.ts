// How an import plan or result reads, from the server's items. Each item's
// own message is what the server knows about that secret (absent from the
// source, same value, different value, why it was skipped…); the per-outcome
// words below only stand in when it sent none, and for the summary counts.
// No VS Code here, so it is unit-tested on plain data.
import type { ImportOutcome, ImportResult } from '../../../protocol/src/index';

type Item = ImportResult['items'][number];

const OUTCOME_ICON: Record<ImportOutcome, string> = {
  imported: '$(arrow-right)',
  exists: '$(check)',
  differs: '$(diff)',
  not_found: '$(circle-slash)',
  skipped: '$(debug-step-over)',
};

/** [in a plan, after a run]; worded so they hold for every case an outcome covers. */
const OUTCOME_WORDS: Record<ImportOutcome, [string, string]> = {
  imported: ['will be imported', 'imported'],
  exists: ['already in the target', 'already in the target'],
  differs: ['the target holds a different value; kept', 'kept (the target holds a different value)'],
  not_found: ['not in the source', 'not in the source'],
  skipped: ['skipped', 'skipped'],
};

export function planRow(item: Item): { label: string; description: string; detail?: string } {
  return {
    label: `${OUTCOME_ICON[item.outcome]} ${item.name}`,
    description: item.message ?? OUTCOME_WORDS[item.outcome][0],
    ...(item.target ? { detail: item.target } : {}),
  };
}

/** "2 will be imported, 1 not in the source": counts per outcome, for notifications. */
export function importSummary(result: ImportResult, tense: 'plan' | 'done'): string {
  const counts = new Map<ImportOutcome, number>();
  for (const i of result.items) counts.set(i.outcome, (counts.get(i.outcome) ?? 0) + 1);
  const parts = [...counts].map(([o, n]) => `${n} ${OUTCOME_WORDS[o][tense === 'plan' ? 0 : 1]}`);
  return parts.length ? parts.join(', ') : 'no secrets';
}
