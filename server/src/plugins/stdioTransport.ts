// Out-of-process plugins (provider-protocol.md §2–3): spawned with execa,
// without a shell and without arguments; requests on stdin, one answer line
// per request on stdout (at most 1 MiB), stderr kept only as a bounded,
// redacted tail for the log. Ending a session closes stdin, then escalates to
// SIGTERM and SIGKILL so no plugin outlives the host. On POSIX a plugin leads
// its own process group, so the signals also reach the processes it forked.
import { closeSync, existsSync, openSync, readSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { ResultPromise } from 'execa';
import { LineDecoder, MAX_LINE_BYTES, encodeMessage } from './codec';
import type { Redactor } from './redact';
import type { Transport, TransportState } from './transport';
import { forgetPlugin, killDescendants, noteDescendants, trackPlugin } from './descendants';
import { ProviderError } from '../providers/store';

/** Per-session stderr kept for the log (provider-protocol.md §9). */
const STDERR_TAIL_CHARS = 64 * 1024;
const STDERR_LOG_CHARS = 64 * 1024;
const STDERR_LINE_CHARS = 2000;
/**
 * How much of an unterminated stderr line is gathered before it is logged
 * anyway. Far above STDERR_LINE_CHARS so a value cut by a chunk boundary is
 * still whole when the line is scrubbed, before it is shortened.
 */
const STDERR_LINE_GATHER_CHARS = 64 * 1024;
/**
 * After the plugin exits, how long its stdout and stderr may take to reach end
 * of file. Longer means a process it forked still holds a pipe open: the host
 * stops waiting for it, or the exit would never be noticed.
 */
const PIPE_DRAIN_MS = 200;

const GROUPS = process.platform !== 'win32';

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/**
 * Shells and interpreters: started without a script they read their program
 * from stdin, which would turn the JSON request lines (manifest text among
 * them) into code. A script with a #! line is fine: its realpath is the
 * script, and the kernel hands the script to the interpreter.
 */
const INTERPRETER = /^(?:(?:ba|da|z|k|mk|c|tc|a|fi|y|pdk|r|le)?sh|fish|busybox|toybox|env|xargs|script|expect|tclsh[\d.]*|wish[\d.]*|python[\d.]*m?|pypy[\d.]*|node(?:js)?|deno|bun|perl[\d.]*|ruby[\d.]*|irb|php[\d.]*(?:-cli)?|lua(?:jit)?[\d.]*|[gm]?awk|sed|bc|dc|ed|ex|vim?|gdb|osascript|pwsh|powershell|cmd|rscript|r|julia|guile[\d.]*|racket|sbcl|clisp|ghci|erl|escript|elixir|iex|java|jshell|groovy|scala|kotlin|swift|qjs|rhino|jjs|gjs)$/i;

function interpreterName(file: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    // Missing or unreadable: spawning reports the real problem.
    return undefined;
  }
  const name = path.basename(real).replace(/\.exe$/i, '');
  return INTERPRETER.test(name) ? name : undefined;
}

export interface StdioTransportOptions {
  file: string;
  env: Record<string, string>;
  cwd: string;
  /** Names the plugin in every message, e.g. `plugin secretspec-provider-foo (/usr/bin/…)`. */
  label: string;
  /** The plugin's settings entry, e.g. `secretspec.plugins.foo`, named in advice. */
  settingsKey: string;
  redactor: Redactor;
  log: (text: string) => void;
  /** How long a plugin may take to exit after its input is closed before SIGTERM. */
  shutdownGraceMs: number;
  /** How long after SIGTERM before SIGKILL. */
  killGraceMs: number;
  /**
   * Whether the plugin's stderr may go to the log (and its last line into a
   * crash message). Off unless the user turned the server trace on: the host
   * cannot redact a value it never saw, so a plugin's own words stay out of
   * sight by default.
   */
  showStderr(): boolean;
}

interface Pending {
  what: string;
  resolve(value: unknown): void;
  reject(error: ProviderError): void;
  timer: NodeJS.Timeout;
}

