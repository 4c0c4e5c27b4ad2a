// One profile's check, put together from two answers: the natively built
// report (plugin host, bundled providers) and the CLI's `check --json` for
// the secrets the server cannot answer natively. Pure. Each secret keeps one
// status: a delegated secret takes the CLI's entry, every other secret keeps
// the native one, and a delegated secret the CLI did not answer is
// unresolved with the reason, never missing.
import type { CliCheckInfo, ConstraintViolation, ResolutionReport, Unresolved } from '../../../protocol/src';
import type { CheckOutcome } from './report';

export interface NativeCheck {
  report: ResolutionReport;
  unresolved: Unresolved[];
}

export interface MergeInput {
  native: NativeCheck;
  /**
   * The secrets the CLI answers: those whose route the server cannot walk
   * natively, and compositions the native check left unresolved only because
   * one of their inputs is such a secret. Their native entries (usually
   * `unresolved`) are replaced.
   */
  delegated: readonly string[];
  cli: CheckOutcome;
  /** Names the CLI in `unresolved[].provider`, e.g. `secretspec 0.21.1`. */
  label: string;
  /** For the views: the CLI's release and how long its run took. */
  run: Omit<CliCheckInfo, 'names'>;
}

export interface MergedCheck extends NativeCheck {
  cli: CliCheckInfo;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Why the CLI's report has no entry for a secret the native check delegated to it. */
function omittedReason(report: ResolutionReport, name: string, label: string): string {
  if (report.scope !== undefined) return `${name} is outside scope '${report.scope}' of the ${label} check, which reports only that scope's secrets`;
  return `${label} reported profile '${report.profile}' without ${name}: the CLI read the manifest differently (an \`extends\` parent it resolved otherwise, or a declaration its release does not know); check the manifest with that CLI`;
}

export function mergeCliCheck(input: MergeInput): MergedCheck {
  const delegated = new Set(input.delegated);
  const secrets = input.native.report.secrets.filter((s) => !delegated.has(s.name));
  const unresolved = input.native.unresolved.filter((u) => !delegated.has(u.name));
  const names: string[] = [];
  let violations = input.native.report.constraint_violations ?? [];

  if (input.cli.ok) {
    const cli = input.cli.report;
    const entries = new Map(cli.secrets.map((s) => [s.name, s]));
    for (const name of delegated) {
      names.push(name);
      const entry = entries.get(name);
      if (entry) secrets.push(entry);
      else unresolved.push({ name, provider: input.label, kind: 'internal', message: omittedReason(cli, name, input.label) });
    }
    // A group with a delegated member is judged by the CLI, which saw every member; the native check
    // held back (or judged without) the members it could not answer. Other groups stay native.
    const touches = (v: ConstraintViolation) => v.secrets.some((s) => delegated.has(s));
    violations = [...violations.filter((v) => !touches(v)), ...(cli.constraint_violations ?? []).filter(touches)];
  } else {
    for (const name of delegated) {
      names.push(name);
      unresolved.push({ name, provider: input.label, kind: input.cli.failure.kind, message: input.cli.failure.message });
    }
  }

  secrets.sort(byName);
  unresolved.sort(byName);
  names.sort();
  violations = [...violations].sort((a, b) => (a.kind + '\u0000' + a.group < b.kind + '\u0000' + b.group ? -1 : 1));
  const report: ResolutionReport = { ...input.native.report, secrets };
  if (violations.length) report.constraint_violations = violations;
  else delete report.constraint_violations;
  return { report, unresolved, cli: { ...input.run, names } };
}
