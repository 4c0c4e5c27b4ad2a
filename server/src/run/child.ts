// The process edge of a run: `as_path` files, the command itself and its
// end. The command is started without a shell (argv as given) with
// inherited stdio; termination signals are forwarded to it (handlers are in
// place before it starts, as SecretSpec's ChildSignalForwarder is), and the
// runner ends with its exit status, or 128 + the signal's number when a
// signal ended it (secrets.rs `command_exit_code`). `as_path` values are
// written to 0600 files in a private 0700 directory, removed once the
// command has ended or could not start.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

/** What is forwarded: SecretSpec forwards TERM, INT and HUP; QUIT and the user signals go too, since the runner must not die of them first. */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export interface PathFiles {
  /** Writes `value` to a file of its own, readable by this user only; returns its path. */
  write(name: string, value: string): string;
  /** Removes the files and their directory; safe to call more than once. */
  remove(): void;
  /** The directory, once a file was written. */
  directory(): string | undefined;
}

/** The files of one run's `as_path` secrets, in a directory made on the first write. */
export function pathFiles(): PathFiles {
  let dir: string | undefined;
  let count = 0;
  return {
    // Numbered, not named after the secret: a name is not necessarily a valid file name.
    write(_name, value) {
      // mkdtemp creates the directory 0700.
      dir ??= mkdtempSync(join(tmpdir(), 'secretspec-run-'));
      const file = join(dir, `secret-${++count}`);
      writeFileSync(file, value, { mode: 0o600, flag: 'wx' });
      return file;
    },
    remove() {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
    directory: () => dir,
  };
}

export type ChildEnd = { kind: 'exited'; status: number } | { kind: 'not-started'; message: string };

/** Runs `command` to its end (or its failure to start), forwarding signals meanwhile. */
export function runChild(command: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<ChildEnd> {
  return startChild(command, env, cwd, false);
}

export type CapturedEnd = { kind: 'exited'; status: number; stdout: string } | { kind: 'not-started'; message: string };

/** As `runChild`, with the command's stdout read into memory instead of shown (stdin and stderr stay this terminal's). */
export async function captureChild(command: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CapturedEnd> {
  const chunks: Buffer[] = [];
  const end = await startChild(command, env, cwd, (chunk) => chunks.push(chunk));
  return end.kind === 'exited' ? { ...end, stdout: Buffer.concat(chunks).toString('utf8') } : end;
}

function startChild(command: readonly string[], env: NodeJS.ProcessEnv, cwd: string | undefined, capture: false | ((chunk: Buffer) => void)): Promise<ChildEnd> {
  return new Promise((resolve) => {
    let pid: number | undefined;
    const pending: NodeJS.Signals[] = [];
    const forward = (signal: NodeJS.Signals) => {
      if (pid === undefined) pending.push(signal);
      else sendSignal(pid, signal);
    };
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
    const stopForwarding = () => {
      for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
    };
    const child = spawn(command[0]!, command.slice(1), { stdio: ['inherit', capture ? 'pipe' : 'inherit', 'inherit'], env, ...(cwd ? { cwd } : {}), windowsHide: true });
    if (capture) child.stdout?.on('data', capture);
    child.once('spawn', () => {
      pid = child.pid;
      if (pid !== undefined) for (const signal of pending.splice(0)) sendSignal(pid, signal);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (pid !== undefined) return;
      stopForwarding();
      resolve({ kind: 'not-started', message: startFailure(command[0]!, error) });
    });
    // A captured stdout is complete only at 'close'.
    child.once(capture ? 'close' : 'exit', (code: number | null, signal: NodeJS.Signals | null) => {
      stopForwarding();
      resolve({ kind: 'exited', status: exitStatus(code, signal) });
    });
  });
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // The command has already ended.
  }
}

/** SecretSpec's `command_exit_code`: the status, else 128 + the signal's number, else 1. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? constants.signals[signal] : undefined;
  return number !== undefined ? 128 + number : 1;
}

/** One line, with the command's name only: its arguments may hold anything. */
function startFailure(program: string, error: NodeJS.ErrnoException): string {
  const why = error.code === 'ENOENT' ? 'No such file or directory' : error.code === 'EACCES' ? 'Permission denied' : (error.code ?? 'it could not be started');
  return `cannot run '${program}': ${why}`;
}