function spawnErrorCode(result: object): string {
  const code = (result as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unknown error';
}

/**
 * Whether the file is text that does not start with `#!`. The C library runs
 * such a file through /bin/sh when exec refuses it, and the protocol spawns
 * plugins directly, never through a shell. Binaries have NUL bytes early on.
 */
function isTextWithoutShebang(file: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const head = Buffer.alloc(512);
    const length = readSync(fd, head, 0, head.length, 0);
    const bytes = head.subarray(0, length);
    return !(bytes[0] === 0x23 && bytes[1] === 0x21) && !bytes.includes(0);
  } catch {
    // Unreadable: spawning reports the real problem.
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export class StdioTransport implements Transport {
  readonly ended: Promise<void>;
  private readonly decoder = new LineDecoder(MAX_LINE_BYTES);
  private pending: Pending | undefined;
  private failure: ProviderError | undefined;
  private reported = false;
  private exited = false;
  private closingOnPurpose = false;
  private stderrTail = '';
  private stderrLine = '';
  private stderrLogged = 0;
  /** Whether the rest of an over-long stderr line (already logged) is being skipped. */
  private stderrSkipping = false;
  /**
   * Stderr lines that arrived while a request was in flight. They are logged
   * once its answer has been handled, so a value the plugin prints just
   * before returning it is known to the redactor by then.
   */
  private stderrHeld: string[] = [];
  private stderrFlushQueued = false;
  private readonly stderrDecoder = new StringDecoder('utf8');
  private terminating: Promise<void> | undefined;
  /** Settles when the process itself has exited, before its pipes are drained. */
  private readonly processExited: Promise<void>;
  private closing: Promise<void> | undefined;

  static async start(options: StdioTransportOptions): Promise<StdioTransport> {
    const interpreter = interpreterName(options.file);
    if (interpreter !== undefined) {
      throw new ProviderError(
        'plugin_crashed',
        `${options.label} was not started: it is the ${interpreter} interpreter itself, which would run the host's request lines as a program; point ${options.settingsKey}.path (or PATH) at the plugin, a script with a #! line or a binary`,
      );
    }
    if (GROUPS && isTextWithoutShebang(options.file)) {
      throw new ProviderError(
        'plugin_crashed',
        `${options.label} could not be started: it is a script without a #! line, which would be run by /bin/sh instead of directly; add a #! line naming its interpreter`,
      );
    }
    // execa is ESM-only; a dynamic import keeps this module loadable from the CommonJS bundle and from tsx.
    const { execa } = await import('execa');
    const child = execa(options.file, [], {
      env: options.env,
      extendEnv: false,
      cwd: options.cwd,
      shell: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      cleanup: !GROUPS,
      detached: GROUPS,
      windowsHide: true,
      forceKillAfterDelay: false,
    });
    return new StdioTransport(child, options);
  }

  private constructor(
    private readonly child: ResultPromise,
    private readonly options: StdioTransportOptions,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.onStdout(chunk));
    child.stdout?.once('end', () => void this.onStdoutEnd());
    child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk));
    // A write to a plugin that already died fails with EPIPE; its exit is what gets reported.
    child.stdin?.on('error', () => undefined);
    if (GROUPS && child.pid !== undefined) trackPlugin(child.pid);
    this.processExited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const exitedWithPipesOpen = new Promise<void>((resolve) => {
      child.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
        void this.drainAfterExit().then(() => {
          this.onExit(code ?? undefined, signal ?? undefined, undefined);
          resolve();
        });
      });
    });
    const settled = child.then(
      (result) => this.onExit(result.exitCode, result.signal, result.failed && result.exitCode === undefined && !result.signal ? spawnErrorCode(result) : undefined),
      () => this.onExit(undefined, undefined, 'unknown'),
    );
    this.ended = Promise.race([settled, exitedWithPipesOpen]);
  }

  /**
   * Gives stdout and stderr a moment to deliver what the plugin wrote before
   * exiting. If a process it forked still holds a pipe, that process is
   * killed (it belongs to the plugin's group) and the pipes are let go.
   */
  private async drainAfterExit(): Promise<void> {
    const open = [this.child.stdout, this.child.stderr].filter((s): s is NonNullable<typeof s> => s !== null && !s.readableEnded && !s.destroyed);
    if (!open.length) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.all(open.map((s) => new Promise<void>((resolve) => s.once('end', resolve)))).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PIPE_DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
    if (drained) return;
    if (GROUPS && this.child.pid !== undefined) {
      signalGroup(this.child.pid, 'SIGKILL');
      killDescendants(this.child.pid);
    }
    for (const s of open) s.destroy();
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get state(): TransportState {
    if (!this.failure) return 'open';
    return this.reported ? 'done' : 'failed';
  }

  exchange(message: object, timeoutMs: number, what: string): Promise<unknown> {
    if (this.failure) {
      this.reported = true;
      return Promise.reject(this.failure);
    }
    if (this.pending) return Promise.reject(new ProviderError('internal', `${this.options.label}: a request was sent while another was in flight`));
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(
          'timeout',
          `${this.options.label} did not answer ${what} within ${timeoutMs} ms, so it was stopped; the next request starts a fresh session (raise ${this.options.settingsKey}.timeoutMs if the backend is slow)`,
        );
      }, timeoutMs);
      this.pending = { what, resolve, reject, timer };
      this.child.stdin?.write(encodeMessage(message));
    });
  }

  close(): Promise<void> {
    this.closing ??= this.closeGracefully();
    return this.closing;
  }

  private async closeGracefully(): Promise<void> {
    if (!this.exited && !this.failure) {
      this.closingOnPurpose = true;
      if (GROUPS) noteDescendants();
      if (!this.pending) {
        await this.exchange({ op: 'bye' }, Math.min(1000, this.options.shutdownGraceMs), 'bye').catch(() => undefined);
      }
      this.settleAsClosed();
      this.child.stdin?.end();
      if (await this.exitWithin(this.options.shutdownGraceMs)) return;
    }
    this.settleAsClosed();
    await this.terminate();
  }

  private settleAsClosed(): void {
    if (!this.failure) {
      this.failure = new ProviderError('internal', `${this.options.label}: the session was closed because the host is shutting down`);
      this.reported = true;
    }
    this.rejectPending();
  }

  private terminate(): Promise<void> {
    this.terminating ??= (async () => {
      if (this.exited) return;
      this.signal('SIGTERM');
      if (await this.exitWithin(this.options.killGraceMs)) return;
      this.signal('SIGKILL');
      await this.ended;
    })();
    return this.terminating;
  }

  /** Signals the plugin and every process it forked into its group; SIGKILL also reaches those that left the group. */
  private signal(signal: NodeJS.Signals): void {
    if (GROUPS && this.child.pid !== undefined && signal === 'SIGKILL') killDescendants(this.child.pid);
    if (!(GROUPS && this.child.pid !== undefined && signalGroup(this.child.pid, signal))) this.child.kill(signal);
  }

  private async exitWithin(ms: number): Promise<boolean> {
    if (this.exited) return true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const done = await Promise.race([this.ended.then(() => true as const), expired]);
    clearTimeout(timer);
    return done;
  }

  /**
   * Stdout closed. A plugin that exits closes it too, and its exit (with its
   * code) is what gets reported; one that keeps running can never answer
   * again, so it is a crash now rather than at the request timeout.
   */
  private async onStdoutEnd(): Promise<void> {
    if (this.failure || this.closingOnPurpose) return;
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      this.processExited.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PIPE_DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
    if (exited || this.failure || this.closingOnPurpose) return;
    const when = this.pending ? `while answering ${this.pending.what}` : 'between requests';
    this.signal('SIGKILL');
    this.fail('plugin_crashed', `${this.options.label} closed its standard output ${when} but kept running, so it was stopped. The next request starts a fresh session; if this repeats, report it to the plugin's author.`);
  }

  private fail(kind: 'timeout' | 'invalid_response' | 'plugin_crashed', message: string): void {
    if (this.failure) return;
    this.failure = new ProviderError(kind, message);
    this.rejectPending();
    void this.terminate();
  }

  private rejectPending(): void {
    const pending = this.pending;
    if (!pending || !this.failure) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.reported = true;
    pending.reject(this.failure);
    this.flushStderrSoon();
  }

  private onStdout(chunk: Buffer): void {
    for (const event of this.decoder.push(chunk)) {
      if (this.failure) return;
      if (event.type === 'oversized') {
        this.fail('invalid_response', `${this.options.label} wrote an answer line longer than 1 MiB, so the session was ended; the plugin is faulty, report it to its author`);
        return;
      }
      if (event.type === 'invalid_utf8') {
        this.fail('invalid_response', `${this.options.label} wrote a line that is not valid UTF-8, so the session was ended; the plugin is faulty, report it to its author`);
        return;
      }
      const pending = this.pending;
      if (!pending) {
        this.fail(
          'invalid_response',
          `${this.options.label} wrote output that answers no request (a plugin writes exactly one line per request and logs to stderr), so the session was ended; report it to the plugin's author`,
        );
        return;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(event.text);
      } catch {
        // The line itself is never quoted: it could hold a secret.
        this.fail('invalid_response', `${this.options.label} answered ${pending.what} with a line that is not JSON, so the session was ended; the plugin is faulty, report it to its author`);
        return;
      }
      this.pending = undefined;
      clearTimeout(pending.timer);
      pending.resolve(parsed);
      this.flushStderrSoon();
    }
  }

  private onStderr(chunk: Buffer): void {
    const text = this.stderrDecoder.write(chunk);
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (this.stderrLine + text).split('\n');
    this.stderrLine = lines.pop() ?? '';
    for (const line of lines) {
      if (this.stderrSkipping) {
        this.stderrSkipping = false;
        continue;
      }
      this.logStderr(line);
    }
    if (this.stderrLine.length > STDERR_LINE_GATHER_CHARS) {
      if (!this.stderrSkipping) this.logStderr(this.stderrLine);
      this.stderrSkipping = true;
      this.stderrLine = '';
    }
  }

  /** Queues a raw stderr line for the log, within the per-session budget; it is scrubbed when it is written out. */
  private logStderr(line: string): void {
    if (!this.options.showStderr() || line.trim() === '' || this.stderrLogged > STDERR_LOG_CHARS) return;
    this.stderrLogged += Math.min(line.length, STDERR_LINE_CHARS);
    this.stderrHeld.push(this.stderrLogged > STDERR_LOG_CHARS ? '' : line);
    if (!this.pending) this.flushStderrSoon();
  }

  /** Runs after the answer in hand has been handled, which is when its values have been remembered for scrubbing. */
  private flushStderrSoon(): void {
    if (this.stderrFlushQueued) return;
    this.stderrFlushQueued = true;
    setImmediate(() => {
      this.stderrFlushQueued = false;
      const held = this.stderrHeld;
      this.stderrHeld = [];
      for (const line of held) {
        // Scrubbed before it is shortened, or a value cut off at the end would no longer match.
        this.options.log(`${this.options.label} stderr: ${line === '' ? '(more output suppressed)' : oneLine(this.options.redactor.scrub(line), STDERR_LINE_CHARS)}`);
      }
    });
  }

  /** The last stderr line, redacted, as a hint in crash messages. */
  private lastWords(): string {
    if (!this.options.showStderr()) return ' Turn on secretspec.trace.server to see its stderr in the log.';
    const lines = `${this.stderrTail}`.split('\n').filter((l) => l.trim() !== '');
    const last = lines[lines.length - 1];
    return last ? ` Its last stderr line: "${oneLine(this.options.redactor.scrub(last), 300)}".` : '';
  }

  private onExit(code: number | undefined, signal: string | undefined, spawnError: string | undefined): void {
    if (this.exited) return;
    this.exited = true;
    if (this.child.pid !== undefined) forgetPlugin(this.child.pid);
    const rest = this.stderrLine + this.stderrDecoder.end();
    if (rest && !this.stderrSkipping) this.logStderr(rest);
    this.stderrLine = '';
    this.flushStderrSoon();
    if (this.failure) {
      this.rejectPending();
      return;
    }
    if (spawnError !== undefined) {
      // ENOENT for a file that is there means the interpreter on its #! line is missing.
      const missing = spawnError === 'ENOENT' && !existsSync(this.options.file);
      this.failure = new ProviderError(
        missing ? 'plugin_not_installed' : 'plugin_crashed',
        missing
          ? `${this.options.label} could not be started because the file is gone (ENOENT); reinstall it or fix ${this.options.settingsKey}.path`
          : spawnError === 'ENOENT'
            ? `${this.options.label} could not be started (ENOENT): the interpreter named on its #! line was not found; install it or fix the plugin's first line`
            : `${this.options.label} could not be started (${spawnError}); check that it is an executable file you may run (a script needs a #! line naming its interpreter)`,
      );
    } else if (this.closingOnPurpose) {
      this.settleAsClosed();
      return;
    } else {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
      const when = this.pending ? `while answering ${this.pending.what}` : 'between requests';
      this.failure = new ProviderError(
        'plugin_crashed',
        `${this.options.label} ${how} ${when}.${this.lastWords()} The next request starts a fresh session; if this repeats, check the plugin's installation and the SecretSpec output log.`,
      );
    }
    this.rejectPending();
  }
}
