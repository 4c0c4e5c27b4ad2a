// What the user's `secretspec` CLI is asked to do, as argument vectors: pure,
// no process handling. Verified against SecretSpec 0.21.1 (src/cli/mod.rs):
// `--file`, `--reason` and `--caller*` are global flags (accepted before the
// subcommand, where every release since 0.19 takes them), `--profile` belongs
// to check/set/delete, `import` has no `--profile` (SECRETSPEC_PROFILE picks
// it), and `--` ends the options so a name or source can never read as a
// flag. A value is never part of an invocation: `set` reads it from stdin.
import { formatVersion, type EngineVersion } from '../engine/version';

/** Who runs the CLI, recorded in SecretSpec's audit log (0.20+ `--caller*`). */
const CALLER = 'secretspec-vscode';

/** Releases that introduced what the bridge relies on. */
const CLI_SINCE = {
  /** `check --json`, the write-target preview printed by `set`, global `--reason`. */
  bridge: { major: 0, minor: 19, patch: 0 },
  /** `--caller`, `--caller-version`, `--caller-operation`. */
  caller: { major: 0, minor: 20, patch: 0 },
  /** `set --from-file -`: the exact bytes of stdin; older releases trim a piped value. */
  fromFile: { major: 0, minor: 21, patch: 0 },
} as const satisfies Record<string, EngineVersion>;

function atLeast(v: EngineVersion, since: EngineVersion): boolean {
  return (v.major - since.major || v.minor - since.minor || v.patch - since.patch) >= 0;
}

export interface CliTarget {
  version: EngineVersion;
  /** The extension's version, for `--caller-version`. */
  callerVersion?: string;
}

/** Everything one CLI run needs besides the process itself. */
export interface Invocation {
  args: string[];
  /** Added to the user's environment; never a value. */
  env: Record<string, string>;
  /** What goes to stdin: the value being set, or nothing (stdin is closed at once). */
  stdin: 'value' | 'none';
}

/** A refusal names its kind only when it is the request, not the CLI, that cannot be served. */
export type Planned = { ok: true; invocation: Invocation } | { ok: false; reason: string; kind?: 'invalid_request' };

/**
 * The reason SecretSpec records and policy-gated providers require, the one
 * the plugin host synthesizes: `secretspec:<project>:<command or key>`.
 */
export function synthesizedReason(project: string, commandOrKey: string): string {
  return `secretspec:${project}:${commandOrKey}`;
}

interface Common {
  /** Absolute path of the manifest (`--file`); the run's folder is its directory. */
  manifest: string;
  reason: string;
}

function globals(target: CliTarget, common: Common, operation: string): string[] {
  const args = ['--file', common.manifest, '--reason', common.reason];
  if (atLeast(target.version, CLI_SINCE.caller)) {
    args.push('--caller', CALLER, '--caller-operation', operation);
    if (target.callerVersion) args.push('--caller-version', target.callerVersion);
  }
  return args;
}

function tooOld(target: Pick<CliTarget, 'version'>): Extract<Planned, { ok: false }> | undefined {
  if (atLeast(target.version, CLI_SINCE.bridge)) return undefined;
  return { ok: false, reason: `secretspec ${formatVersion(target.version)} is older than 0.19, the first release with \`check --json\` and write-target previews; update the CLI` };
}

/** `check --json --no-prompt --profile <p> [--scope <s>]`: the value-free report; prompts never (stdin is closed, and the run has no terminal). */
export function checkArgv(target: CliTarget, common: Common, q: { profile: string; scope?: string; provider?: string }): Planned {
  const old = tooOld(target);
  if (old) return old;
  const args = [...globals(target, common, 'check'), 'check', '--json', '--no-prompt', '--profile', q.profile];
  if (q.scope !== undefined) args.push('--scope', q.scope);
  // Only the import plan asks this: what the source store holds, read through the same route override `import` uses.
  if (q.provider !== undefined) args.push('--provider', q.provider);
  return { ok: true, invocation: { args, env: {}, stdin: 'none' } };
}

/**
 * `set --profile <p> --from-file - -- <NAME>`, the value on stdin. Before 0.21
 * a piped value is read trimmed, so a value with surrounding whitespace would
 * be stored altered: refused rather than changed.
 */
