// The presence tree as plain data, built from `secretspec/check` results:
// manifest → profile → secret. No VS Code here, so every status rule is
// unit-tested without an editor.
import type { CheckResult, CliCheckInfo, ErrorKind, OutlineResult, ReportSecret, Unresolved } from '../../../protocol/src/index';

export type PresenceStatus =
  | 'resolved'
  | 'missing_required'
  | 'missing_optional'
  | 'default_applied'
  | 'will_generate'
  | 'composed'
  | 'composed_missing'
  | 'unresolved';

export interface SecretRow {
  name: string;
  status: PresenceStatus;
  required: boolean;
  /** The answering provider (resolved) or the one that could not answer (unresolved). */
  provider?: string;
  /** Why presence could not be determined; only for `unresolved`. */
  problem?: { kind: ErrorKind; message: string };
  /** Answered through the user's `secretspec` CLI: e.g. `via secretspec 0.21.1 in 412 ms`. */
  via?: string;
  /** Only for `composed_missing`: the inputs of the template that have no value (or could not be checked). */
  missingInputs?: string[];
}

/** How a CLI run is named in the tooltip and the output channel. */
export function cliVia(cli: CliCheckInfo): string {
  return `via secretspec ${cli.version} in ${cli.durationMs} ms${cli.cached ? ' (kept from an earlier run; Check Now runs it again)' : ''}`;
}

export interface ProfileRow {
  profile: string;
  active: boolean;
  secrets: SecretRow[];
  missingRequired: number;
  unresolved: number;
}

/** What a row needs to say and whether it counts as a problem. */
export const STATUS_INFO: Record<PresenceStatus, { label: string; problem: boolean }> = {
  resolved: { label: 'present', problem: false },
  missing_required: { label: 'missing (required)', problem: true },
  missing_optional: { label: 'missing (optional)', problem: false },
  default_applied: { label: 'default applied', problem: false },
  will_generate: { label: 'will be generated', problem: false },
  composed: { label: 'composed', problem: false },
  composed_missing: { label: 'composed, input missing', problem: true },
  unresolved: { label: 'unknown', problem: true },
};

export function secretStatus(s: ReportSecret): PresenceStatus {
  if (s.status === 'missing_required') return 'missing_required';
  if (s.status === 'missing_optional') return 'missing_optional';
  if (s.default_applied) return 'default_applied';
  if (s.generated) return 'will_generate';
  // SecretSpec's report has no composed flag: resolved with no provider, default or generation is a composition.
  if (s.source_provider === undefined) return 'composed';
  return 'resolved';
}

function unresolvedRow(u: Unresolved): SecretRow {
  return { name: u.name, status: 'unresolved', required: true, provider: u.provider, problem: { kind: u.kind, message: u.message } };
}

/** Whether a row is a composition: it has no stored value of its own, so Set and Delete do not apply. */
export function isComposed(status: PresenceStatus): boolean {
  return status === 'composed' || status === 'composed_missing';
}

/** Statuses under which a template input has a value. */
const HAS_VALUE: ReadonlySet<PresenceStatus> = new Set(['resolved', 'default_applied', 'will_generate', 'composed']);

/**
 * SecretSpec reports a composition whose input is missing as plainly missing;
 * with the outline's `inputs` the row says it is composed and which input to
 * set, so nobody is offered to set the composition itself.
 */
function markCompositions(rows: SecretRow[], declared: OutlineResult['profiles'][number] | undefined): SecretRow[] {
  if (!declared) return rows;
  const status = new Map(rows.map((r) => [r.name, r.status]));
  return rows.map((r) => {
    const inputs = r.status === 'missing_required' || r.status === 'missing_optional' ? declared.secrets.find((s) => s.name === r.name)?.inputs : undefined;
    if (!inputs) return r;
    return { ...r, status: 'composed_missing', missingInputs: inputs.filter((i) => !HAS_VALUE.has(status.get(i) ?? 'missing_required')) };
  });
}

