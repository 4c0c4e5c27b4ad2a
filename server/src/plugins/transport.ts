// One interface, two transports: a child process over stdio, or a bundled
// provider called in-process. Both exchange protocol messages one at a time
// and fail with the host's error kinds (timeout, plugin_crashed,
// invalid_response), so sessions never care which one they talk to.

export type TransportState =
  /** Usable for the next exchange. */
  | 'open'
  /** Broke while idle (exit, unsolicited output); the next exchange reports why, once. */
  | 'failed'
  /** Finished and reported; a session must start a fresh one. */
  | 'done';

export interface Transport {
  /** The child's process id; undefined for in-process providers. */
  readonly pid: number | undefined;
  readonly state: TransportState;
  /** Settles when the process (or in-process session) is gone for good. */
  readonly ended: Promise<void>;
  /**
   * Sends one message and resolves with the parsed JSON value of the one
   * line that answers it. `what` names the operation in error messages.
   * Rejects with a ProviderError; after that the transport is unusable.
   */
  exchange(message: object, timeoutMs: number, what: string): Promise<unknown>;
  /** Ends the session gracefully (bye, end of input), then forcibly; idempotent. */
  close(): Promise<void>;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