export function setArgv(target: CliTarget, common: Common, q: { profile: string; name: string; value: string }): Planned {
  const old = tooOld(target);
  if (old) return old;
  // SecretSpec refuses an empty value after previewing the target; say so before starting it.
  if (q.value === '') return { ok: false, reason: 'SecretSpec does not store an empty value', kind: 'invalid_request' };
  const exact = atLeast(target.version, CLI_SINCE.fromFile);
  if (!exact && q.value.trim() !== q.value) {
    return { ok: false, reason: `secretspec ${formatVersion(target.version)} trims a value read from stdin, so this one (with leading or trailing whitespace) would be stored changed; SecretSpec 0.21 and later keep it exact` };
  }
  const args = [...globals(target, common, 'set'), 'set', '--profile', q.profile, ...(exact ? ['--from-file', '-'] : []), '--', q.name];
  return { ok: true, invocation: { args, env: {}, stdin: 'value' } };
}

/**
 * Where `set` would write, without writing: `set` previews its destination on
 * stderr (`Writing secret 'N' to <uri> (profile: p)` / `  target: …`) after
 * its writability checks and before it reads the value, and refuses an empty
 * value before any write (secrets.rs `store_secret_with_input`). So an empty
 * stdin yields the preview, or the store's refusal, and nothing is stored.
 * SecretSpec records the refused attempt in its audit log, as
 * `--caller-operation describe-target` where the release takes it.
 */
export function describeTargetArgv(target: CliTarget, common: Common, q: { profile: string; name: string }): Planned {
  const old = tooOld(target);
  if (old) return old;
  const exact = atLeast(target.version, CLI_SINCE.fromFile);
  const args = [...globals(target, common, 'describe-target'), 'set', '--profile', q.profile, ...(exact ? ['--from-file', '-'] : []), '--', q.name];
  return { ok: true, invocation: { args, env: {}, stdin: 'none' } };
}

/** `delete --profile <p> -- <NAME>` (0.18+): the primary store only, idempotent. */
export function deleteArgv(target: CliTarget, common: Common, q: { profile: string; name: string }): Planned {
  const old = tooOld(target);
  if (old) return old;
  return { ok: true, invocation: { args: [...globals(target, common, 'delete'), 'delete', '--profile', q.profile, '--', q.name], env: {}, stdin: 'none' } };
}

/**
 * `import [--delete-source] -- <FROM>`, the profile in SECRETSPEC_PROFILE
 * (`import` has no `--profile`). It copies every declared secret of the
 * profile into the primary store of its own route and never overwrites.
 */
export function importArgv(target: CliTarget, common: Common, q: { profile: string; from: string; deleteSource?: boolean }): Planned {
  const old = tooOld(target);
  if (old) return old;
  const args = [...globals(target, common, 'import'), 'import', ...(q.deleteSource ? ['--delete-source'] : []), '--', q.from];
  return { ok: true, invocation: { args, env: { SECRETSPEC_PROFILE: q.profile }, stdin: 'none' } };
}

/**
 * Variables of the user's environment that would silently change what a run
 * means: the bridge states the manifest, reason, profile and scope itself.
 * SECRETSPEC_PROVIDER stays: it is the user's override, honoured by the
 * native check as well.
 */
export const AMBIENT_VARIABLES = ['SECRETSPEC_FILE', 'SECRETSPEC_REASON', 'SECRETSPEC_PROFILE', 'SECRETSPEC_SCOPE'] as const;

export type Operation = 'check' | 'set' | 'describeTarget' | 'delete' | 'import' | 'importDryRun' | 'get' | 'reflect';
export type OperationSupport = { available: true; how: string } | { available: false; reason: string };

/** What the user's CLI offers per operation, and why not where it does not: for the views' "not available". */
export function cliOperations(version: EngineVersion): Record<Operation, OperationSupport> {
  const old = tooOld({ version });
  const via = (how: string): OperationSupport => (old ? { available: false, reason: old.reason } : { available: true, how });
  const exact = atLeast(version, CLI_SINCE.fromFile);
  return {
    check: via('secretspec check --json --no-prompt --profile <p>'),
    set: via(exact ? 'secretspec set --profile <p> --from-file - -- <NAME>, the value on stdin' : 'secretspec set --profile <p> -- <NAME>, the value on stdin (trimmed by this release: values with surrounding whitespace are refused)'),
    describeTarget: via('secretspec set --profile <p> -- <NAME> with an empty stdin: the destination preview, then SecretSpec refuses the empty value before writing'),
    delete: via('secretspec delete --profile <p> -- <NAME> (the primary store; the CLI refuses for stores that cannot delete)'),
    import: via('SECRETSPEC_PROFILE=<p> secretspec import -- <FROM>: every declared secret of the profile into its own primary store, never overwriting'),
    importDryRun: via('secretspec has no import dry run: the plan compares secretspec check --json --provider <FROM> with the profile\'s own report'),
    get: { available: false, reason: 'the bridge never reads a value: presence comes from secretspec check --json, which is value-free' },
    reflect: { available: false, reason: 'secretspec init --from writes a new secretspec.toml instead of reporting what a provider holds' },
  };
}
