// Bundled providers run inside the server. They get the same treatment as
// a child process: the same messages, a JSON round trip so answers are
// validated by the same codec and share no objects with the provider, the
// same timeouts, and a thrown exception counts as a crash.
import { PROTOCOL_VERSION } from './codec';
import type { Redactor } from './redact';
import type { Transport, TransportState } from './transport';
import { ProviderError } from '../providers/store';
import type { BundledProvider, BundledSession, HelloRequest, OpRequest } from './types';

export interface InProcessTransportOptions {
  provider: BundledProvider;
  env: Record<string, string>;
  label: string;
  redactor: Redactor;
}

export class InProcessTransport implements Transport {
  readonly pid = undefined;
  readonly ended: Promise<void>;
  private session: BundledSession | undefined;
  private failure: ProviderError | undefined;
  private reported = false;
  private busy = false;
  private markEnded!: () => void;

  constructor(private readonly options: InProcessTransportOptions) {
    this.ended = new Promise((resolve) => {
      this.markEnded = resolve;
    });
  }

  get state(): TransportState {
    if (!this.failure) return 'open';
    return this.reported ? 'done' : 'failed';
  }

  async exchange(message: object, timeoutMs: number, what: string): Promise<unknown> {
    if (this.failure) {
      this.reported = true;
      throw this.failure;
    }
    if (this.busy) throw new ProviderError('internal', `${this.options.label}: a request was sent while another was in flight`);
    this.busy = true;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProviderError('timeout', `${this.options.label} did not answer ${what} within ${timeoutMs} ms; the next request starts a fresh session`)),
        timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([this.dispatch(message as HelloRequest | OpRequest), expired]);
      return this.roundTrip(answer, what);
    } catch (error) {
      throw this.breakWith(
        error instanceof ProviderError
          ? error
          : new ProviderError(
              'plugin_crashed',
              `${this.options.label} failed while answering ${what} (${this.options.redactor.scrub(error instanceof Error ? error.message : String(error))}); the next request starts a fresh session`,
            ),
      );
    } finally {
      clearTimeout(timer);
      this.busy = false;
    }
  }

  private async dispatch(message: HelloRequest | OpRequest): Promise<unknown> {
    if (message.op === 'hello') {
      const opened = await this.options.provider.open(message, { ...this.options.env });
      if ('handle' in opened) {
        this.session = opened;
        return { ok: true, protocol_version: PROTOCOL_VERSION, name: opened.name, capabilities: [...opened.capabilities] };
      }
      return opened;
    }
    if (!this.session) throw new ProviderError('internal', `${this.options.label}: ${message.op} before hello`);
    if (message.op === 'bye') {
      await this.session.close();
      return { ok: true };
    }
    return this.session.handle(message);
  }

  private roundTrip(answer: unknown, what: string): unknown {
    try {
      return JSON.parse(JSON.stringify(answer ?? null));
    } catch {
      throw new ProviderError('invalid_response', `${this.options.label} answered ${what} with something that cannot be sent as JSON; this is a bug in the extension, please report it`);
    }
  }

  private breakWith(error: ProviderError): ProviderError {
    this.failure = error;
    this.reported = true;
    void this.end();
    return error;
  }

  async close(): Promise<void> {
    if (!this.failure) {
      this.failure = new ProviderError('internal', `${this.options.label}: the session was closed because the host is shutting down`);
      this.reported = true;
    }
    await this.end();
  }

  private async end(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    try {
      await session?.close();
    } catch {
      // A provider that fails to clean up has nothing left the host could do for it.
    } finally {
      this.markEnded();
    }
  }
}
