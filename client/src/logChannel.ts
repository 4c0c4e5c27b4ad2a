// The output channel every log line goes through, protocol trace included.
// Lines pass the Redactor first, so a value the user is setting never lands
// in the log even with `secretspec.trace.server` at verbose.
import * as vscode from 'vscode';
import type { Redactor } from './redact';

const TEXT_METHODS = new Set(['append', 'appendLine', 'replace', 'trace', 'debug', 'info', 'warn', 'error']);

export function createRedactingChannel(name: string, redactor: Redactor): vscode.LogOutputChannel {
  const channel = vscode.window.createOutputChannel(name, { log: true });
  // VS Code throws "Channel has been closed" at a write after dispose; a request settling while the
  // extension shuts down may still log, and losing that line is better than failing what logged it.
  let closed = false;
  return new Proxy(channel, {
    get(target, prop, receiver) {
      const member = Reflect.get(target, prop, receiver) as unknown;
      if (typeof member !== 'function') return member;
      if (prop === 'dispose') {
        return () => {
          closed = true;
          target.dispose();
        };
      }
      if (typeof prop === 'string' && TEXT_METHODS.has(prop)) {
        return (...args: unknown[]) =>
          closed
            ? undefined
            : (member as (...a: unknown[]) => unknown).apply(
                target,
                args.map((a) => (typeof a === 'string' ? redactor.redact(a) : a instanceof Error ? redactor.redact(a.stack ?? a.message) : a)),
              );
      }
      return (member as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
