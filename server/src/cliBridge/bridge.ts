// The bridge to the user's own `secretspec` CLI: presence (`check --json`),
// set, delete, import and the write-target preview for the stores the server
// does not speak natively. One CLI run per manifest at a time, check outcomes
// cached by (manifest text, user config, profile), nothing started outside a
// trusted workspace, and no value in argv, environment, logs or messages.
import { dirname } from 'node:path';
import type { ImportResult, WriteTargetResult } from '../../../protocol/src';
import { formatVersion, type EngineVersion } from '../engine/version';
import { checkArgv, deleteArgv, describeTargetArgv, importArgv, setArgv, synthesizedReason, type CliTarget, type Planned } from './argv';
import { CheckCache, fingerprint } from './cache';
import { classifyWriteError, parseWritePreview, redactUntrusted, type BridgeFailureKind } from './diagnose';
import { parseImportLines, planImport } from './importPlan';
import { checkOutcome, runFailure, type CheckOutcome, type CliFailure } from './report';
import { DEFAULT_TIMEOUT_MS, runCli, type RunResult } from './runner';

/** Import prints one line per declared secret; keep enough stderr for thousands. */
const IMPORT_STDERR_BYTES = 4 * 1024 * 1024;

export interface BridgeOptions {
  /** Absolute path of the user's CLI (`locateCli`). */
  cli: string;
  /** Its release (`readCliVersion`). */
  version: EngineVersion;
  /** The extension's version, recorded by SecretSpec as `--caller-version`. */
  callerVersion?: string;
  /** Asked before every run: in Restricted Mode nothing is started. */
  trusted(): boolean;
  /** The user's environment for each run; default the server's own. */
  env?(): NodeJS.ProcessEnv;
  /** `secretspec.cli.timeoutMs`; default 30 s, after which the run's process group is stopped. */
  timeoutMs?: number;
  /** SIGTERM → SIGKILL. */
  killGraceMs?: number;
  /** Receives one line per run: the operation, its duration and outcome; never CLI output. */
  log?(line: string): void;
}

interface Target {
  /** Absolute path of the manifest; the run's folder is its directory. */
  manifest: string;
  profile: string;
  /** `[project] name`, for the synthesized reason. */
  project: string;
  /** A reason the user gave; else `secretspec:<project>:<command or key>`. */
  reason?: string;
}

export interface CheckRequest extends Target {
  manifestText: string;
  userConfigText?: string;
  scope?: string;
  /** More inputs the answer depends on (e.g. `extends` parents' texts). */
  extra?: readonly string[];
  /** The user asked: run even if an answer for these inputs is cached. */
  force?: boolean;
}

export interface CheckAnswer {
  outcome: CheckOutcome;
  /** Of the run that produced the outcome (0 when none was started). */
  durationMs: number;
  cached: boolean;
}

export type WriteAnswer<T> = ({ ok: true } & T) | { ok: false; kind: BridgeFailureKind; message: string };

function refused(failure: CliFailure): { ok: false; kind: BridgeFailureKind; message: string } {
  return { ok: false, kind: failure.kind, message: failure.message };
}

export class CliBridge {
  private readonly cache = new CheckCache<{ outcome: CheckOutcome; durationMs: number }>();
  /** The last run queued per manifest: each run starts when the one before it has ended. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** Checks in flight by (manifest, profile, fingerprint): an identical request joins the run. */
  private readonly inflight = new Map<string, Promise<CheckAnswer>>();
  private readonly target: CliTarget;

  constructor(private readonly options: BridgeOptions) {
    this.target = { version: options.version, ...(options.callerVersion ? { callerVersion: options.callerVersion } : {}) };
  }

  /** `secretspec 0.21.1`, as the views and `unresolved[].provider` name the CLI. */
  get label(): string {
    return `secretspec ${formatVersion(this.options.version)}`;
  }

  /** The CLI's release, e.g. `0.21.1`. */
  get release(): string {
    return formatVersion(this.options.version);
  }

  /** The user asked to check again, or a store changed outside the bridge. */
  invalidate(manifest?: string): void {
    this.cache.invalidate(manifest);
  }

  /**
   * The kept answer for exactly these inputs, without starting anything: what
   * a check run per keystroke may show, since only open, save and an explicit
   * Check may start the CLI.
   */
  cached(request: CheckRequest): CheckAnswer | undefined {
    if (!this.options.trusted()) return undefined;
    const kept = this.cache.get(request.manifest, request.profile, this.fingerprint(request, this.env()));
    return kept && { ...kept, cached: true };
  }