/** What a secret row says after its name: its status, and for a broken composition the inputs to blame. */
export function statusLabel(row: SecretRow): string {
  if (row.status === 'composed_missing' && row.missingInputs?.length) return `composed, missing ${row.missingInputs.join(', ')}`;
  return STATUS_INFO[row.status].label;
}

/**
 * Profiles in the server's order, the active one marked, secrets sorted by
 * name; with the manifest's outline, compositions are told apart.
 */
export function buildProfiles(result: CheckResult, activeProfile: string | undefined, outline?: OutlineResult): ProfileRow[] {
  const active = result.results.some((r) => r.profile === activeProfile) ? activeProfile : result.results[0]?.profile;
  return result.results.map(({ profile, report, unresolved, cli }) => {
    const viaCli = new Set(cli?.names);
    const via = cli && cliVia(cli);
    const rows: SecretRow[] = [
      ...report.secrets.map((s) => ({
        name: s.name,
        status: secretStatus(s),
        required: s.required,
        ...(s.source_provider !== undefined ? { provider: s.source_provider } : {}),
      })),
      ...unresolved.map(unresolvedRow),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const marked = markCompositions(rows, outline?.profiles.find((p) => p.name === profile));
    const secrets = via ? marked.map((r) => (viaCli.has(r.name) ? { ...r, via } : r)) : marked;
    return {
      profile,
      active: profile === active,
      secrets,
      // A required composition with a missing input fails SecretSpec's check too.
      missingRequired: secrets.filter((s) => s.status === 'missing_required' || (s.status === 'composed_missing' && s.required)).length,
      unresolved: secrets.filter((s) => s.status === 'unresolved').length,
    };
  });
}

/**
 * A report's `source_provider` is SecretSpec's canonical URI, with dotenv
 * paths made absolute; the tree row shows a dotenv file beside the manifest
 * by its relative path and keeps the full URI for the tooltip.
 */
export function shortProvider(provider: string, manifestDir: string): string {
  const prefix = `dotenv:${manifestDir.replace(/\/+$/, '')}/`;
  return provider.startsWith(prefix) && provider.length > prefix.length ? `dotenv:${provider.slice(prefix.length)}` : provider;
}

export function onlyProblems(rows: SecretRow[]): SecretRow[] {
  return rows.filter((r) => STATUS_INFO[r.status].problem);
}

/** The view-level state a welcome message explains, or undefined when the tree has something to show. */
export type ViewState = 'untrusted' | 'no_provider';

export function viewState(results: CheckResult[]): ViewState | undefined {
  const all = results.flatMap((r) => r.results);
  const unresolved = all.flatMap((r) => r.unresolved);
  const determined = all.reduce((n, r) => n + r.report.secrets.filter((s) => s.source_provider !== undefined).length, 0);
  if (unresolved.length === 0 || determined > 0) return undefined;
  if (unresolved.every((u) => u.kind === 'untrusted_workspace')) return 'untrusted';
  if (unresolved.every((u) => u.kind === 'no_provider_configured')) return 'no_provider';
  return undefined;
}

const ADVICE: Partial<Record<ErrorKind, string>> = {
  plugin_not_installed: 'Install the provider plugin on your PATH or register it in the setting secretspec.plugins (a SecretSpec 0.21 claim in providers.d serves the CLI only).',
  untrusted_workspace: 'Trust this folder to let SecretSpec ask providers.',
  no_provider_configured: 'Give the secret a providers list, add profile defaults, set [defaults] provider in your SecretSpec user config, or set secretspec.defaultProvider.',
  timeout: 'The provider did not answer in time; check it, or raise secretspec.requestTimeoutMs.',
  plugin_crashed: 'The provider plugin crashed; see SecretSpec: Show Output.',
  auth_failed: 'Log in to or unlock the provider, then run SecretSpec: Check Now.',
  permission_denied: 'Your account may not read this secret; ask for access.',
  unavailable: 'The provider is not reachable right now; retry with SecretSpec: Check Now.',
  circuit_open: 'The provider failed repeatedly and is paused; retry in a minute.',
  rate_limited: 'The provider is rate limiting; retry in a minute.',
};

/** What the user can do about an unresolved secret. */
export function adviceFor(kind: ErrorKind): string {
  return ADVICE[kind] ?? 'See SecretSpec: Show Output for details.';
}

/**
 * How many required secrets of a profile are missing, and how many secrets
 * could not be checked at all. An unknown one may be missing too, so a
 * profile with unknowns is never "all present".
 */
export interface ProfileHealth {
  missing: number;
  unknown: number;
}

export function healthOf(row: Pick<ProfileRow, 'missingRequired' | 'unresolved'>): ProfileHealth {
  return { missing: row.missingRequired, unknown: row.unresolved };
}

export function needsAttention(health: ProfileHealth): boolean {
  return health.missing > 0 || health.unknown > 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One sentence for the status bar, the picker and the view badge. */
export function healthText(health: ProfileHealth): string {
  const missing = `${plural(health.missing, 'required secret')} missing`;
  const unknown = `${plural(health.unknown, 'secret')} could not be checked`;
  if (health.missing > 0 && health.unknown > 0) return `${missing}, ${unknown}`;
  if (health.missing > 0) return missing;
  if (health.unknown > 0) return unknown;
  return 'all required secrets present';
}

/** The profile row's description; `stale` when it shows the statuses of an earlier check. */
export function profileDescription(row: ProfileRow, stale = false): string {
  const parts: string[] = [];
  if (stale) parts.push('stale');
  if (row.active) parts.push('active');
  if (row.missingRequired > 0) parts.push(`${row.missingRequired} missing`);
  if (row.unresolved > 0) parts.push(`${row.unresolved} unknown`);
  if (row.missingRequired === 0 && row.unresolved === 0) parts.push('all required present');
  return parts.join(' · ');
}

/**
 * Whether `name` already has a value in `profile`, as the last check saw it:
 * Set asks before replacing one, and before writing where it could not tell.
 */
export type ExistingValue = { state: 'present'; provider?: string } | { state: 'unknown'; problem: string };

export function existingValue(result: CheckResult | undefined, profile: string, name: string): ExistingValue | undefined {
  const row = result && buildProfiles(result, profile).find((p) => p.profile === profile)?.secrets.find((s) => s.name === name);
  if (row?.status === 'resolved') return { state: 'present', ...(row.provider ? { provider: row.provider } : {}) };
  if (row?.status === 'unresolved') return { state: 'unknown', problem: row.problem?.message ?? 'the provider did not answer' };
  return undefined;
}

/** What the status bar item says about the active profile. */
export interface ProfileSummary {
  text: string;
  detail: string;
  /** Warning colour: something required is missing or could not be checked. */
  warning: boolean;
}

/**
 * `health` is undefined until a check of the profile finished; `stale` when
 * the last check failed and the counts are from an earlier one.
 */
export function profileSummary(profile: string, health: ProfileHealth | undefined, opts: { untrusted: boolean; stale: boolean }): ProfileSummary {
  if (opts.untrusted) return { text: `$(key) ${profile}`, detail: 'presence is not checked in Restricted Mode', warning: false };
  if (!health) return { text: `$(key) ${profile}`, detail: 'presence not known yet', warning: false };
  const counts = [...(health.missing > 0 ? [`$(warning) ${health.missing}`] : []), ...(health.unknown > 0 ? [`$(question) ${health.unknown}`] : [])];
  const detail = opts.stale ? `${healthText(health)} at the last check; the latest check failed, so this may be out of date` : healthText(health);
  return { text: [`$(key) ${profile}`, ...counts, ...(opts.stale ? ['$(history)'] : [])].join(' '), detail, warning: needsAttention(health) || opts.stale };
}
