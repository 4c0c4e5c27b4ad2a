// Runs the user's `secretspec` CLI once: without a shell, in the manifest's
// folder, with the user's environment (provider CLIs such as `op` or `bw`
// need it), a deadline, and bounded output. The CLI leads its own process
// group (detached), so a deadline stops everything it started: SIGTERM to the
// group, SIGKILL after a grace for what ignores it. Being a new session also
// means the run has no controlling terminal, so no prompt can wait on one.
// After a normal exit only what still holds the run's pipes is stopped: a
// provider agent that let go of them is left to its provider. stderr never
// leaves this module: only SecretSpec's redacted one-line error (diagnose.ts)
// and what a caller's pure `scanStderr` extracts do.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { AMBIENT_VARIABLES, type Invocation } from './argv';
import { cliErrorReason } from './diagnose';
import type { RunEnd } from './report';

export const DEFAULT_TIMEOUT_MS = 30_000;
/** SIGTERM → SIGKILL. */
const KILL_GRACE_MS = 2_000;
/** A report for thousands of secrets is well under this; more is not a report. */
const MAX_STDOUT_BYTES = 16 * 1024 * 1024;
/** Only the end of stderr is kept: SecretSpec's error report comes last, after any provider chatter. */
const STDERR_TAIL_BYTES = 64 * 1024;
/** After the CLI exits, how long its pipes may take to close; longer means a process it started holds them. */
const PIPE_DRAIN_MS = 200;

const GROUPS = process.platform !== 'win32';
/** Groups still running, stopped if the server exits first. */
const liveGroups = new Set<number>();
let exitHook = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(GROUPS ? -pid : pid, signal);
  } catch {
    // Already gone.
  }
}

function track(pid: number): void {
  liveGroups.add(pid);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const group of liveGroups) signalGroup(group, 'SIGKILL');
  });
}

/**
 * A text file without `#!`: exec refuses it and the C library's execvp then
 * runs it with /bin/sh, which would be a shell after all. Binaries have NUL
 * bytes early on.
 */
function isTextWithoutShebang(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(512);
    const bytes = head.subarray(0, readSync(fd, head, 0, head.length, 0));
    return bytes.length > 0 && !(bytes[0] === 0x23 && bytes[1] === 0x21) && !bytes.includes(0);
  } catch {
    // Unreadable: spawning reports the real problem.
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface RunInput {
  cli: string;
  invocation: Invocation;
  /** The manifest's folder. */
  cwd: string;
  /** The user's environment; the invocation's variables are added, the ambient SECRETSPEC_* ones it states itself removed. */
  env: NodeJS.ProcessEnv;
  /** Written to stdin when the invocation reads a value; also masked in the one error line kept from stderr. */
  value?: string;
  timeoutMs?: number;
  killGraceMs?: number;
  maxStdoutBytes?: number;
  /** How much of the end of stderr is kept for the error line (and `scanStderr`). */
  stderrTailBytes?: number;
}

export interface RunResult<S = never> {
  end: RunEnd;
  /** What `scanStderr` made of stderr, when the CLI exited on its own. */
  scanned?: S;
  durationMs: number;
  /** The process group's id (= the CLI's pid) when it started. */
  pid?: number;
}

function childEnv(base: NodeJS.ProcessEnv, invocation: Invocation): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined && !(AMBIENT_VARIABLES as readonly string[]).includes(k)) env[k] = v;
  // Plain text: the error line is parsed, and colour codes would only be stripped again.
  env.NO_COLOR = '1';
  return { ...env, ...invocation.env };
}

/**
 * `scanStderr` is the one other reader of stderr: a pure function that
 * extracts structured facts (e.g. import outcomes per declared name) and
 * returns nothing of the text itself.
 */
export function runCli<S = never>(input: RunInput & { scanStderr?: (text: string) => S }): Promise<RunResult<S>> {
  const started = performance.now();
  const timeoutMs = input.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxStdout = input.maxStdoutBytes ?? MAX_STDOUT_BYTES;
  const done = (end: RunEnd, pid?: number, scanned?: S): RunResult<S> => ({ end, durationMs: performance.now() - started, ...(pid !== undefined ? { pid } : {}), ...(scanned !== undefined ? { scanned } : {}) });
  const tailBytes = input.stderrTailBytes ?? STDERR_TAIL_BYTES;
  if (GROUPS && isTextWithoutShebang(input.cli)) return Promise.resolve(done({ kind: 'spawn_error', code: 'ENOEXEC: a script without a #! line' }));

  return new Promise<RunResult<S>>((resolve) => {
    const child = spawn(input.cli, input.invocation.args, {
      cwd: input.cwd,
      env: childEnv(input.env, input.invocation),
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
      windowsHide: true,
    });
    const pid = child.pid;
    if (pid !== undefined) track(pid);

    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr: Buffer[] = [];
    let stderrBytes = 0;
    let stopping: 'timeout' | 'output' | undefined;
    let settled = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let open = 2;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const stop = (why: 'timeout' | 'output') => {
      if (stopping || pid === undefined) return;
      stopping = why;
      if (why === 'output') signalGroup(pid, 'SIGKILL');
      else {
        signalGroup(pid, 'SIGTERM');
        killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL'), input.killGraceMs ?? KILL_GRACE_MS);
      }
    };
    const deadline = setTimeout(() => stop('timeout'), timeoutMs);

    const finish = () => {
      if (settled || !exit) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(drainTimer);
      if (pid !== undefined) {
        // After a stop, SIGKILL whatever of the group is left (a grandchild that ignored SIGTERM); the group id is ours until then.
        if (stopping) signalGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
      }
      clearTimeout(killTimer);
      if (stopping === 'timeout') return resolve(done({ kind: 'timeout', timeoutMs }, pid));
      if (stopping === 'output') return resolve(done({ kind: 'output_too_large', limit: maxStdout }, pid));
      if (exit.code === null) return resolve(done({ kind: 'signal', signal: exit.signal ?? 'a signal' }, pid));
      const errorText = Buffer.concat(stderr).toString('utf8');
      stderr = [];
      const errorReason = cliErrorReason(errorText, input.value !== undefined ? [input.value] : []);
      const scanned = input.scanStderr?.(errorText);
      resolve(done({ kind: 'exited', code: exit.code, stdout: Buffer.concat(stdout).toString('utf8'), ...(errorReason ? { errorReason } : {}) }, pid, scanned));
    };
    const closed = () => {
      open--;
      if (open === 0) finish();
    };

    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdout) return stop('output');
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      stderrBytes += chunk.length;
      // Keep only the tail, trimmed a chunk at a time so a flood costs no more than the cap.
      while (stderrBytes - stderr[0]!.length >= tailBytes) stderrBytes -= stderr.shift()!.length;
    });
    child.stdout.on('close', closed);
    child.stderr.on('close', closed);

    child.on('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(killTimer);
      if (pid !== undefined) liveGroups.delete(pid);
      resolve(done({ kind: 'spawn_error', code: error.code ?? error.message }, pid));
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      if (open === 0) return finish();
      // Something the CLI started still holds a pipe: stop waiting for it, and stop it.
      drainTimer = setTimeout(() => {
        if (pid !== undefined) signalGroup(pid, 'SIGKILL');
        child.stdout.destroy();
        child.stderr.destroy();
        open = 0;
        finish();
      }, PIPE_DRAIN_MS);
    });

    // A CLI that exits without reading stdin makes the write fail with EPIPE; its exit tells what happened.
    child.stdin.on('error', () => undefined);
    if (input.invocation.stdin === 'value' && input.value !== undefined) child.stdin.end(input.value);
    else child.stdin.end();
  });
}
