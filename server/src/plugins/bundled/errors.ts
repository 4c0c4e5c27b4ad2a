// Failures a provider reports through the protocol (provider-protocol.md §6).
// Messages say what to do and never carry a secret value.
import type { ErrorBody, PluginErrorKind } from '../types';

export class OpFailure extends Error {
  constructor(
    readonly kind: PluginErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'OpFailure';
  }
}

export function errorBody(kind: PluginErrorKind, message: string): { ok: false; error: ErrorBody } {
  return { ok: false, error: { kind, message } };
}

/** Node system errors (ENOENT, EACCES, …) name a path and a syscall, never file contents. */
export function systemErrorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : undefined;
}
