// Presence answers → SecretSpec's value-free report (providers-and-check
// §C.2, §C.3, 0.20 semantics). Pure. A secret whose presence could not be
// determined is never reported as missing: it goes to `unresolved`.
import type { ConstraintViolation, ErrorKind, ReportSecret, ResolutionReport, Unresolved } from '../../../protocol/src';
import { generationEnabled, type EffectiveProfile, type EffectiveSecret } from '../manifest/effective';
import { parseTemplate } from '../manifest/template';

/** What walking a secret's route found out. */
export type Presence =
  | { kind: 'found'; provider: string }
  | { kind: 'missing'; primary?: string }
  | { kind: 'unknown'; provider: string; error: ErrorKind; message: string };

/** `required` as the report states it (§C.2): independent of `status`. */
export function reportRequired(s: EffectiveSecret): boolean {
  const r = s.fields.required?.value;
  if (typeof r === 'boolean') return r;
  if (r && typeof r === 'object') return false;
  return s.fields.default === undefined;
}

export interface ReportInput {
  profile: EffectiveProfile;
  /** Presence per non-composed secret. */
  presence: Map<string, Presence>;
  /** Provider label for the report's `provider` field. */
  providerLabel: string;
  /** Whether the write provider of a secret keeps generated values (everything but `null`). */
  persistsGenerated: (name: string) => boolean;
}

export function buildReport(input: ReportInput): { report: ResolutionReport; unresolved: Unresolved[] } {
  const { profile } = input;
  const secrets: ReportSecret[] = [];
  const unresolved: Unresolved[] = [];
  const status = new Map<string, 'resolved' | 'missing' | 'unknown'>();

  const entry = (s: EffectiveSecret, extra: Partial<ReportSecret> & Pick<ReportSecret, 'status'>): ReportSecret => ({
    name: s.name,
    required: reportRequired(s),
    default_applied: false,
    generated: false,
    as_path: s.fields.as_path?.value === true,
    ...extra,
  });

  const stored = [...profile.secrets.values()].filter((s) => s.fields.composed === undefined);
  for (const s of stored) {
    const p = input.presence.get(s.name) ?? { kind: 'missing' as const };
    if (p.kind === 'unknown') {
      unresolved.push({ name: s.name, provider: p.provider, kind: p.error, message: p.message });
      status.set(s.name, 'unknown');
      continue;
    }
    if (p.kind === 'found') {
      secrets.push(entry(s, { status: 'resolved', source_provider: p.provider }));
      status.set(s.name, 'resolved');
      continue;
    }
    const required = reportRequired(s);
    if (s.fields.prompt?.value === true) {
      secrets.push(entry(s, { status: 'missing_required' }));
      status.set(s.name, 'missing');
    } else if (generationEnabled(s) && s.fields.type) {
      if (!required || !input.persistsGenerated(s.name)) {
        secrets.push(entry(s, { status: 'resolved', generated: true }));
        status.set(s.name, 'resolved');
      } else {
        secrets.push(entry(s, { status: 'missing_required' }));
        status.set(s.name, 'missing');
      }
    } else if (s.fields.default !== undefined) {
      secrets.push(entry(s, { status: 'resolved', default_applied: true }));
      status.set(s.name, 'resolved');
    } else {
      secrets.push(entry(s, { status: required ? 'missing_required' : 'missing_optional' }));
      status.set(s.name, 'missing');
    }
  }

  // Compositions follow their dependencies, possibly through other compositions.
  const composed = [...profile.secrets.values()].filter((s) => s.fields.composed !== undefined);
  const composedState = (s: EffectiveSecret, seen: Set<string>): 'resolved' | 'missing' | 'unknown' => {
    const known = status.get(s.name);
    if (known) return known;
    if (seen.has(s.name)) return 'missing';
    seen.add(s.name);
    const parsed = parseTemplate(s.fields.composed!.value);
    let result: 'resolved' | 'missing' | 'unknown' = 'resolved';
    for (const ref of parsed.refs) {
      const dep = profile.secrets.get(ref.name);
      const st = !dep ? 'missing' : dep.fields.composed !== undefined ? composedState(dep, seen) : (status.get(dep.name) ?? 'missing');
      if (st === 'missing') return 'missing';
      if (st === 'unknown') result = 'unknown';
    }
    if (!parsed.ok) return 'missing';
    return result;
  };
  for (const s of composed) {
    const st = composedState(s, new Set());
    status.set(s.name, st);
    if (st === 'unknown') {
      const dep = parseTemplate(s.fields.composed!.value).refs.map((r) => unresolved.find((u) => u.name === r.name)).find(Boolean);
      unresolved.push({
        name: s.name,
        provider: dep?.provider ?? '',
        kind: dep?.kind ?? 'internal',
        message: `composed from secrets whose presence could not be determined${dep ? ` (${dep.name}: ${dep.message})` : ''}`,
      });
    } else if (st === 'resolved') {
      secrets.push(entry(s, { status: 'resolved' }));
    } else {
      secrets.push(entry(s, { status: reportRequired(s) ? 'missing_required' : 'missing_optional' }));
    }
  }

  secrets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const violations = constraintViolations(profile, status);
  const report: ResolutionReport = { schema_version: 1, provider: input.providerLabel, profile: profile.name, secrets };
  if (violations.length) report.constraint_violations = violations;
  return { report, unresolved };
}

function constraintViolations(profile: EffectiveProfile, status: Map<string, 'resolved' | 'missing' | 'unknown'>): ConstraintViolation[] {
  const groups = new Map<string, { kind: 'at_least_one' | 'exactly_one'; members: string[] }>();
  for (const s of profile.secrets.values()) {
    const r = s.fields.required?.value;
    if (!r || typeof r !== 'object') continue;
    for (const kind of ['at_least_one', 'exactly_one'] as const) {
      for (const g of r[kind]?.value ?? []) {
        const group = groups.get(`${kind}\u0000${g}`) ?? { kind, members: [] };
        group.members.push(s.name);
        groups.set(`${kind}\u0000${g}`, group);
      }
    }
  }
  const out: ConstraintViolation[] = [];
  for (const [key, { kind, members }] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = [...members].sort();
    const present = sorted.filter((m) => status.get(m) === 'resolved');
    // An undetermined member may be the one that satisfies the group: don't claim a violation.
    if (sorted.some((m) => status.get(m) === 'unknown') && present.length <= 1) continue;
    const violated = kind === 'at_least_one' ? present.length === 0 : present.length !== 1;
    if (violated) out.push({ kind, group: key.split('\u0000')[1]!, secrets: sorted, present });
  }
  return out;
}