  check(request: CheckRequest): Promise<CheckAnswer> {
    if (!this.options.trusted()) return Promise.resolve({ outcome: { ok: false, failure: untrusted() }, durationMs: 0, cached: false });
    const planned = checkArgv(this.target, this.common(request, 'check'), { profile: request.profile, ...(request.scope !== undefined ? { scope: request.scope } : {}) });
    if (!planned.ok) return Promise.resolve({ outcome: { ok: false, failure: { kind: 'unavailable', message: planned.reason } }, durationMs: 0, cached: false });
    const env = this.env();
    const print = this.fingerprint(request, env);
    const key = `${request.manifest}\u0000${request.profile}\u0000${print}`;
    const joined = this.inflight.get(key);
    if (joined) return joined;
    if (request.force) this.cache.invalidate(request.manifest);
    else {
      const kept = this.cache.get(request.manifest, request.profile, print);
      if (kept) return Promise.resolve({ ...kept, cached: true });
    }
    const answer = this.serially(request.manifest, async (): Promise<CheckAnswer> => {
      const what = `secretspec check (profile ${request.profile})`;
      const run = await this.run(request.manifest, planned, env);
      const outcome = checkOutcome(run.end, request.profile, what);
      this.log(what, run, outcome.ok ? `report of ${outcome.report.secrets.length} secrets` : outcome.failure);
      this.cache.set(request.manifest, request.profile, print, { outcome, durationMs: run.durationMs });
      return { outcome, durationMs: run.durationMs, cached: false };
    }).finally(() => this.inflight.delete(key));
    this.inflight.set(key, answer);
    return answer;
  }

  /** Writes one value through the secret's primary store; the value travels on stdin only. */
  set(request: Target & { name: string; value: string }): Promise<WriteAnswer<{ durationMs: number }>> {
    const planned = setArgv(this.target, this.common(request, request.name), { profile: request.profile, name: request.name, value: request.value });
    return this.write(request, planned, `secretspec set ${request.name} (profile ${request.profile})`, { value: request.value }, async (run, what) => {
      if (run.end.kind === 'exited' && run.end.code === 0) return { ok: true, durationMs: run.durationMs };
      return refused(runFailure(run.end, what, classifyWriteError));
    });
  }

  /** Where `set` would write, as the CLI previews it, without writing. */
  describeTarget(request: Target & { name: string }): Promise<WriteAnswer<WriteTargetResult>> {
    const planned = describeTargetArgv(this.target, this.common(request, request.name), { profile: request.profile, name: request.name });
    const scanStderr = (text: string) => parseWritePreview(text, request.name, request.profile);
    return this.write(request, planned, `secretspec set ${request.name} (profile ${request.profile}, preview only)`, { scanStderr, changesStores: false }, async (run, what) => {
      if (run.scanned) return { ok: true, provider: run.scanned.provider, target: run.scanned.target, writable: true };
      const failure = runFailure(run.end, what, classifyWriteError);
      // SecretSpec refused before its preview: the store or the secret cannot be written, and that is the answer.
      if (failure.kind === 'read_only') return { ok: true, provider: this.label, target: request.name, writable: false, reason: failure.message };
      return refused(failure);
    });
  }

  /** Removes the stored value from the primary store; `deleted: false` when it was already absent. */
  delete(request: Target & { name: string }): Promise<WriteAnswer<{ deleted: boolean; durationMs: number }>> {
    const planned = deleteArgv(this.target, this.common(request, request.name), { profile: request.profile, name: request.name });
    return this.write(request, planned, `secretspec delete ${request.name} (profile ${request.profile})`, {}, async (run, what) => {
      if (run.end.kind === 'exited' && run.end.code === 0) {
        const out = run.end.stdout;
        if (out.includes(`Deleted '${request.name}'`)) return { ok: true, deleted: true, durationMs: run.durationMs };
        if (out.includes(`'${request.name}' was already absent`)) return { ok: true, deleted: false, durationMs: run.durationMs };
        return { ok: false, kind: 'invalid_response', message: `${what} succeeded without saying whether it deleted anything` };
      }
      return refused(runFailure(run.end, what, classifyWriteError));
    });
  }

