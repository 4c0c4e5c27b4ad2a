// What stops a run before it starts: the required secrets a profile's last
// check found missing, or could not check. Pure: the message is unit-tested.
import type { CheckResult } from '../../../protocol/src/index';

export interface MissingSecrets {
  missing: string[];
  /** Name and the kind of failure (timeout, auth_failed…). */
  unknown: Array<{ name: string; kind: string }>;
}

/**
 * Undefined when the profile is not in the result (not declared); empty
 * lists when nothing blocks. `within`: a scope's members, the only secrets
 * a scoped run exposes (a composition whose input outside the scope is
 * missing is itself missing, so it is still caught).
 */
export function missingSecrets(result: CheckResult, profile: string, within?: ReadonlySet<string>): MissingSecrets | undefined {
  const entry = result.results.find((r) => r.profile === profile);
  if (!entry) return undefined;
  const kept = (name: string) => !within || within.has(name);
  return {
    missing: entry.report.secrets.filter((s) => s.status === 'missing_required' && kept(s.name)).map((s) => s.name).sort(),
    unknown: entry.unresolved.filter((u) => kept(u.name)).map((u) => ({ name: u.name, kind: u.kind })).sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

export function blocks(m: MissingSecrets): boolean {
  return m.missing.length + m.unknown.length > 0;
}

const plural = (n: number, word: string) => `${n} required ${word}${n === 1 ? '' : 's'}`;

/** One line naming every secret (never a value) and what was not started. */
export function missingMessage(what: string, profile: string, m: MissingSecrets): string {
  const parts: string[] = [];
  if (m.missing.length) parts.push(`${plural(m.missing.length, 'secret')} missing: ${m.missing.join(', ')}`);
  if (m.unknown.length) parts.push(`${plural(m.unknown.length, 'secret')} could not be checked: ${m.unknown.map((u) => `${u.name} (${u.kind})`).join(', ')}`);
  return `${what} was not started. SecretSpec profile ${profile} has ${parts.join('; ')}.`;
}
