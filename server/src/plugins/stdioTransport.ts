// Out-of-process plugins (provider-protocol.md §2–3): spawned with execa,
// without a shell and without arguments; requests on stdin, one answer line
// per request on stdout (at most 1 MiB), stderr kept only as a bounded,
// redacted tail for the log. Ending a session closes stdin, then escalates to
// SIGTERM and SIGKILL so no plugin outlives the host.
import type { ResultPromise } from 'execa';
import { LineDecoder, MAX_LINE_BYTES, encodeMessage } from './codec';
import type { Redactor } from './redact';
import type { Transport, TransportState } from './transport';
import { ProviderError } from './types';

/** Per-session stderr kept for the log (provider-protocol.md §9). */
const STDERR_TAIL_CHARS = 64 * 1024;
const STDERR_LOG_CHARS = 64 * 1024;
const STDERR_LINE_CHARS = 2000;

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
  private terminating: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  static async start(options: StdioTransportOptions): Promise<StdioTransport> {
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
      cleanup: true,
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
    child.stderr?.on('data', (chunk: Buffer) => this.onStderr(chunk));
    // A write to a plugin that already died fails with EPIPE; its exit is what gets reported.
    child.stdin?.on('error', () => undefined);
    this.ended = child.then(
      (result) => this.onExit(result.exitCode, result.signal, result.failed && result.exitCode === undefined && !result.signal ? spawnErrorCode(result) : undefined),
      () => this.onExit(undefined, undefined, 'unknown'),
    );
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
      this.child.kill('SIGTERM');
      if (await this.exitWithin(this.options.killGraceMs)) return;
      this.child.kill('SIGKILL');
      await this.ended;
    })();
    return this.terminating;
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

  private fail(kind: 'timeout' | 'invalid_response', message: string): void {
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
    }
  }

  private onStderr(chunk: Buffer): void {
    const text = chunk.toString('utf8');
    this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    const lines = (this.stderrLine + text).split('\n');
    this.stderrLine = lines.pop() ?? '';
    if (this.stderrLine.length > STDERR_LINE_CHARS) {
      lines.push(this.stderrLine);
      this.stderrLine = '';
    }
    for (const line of lines) this.logStderr(line);
  }

  private logStderr(line: string): void {
    if (line.trim() === '' || this.stderrLogged > STDERR_LOG_CHARS) return;
    const shown = oneLine(line, STDERR_LINE_CHARS);
    this.stderrLogged += shown.length;
    this.options.log(
      this.stderrLogged > STDERR_LOG_CHARS
        ? `${this.options.label} stderr: (more output suppressed)`
        : `${this.options.label} stderr: ${this.options.redactor.scrub(shown)}`,
    );
  }

  /** The last stderr line, redacted, as a hint in crash messages. */
  private lastWords(): string {
    const lines = `${this.stderrTail}`.split('\n').filter((l) => l.trim() !== '');
    const last = lines[lines.length - 1];
    return last ? ` Its last stderr line: "${this.options.redactor.scrub(oneLine(last, 300))}".` : '';
  }

  private onExit(code: number | undefined, signal: string | undefined, spawnError: string | undefined): void {
    this.exited = true;
    if (this.stderrLine) this.logStderr(this.stderrLine);
    this.stderrLine = '';
    if (this.failure) {
      this.rejectPending();
      return;
    }
    if (spawnError !== undefined) {
      const missing = spawnError === 'ENOENT';
      this.failure = new ProviderError(
        missing ? 'plugin_not_installed' : 'plugin_crashed',
        missing
          ? `${this.options.label} could not be started because the file is gone (ENOENT); reinstall it or fix ${this.options.settingsKey}.path`
          : `${this.options.label} could not be started (${spawnError}); check that it is an executable file you may run`,
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