  /**
   * Copies every declared secret of the profile from `from` into its own
   * primary store, never overwriting. `dryRun` asks nothing to be written:
   * the plan compares the source's and the profile's check reports.
   */
  async import(request: CheckRequest & { from: string; names: readonly string[]; composed: ReadonlySet<string>; dryRun?: boolean; deleteSource?: boolean }): Promise<WriteAnswer<ImportResult>> {
    if (!this.options.trusted()) return refused(untrusted());
    if (request.dryRun) {
      const source = checkArgv(this.target, this.common(request, 'import'), { profile: request.profile, provider: request.from });
      if (!source.ok) return { ok: false, kind: 'unavailable', message: source.reason };
      const what = `secretspec check --provider ${redactUntrusted(request.from)} (profile ${request.profile})`;
      const sourceRun = await this.serially(request.manifest, () => this.run(request.manifest, source, this.env()));
      const sourceOutcome = checkOutcome(sourceRun.end, request.profile, what);
      this.log(what, sourceRun, sourceOutcome.ok ? 'report' : sourceOutcome.failure);
      if (!sourceOutcome.ok) return refused(sourceOutcome.failure);
      const destination = await this.check(request);
      if (!destination.outcome.ok) return refused(destination.outcome.failure);
      return { ok: true, items: planImport(sourceOutcome.report, destination.outcome.report, request.composed) };
    }
    const planned = importArgv(this.target, this.common(request, 'import'), { profile: request.profile, from: request.from, ...(request.deleteSource ? { deleteSource: true } : {}) });
    const scanStderr = (text: string) => parseImportLines(text, request.names);
    return this.write(request, planned, `secretspec import (profile ${request.profile})`, { scanStderr, stderrTailBytes: IMPORT_STDERR_BYTES }, async (run, what) => {
      if (!(run.end.kind === 'exited' && run.end.code === 0) || !run.scanned) return refused(runFailure(run.end, what, classifyWriteError));
      return { ok: true, items: run.scanned.map((item) => (request.composed.has(item.name) ? { name: item.name, outcome: 'skipped' as const, message: 'composed from other secrets; nothing is stored for it' } : item)) };
    });
  }

  private fingerprint(request: CheckRequest, env: NodeJS.ProcessEnv): string {
    return fingerprint({
      manifestText: request.manifestText,
      userConfigText: request.userConfigText,
      profile: request.profile,
      // The CLI and the user's override decide the answer as much as the texts do.
      extra: [this.options.cli, this.label, env['SECRETSPEC_PROVIDER'] ?? '', request.scope ?? '\u0000unscoped', ...(request.extra ?? [])],
    });
  }

  private env(): NodeJS.ProcessEnv {
    return this.options.env?.() ?? process.env;
  }

  private common(t: Target, commandOrKey: string) {
    return { manifest: t.manifest, reason: t.reason || synthesizedReason(t.project, commandOrKey) };
  }

  /** Runs `task` after every earlier run for the same manifest has ended. */
  private serially<T>(manifest: string, task: () => Promise<T>): Promise<T> {
    const before = this.queues.get(manifest) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.queues.set(manifest, tail);
    void tail.then(() => {
      if (this.queues.get(manifest) === tail) this.queues.delete(manifest);
    });
    return result;
  }

  private run<S = never>(manifest: string, planned: Extract<Planned, { ok: true }>, env: NodeJS.ProcessEnv, extra: { value?: string; scanStderr?: (text: string) => S; stderrTailBytes?: number } = {}): Promise<RunResult<S>> {
    return runCli<S>({
      cli: this.options.cli,
      invocation: planned.invocation,
      cwd: dirname(manifest),
      env,
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      ...(this.options.killGraceMs !== undefined ? { killGraceMs: this.options.killGraceMs } : {}),
      ...extra,
    });
  }

  /** A write-like run: refused in Restricted Mode or when the CLI cannot do it; serialized; the manifest's cached checks dropped when it may have changed a store. */
  private async write<T, S = never>(
    request: Target,
    planned: Planned,
    what: string,
    how: { value?: string; scanStderr?: (text: string) => S; stderrTailBytes?: number; changesStores?: boolean },
    interpret: (run: RunResult<S>, what: string) => Promise<WriteAnswer<T>>,
  ): Promise<WriteAnswer<T>> {
    if (!this.options.trusted()) return refused(untrusted());
    if (!planned.ok) return { ok: false, kind: planned.kind ?? 'capability_required', message: `not available through ${this.label}: ${planned.reason}` };
    const { changesStores = true, ...extra } = how;
    return this.serially(request.manifest, async () => {
      const run = await this.run<S>(request.manifest, planned, this.env(), extra);
      if (changesStores) this.cache.invalidate(request.manifest);
      const answer = await interpret(run, what);
      this.log(what, run, answer.ok ? 'done' : { kind: answer.kind, message: answer.message });
      return answer;
    });
  }

  private log(what: string, run: RunResult<unknown>, outcome: string | CliFailure): void {
    const status = run.end.kind === 'exited' ? `exit ${run.end.code}` : run.end.kind;
    const said = typeof outcome === 'string' ? outcome : `${outcome.kind}: ${outcome.message}`;
    this.options.log?.(`${what}: ${status} after ${Math.round(run.durationMs)} ms${run.pid !== undefined ? ` (pid ${run.pid})` : ''}; ${said}`);
  }
}

function untrusted(): CliFailure {
  return { kind: 'untrusted_workspace', message: 'Restricted Mode: the secretspec CLI is not started in an untrusted workspace' };
}
