// `secretspec check --json` as the bridge reads it: SecretSpec's resolution
// report (report.rs, schema_version 1), checked with zod, and what a run that
// produced no usable report means. Pure.
//
// How 0.21.1 ends `check --json` (verified with the real CLI):
// - every required secret present: the report on stdout, status 0;
// - a required secret missing or a group constraint violated: the report on
//   stdout, status 1;
// - anything that stops resolution (a store that fails, an unknown profile,
//   a manifest it cannot load): nothing on stdout, status 1, and miette's
//   `Error: × Failed to resolve secrets ╰─▶ <cause>` on stderr.
// So stdout decides: a valid report is used whatever the status; no report
// is a failure whose kind comes from the error report, never "missing".
import { z } from 'zod';
import type { ResolutionReport } from '../../../protocol/src';
import { classifyCliError, oneLine, redactUntrusted, type BridgeFailureKind, type CliWriteFailureKind } from './diagnose';

const secretSchema = z.object({
  name: z.string(),
  status: z.enum(['resolved', 'missing_required', 'missing_optional']),
  required: z.boolean(),
  source_provider: z.string().optional(),
  default_applied: z.boolean(),
  generated: z.boolean(),
  as_path: z.boolean(),
});

// Unknown keys are dropped, not refused: report.rs bumps schema_version only for changes that are not additive and optional.
const reportSchema = z.object({
  schema_version: z.literal(1),
  provider: z.string(),
  profile: z.string(),
  scope: z.string().optional(),
  secrets: z.array(secretSchema),
  constraint_violations: z
    .array(
      z.object({
        kind: z.enum(['at_least_one', 'exactly_one']),
        group: z.string(),
        secrets: z.array(z.string()),
        present: z.array(z.string()),
      }),
    )
    .optional(),
});

export interface CliFailure {
  kind: BridgeFailureKind;
  /** One redacted line; never the CLI's raw output. */
  message: string;
}

export type ReportParse = { ok: true; report: ResolutionReport } | { ok: false; failure: CliFailure };

/**
 * The report on stdout, when there is one. A zod failure is described by the
 * paths it found wrong, never by the values there: stdout is the CLI's text.
 */
export function parseReport(stdout: string, profile: string): ReportParse {
  const text = stdout.trim();
  if (text === '') return { ok: false, failure: { kind: 'invalid_response', message: 'printed no report' } };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, failure: { kind: 'invalid_response', message: `printed ${Buffer.byteLength(text)} bytes that are not a JSON report` } };
  }
  const version = typeof json === 'object' && json !== null ? (json as { schema_version?: unknown }).schema_version : undefined;
  if (typeof version === 'number' && version !== 1) {
    return { ok: false, failure: { kind: 'invalid_response', message: `printed a report of schema_version ${version}; this extension reads version 1` } };
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(top level)'))].slice(0, 3);
    return { ok: false, failure: { kind: 'invalid_response', message: `printed JSON that is not a SecretSpec report (wrong or missing: ${paths.join(', ')})` } };
  }
  const report = parsed.data;
  if (report.profile !== profile) {
    return { ok: false, failure: { kind: 'invalid_response', message: `reported profile '${oneLine(redactUntrusted(report.profile))}' when asked for '${profile}'` } };
  }
  const names = new Set<string>();
  for (const s of report.secrets) {
    if (names.has(s.name)) return { ok: false, failure: { kind: 'invalid_response', message: `reported ${oneLine(redactUntrusted(s.name))} twice` } };
    names.add(s.name);
  }
  // Rebuilt field by field, in SecretSpec's order, so nothing the schema does not name travels on.
  const out: ResolutionReport = {
    schema_version: 1,
    provider: report.provider,
    profile: report.profile,
    ...(report.scope !== undefined ? { scope: report.scope } : {}),
    secrets: report.secrets.map((s) => ({
      name: s.name,
      status: s.status,
      required: s.required,
      ...(s.source_provider !== undefined ? { source_provider: s.source_provider } : {}),
      default_applied: s.default_applied,
      generated: s.generated,
      as_path: s.as_path,
    })),
  };
  if (report.constraint_violations?.length) out.constraint_violations = report.constraint_violations;
  return { ok: true, report: out };
}

/** How a CLI run ended, as the runner saw it; stderr is already reduced to SecretSpec's redacted error line. */
export type RunEnd =
  | { kind: 'exited'; code: number; stdout: string; errorReason?: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'signal'; signal: string }
  | { kind: 'spawn_error'; code: string }
  | { kind: 'output_too_large'; limit: number };

/**
 * A failed run as one kind and one line; `what` names the command, e.g.
 * `secretspec check (profile prod)`. Writes classify SecretSpec's refusals
 * with `classifyWriteError`.
 */
export function runFailure(end: RunEnd, what: string, classify: (reason: string) => CliWriteFailureKind = classifyCliError): CliFailure {
  switch (end.kind) {
    case 'timeout':
      return { kind: 'timeout', message: `${what} did not finish within ${Math.round(end.timeoutMs / 100) / 10} s; its process group was stopped` };
    case 'signal':
      return { kind: 'internal', message: `${what} was ended by ${end.signal}` };
    case 'spawn_error':
      return { kind: 'unavailable', message: `${what} could not be started (${end.code})` };
    case 'output_too_large':
      return { kind: 'invalid_response', message: `${what} printed more than ${end.limit} bytes; its process group was stopped` };
    case 'exited':
      if (end.errorReason) return { kind: classify(end.errorReason), message: `${what} failed: ${end.errorReason}` };
      return { kind: 'internal', message: `${what} exited with status ${end.code} without saying why` };
  }
}

export type CheckOutcome = { ok: true; report: ResolutionReport } | { ok: false; failure: CliFailure };

/** A check run's outcome: its report when stdout holds one (any status), else why not. */
export function checkOutcome(end: RunEnd, profile: string, what: string): CheckOutcome {
  if (end.kind !== 'exited') return { ok: false, failure: runFailure(end, what) };
  const parsed = parseReport(end.stdout, profile);
  if (parsed.ok) return parsed;
  // No report: SecretSpec's own error explains it; stdout that is not a report only matters when stderr says nothing.
  if (end.code !== 0 && end.errorReason) return { ok: false, failure: runFailure(end, what) };
  return { ok: false, failure: { kind: parsed.failure.kind, message: `${what} ${parsed.failure.message}${end.code !== 0 ? ` and exited with status ${end.code}` : ''}` } };
}
