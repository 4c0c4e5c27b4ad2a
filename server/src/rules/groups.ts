// Presence groups per effective profile (manifest-rules §4.7).
import type { EffectiveProfile, EffectiveSecret } from '../manifest/effective';
import type { GroupMembership, Origin } from '../manifest/model';
import type { Reporter } from './report';

type Mode = 'at_least_one' | 'exactly_one';

type Groups = Map<string, Map<Mode, Array<{ secret: string; at: Origin; index: number }>>>;

export function checkGroups(profile: EffectiveProfile, r: Reporter): void {
  const groups: Groups = new Map();
  for (const s of profile.secrets.values()) {
    const req = s.fields.required?.value;
    if (typeof req === 'object' && req !== null) collect(s, req, groups);
  }
  const p = profile.name;
  const names = [...groups.keys()].sort();
  for (const g of names) {
    const byMode = groups.get(g)!;
    if (byMode.size > 1) {
      const m = byMode.get('exactly_one')![0]!;
      r.error('group-mixed-modes', `Profile '${p}': group '${g}' cannot mix at_least_one and exactly_one membership`, m.at, 'value', { sub: [m.index] });
    }
  }
  for (const mode of ['at_least_one', 'exactly_one'] as const) {
    for (const g of names) {
      const members = groups.get(g)!.get(mode);
      if (groups.get(g)!.size > 1 || !members || members.length >= 2) continue;
      const m = members[0]!;
      r.error('group-too-small', `Profile '${p}': ${mode} group '${g}' must contain at least two secrets`, m.at, 'value', {
        sub: [m.index],
        data: { group: g, mode },
      });
    }
  }
}

// Apart from the loop over every secret, whose iterations would otherwise
// each allocate a context for these closures.
function collect(s: EffectiveSecret, req: GroupMembership, groups: Groups): void {
  for (const mode of ['at_least_one', 'exactly_one'] as const) {
    const list = req[mode];
    if (!list) continue;
    list.value.forEach((g, index) => {
      if (g.trim() === '') return;
      const byMode = groups.get(g) ?? new Map();
      groups.set(g, byMode);
      const members = byMode.get(mode) ?? [];
      if (!members.some((m: { secret: string }) => m.secret === s.name)) members.push({ secret: s.name, at: list.at, index });
      byMode.set(mode, members);
    });
  }
}
