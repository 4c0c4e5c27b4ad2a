// Presence answers → SecretSpec's value-free report (providers-and-check
// §C.2, §C.3, 0.20 semantics). Pure. A secret whose presence could not be
// determined is never reported as missing: it goes to `unresolved`.
import type { ConstraintViolation, ErrorKind, ReportSecret, ResolutionReport, Unresolved } from '../../../protocol/src';
import { generationEnabled, type EffectiveProfile, type EffectiveSecret } from '../manifest/effective';
import type { GroupMembership } from '../manifest/model';
import { parseTemplate, type TemplateRef } from '../manifest/template';

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

const MISSING: Presence = { kind: 'missing' };

export interface ReportInput {
  profile: EffectiveProfile;
  /** Presence of each non-composed secret, by its position in `profile.secrets` (as iterated); a hole reads as missing. */
  presence: ReadonlyArray<Presence | undefined>;
  /** Provider label for the report's `provider` field. */
  providerLabel: string;
  /** Whether the write provider of a secret keeps generated values (everything but `null`). */
  persistsGenerated: (name: string) => boolean;
}

type State = 'resolved' | 'missing' | 'unknown';

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function buildReport(input: ReportInput): { report: ResolutionReport; unresolved: Unresolved[] } {
  const { profile } = input;
  const secrets: ReportSecret[] = [];
  const unresolved: Unresolved[] = [];
  // What each stored secret came to, by position; looked up by name only if compositions or groups need it.
  const states: State[] = new Array<State>(profile.secrets.size);

  // Literals in SecretSpec's field order (`SecretResolution`), so a serialized report reads like
  // `check --json`'s; this runs once per secret of a possibly large profile.
  const entry = (s: EffectiveSecret, outcome: ReportSecret['status'], provenance?: { source_provider: string } | 'default' | 'generated'): ReportSecret => {
    const required = reportRequired(s);
    const as_path = s.fields.as_path?.value === true;
    if (typeof provenance === 'object') {
      return { name: s.name, status: outcome, required, source_provider: provenance.source_provider, default_applied: false, generated: false, as_path };
    }
    return { name: s.name, status: outcome, required, default_applied: provenance === 'default', generated: provenance === 'generated', as_path };
  };

  const composed: EffectiveSecret[] = [];
  // Members of `required = { at_least_one / exactly_one = [...] }` groups, composed or not.
  const grouped: Array<{ name: string; membership: GroupMembership }> = [];
  let index = -1;
  for (const s of profile.secrets.values()) {
    index++;
    const r = s.fields.required?.value;
    if (r && typeof r === 'object') grouped.push({ name: s.name, membership: r });
    if (s.fields.composed !== undefined) {
      composed.push(s);
      continue;
    }
    const p = input.presence[index] ?? MISSING;
    if (p.kind === 'unknown') {
      unresolved.push({ name: s.name, provider: p.provider, kind: p.error, message: p.message });
      states[index] = 'unknown';
      continue;
    }
    if (p.kind === 'found') {
      secrets.push(entry(s, 'resolved', { source_provider: p.provider }));
      states[index] = 'resolved';
      continue;
    }
    const required = reportRequired(s);
    if (s.fields.prompt?.value === true) {
      secrets.push(entry(s, 'missing_required'));
      states[index] = 'missing';
    } else if (generationEnabled(s) && s.fields.type) {
      if (!required || !input.persistsGenerated(s.name)) {
        secrets.push(entry(s, 'resolved', 'generated'));
        states[index] = 'resolved';
      } else {
        secrets.push(entry(s, 'missing_required'));
        states[index] = 'missing';
      }
    } else if (s.fields.default !== undefined) {
      secrets.push(entry(s, 'resolved', 'default'));
      states[index] = 'resolved';
    } else {
      secrets.push(entry(s, required ? 'missing_required' : 'missing_optional'));
      states[index] = 'missing';
    }
  }

  let violations: ConstraintViolation[] = [];
  if (composed.length || grouped.length) {
    const status = new Map<string, State>();
    let at = 0;
    for (const name of profile.secrets.keys()) {
      const state = states[at++];
      if (state) status.set(name, state);
    }

    // Compositions follow their dependencies, possibly through other
    // compositions: depth-first with an explicit stack (a chain thousands deep
    // must not overflow the call stack), each composition's state kept once
    // known. A reference back into the walk is a cycle, which never resolves.
    const composedState = (root: EffectiveSecret): State => {
      const known = status.get(root.name);
      if (known) return known;
      const visiting = new Set<string>();
      const frames: Array<{ s: EffectiveSecret; refs: TemplateRef[]; ok: boolean; next: number; result: State }> = [];
      const enter = (s: EffectiveSecret) => {
        visiting.add(s.name);
        const parsed = parseTemplate(s.fields.composed!.value);
        frames.push({ s, refs: parsed.refs, ok: parsed.ok, next: 0, result: parsed.ok ? 'resolved' : 'missing' });
      };
      let done: State = 'missing';
      enter(root);
      while (frames.length) {
        const frame = frames[frames.length - 1]!;
        if (frame.result !== 'missing' && frame.next < frame.refs.length) {
          const dep = profile.secrets.get(frame.refs[frame.next++]!.name);
          let st: State | undefined;
          if (!dep) st = 'missing';
          else if (dep.fields.composed === undefined) st = status.get(dep.name) ?? 'missing';
          else st = status.get(dep.name) ?? (visiting.has(dep.name) ? 'missing' : undefined);
          if (st === undefined) enter(dep!);
          else if (st !== 'resolved') frame.result = st === 'missing' ? 'missing' : 'unknown';
          continue;
        }
        frames.pop();
        status.set(frame.s.name, frame.result);
        done = frame.result;
        const parent = frames[frames.length - 1];
        if (parent && done !== 'resolved') parent.result = done === 'missing' ? 'missing' : 'unknown';
      }
      return done;
    };
    // By name: a composition's first undetermined input is one lookup per reference, not a scan of every unresolved secret.
    const unresolvedByName = new Map(unresolved.map((u) => [u.name, u]));
    for (const s of composed) {
      const st = composedState(s);
      status.set(s.name, st);
      if (st === 'unknown') {
        const dep = parseTemplate(s.fields.composed!.value).refs.map((r) => unresolvedByName.get(r.name)).find(Boolean);
        const row: Unresolved = {
          name: s.name,
          provider: dep?.provider ?? '',
          kind: dep?.kind ?? 'internal',
          message: `composed from secrets whose presence could not be determined${dep ? ` (${dep.name}: ${dep.message})` : ''}`,
        };
        unresolved.push(row);
        unresolvedByName.set(s.name, row);
      } else if (st === 'resolved') {
        secrets.push(entry(s, 'resolved'));
      } else {
        secrets.push(entry(s, reportRequired(s) ? 'missing_required' : 'missing_optional'));
      }
    }
    violations = constraintViolations(grouped, status);
  }

  // Profiles visit secrets by name, so only compositions (appended last) usually need sorting in.
  if (!sortedByName(secrets)) secrets.sort(byName);
  if (!sortedByName(unresolved)) unresolved.sort(byName);
  const report: ResolutionReport = { schema_version: 1, provider: input.providerLabel, profile: profile.name, secrets };
  if (violations.length) report.constraint_violations = violations;
  return { report, unresolved };
}

function sortedByName(secrets: ReadonlyArray<{ name: string }>): boolean {
  for (let i = 1; i < secrets.length; i++) if (byName(secrets[i - 1]!, secrets[i]!) > 0) return false;
  return true;
}

function constraintViolations(grouped: ReadonlyArray<{ name: string; membership: GroupMembership }>, status: Map<string, State>): ConstraintViolation[] {
  const groups = new Map<string, { kind: 'at_least_one' | 'exactly_one'; members: string[] }>();
  for (const { name, membership } of grouped) {
    for (const kind of ['at_least_one', 'exactly_one'] as const) {
      for (const g of membership[kind]?.value ?? []) {
        const group = groups.get(`${kind}\u0000${g}`) ?? { kind, members: [] };
        group.members.push(name);
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
