// What Set and Delete share: find the secret and where its primary provider
// writes before asking the user anything, then run the one mutation request
// and report it the same way (notification, tree refresh; a failure also in
// the output channel, where the server logs the successes).
import * as vscode from 'vscode';
import { WriteTargetRequest, type WriteTargetParams, type WriteTargetResult } from '../../../protocol/src/index';
import type { CommandContext } from './context';
import { resolveSecretTarget, type SecretTarget } from './target';
import { errorKind, errorText } from './ui';

export interface WriteIntent {
  target: SecretTarget;
  textDocument: { uri: string };
  where: WriteTargetResult;
}

/** The secret to act on and its write target; undefined when the user cancels or the server cannot say (already told). */
export async function resolveWriteIntent(ctx: CommandContext, title: string, verb: string, arg?: unknown): Promise<WriteIntent | undefined> {
  const target = await resolveSecretTarget(ctx.store, ctx.ui(), title, arg);
  if (!target) return undefined;
  const textDocument = { uri: target.uri.toString() };
  try {
    const where = await ctx.server.request<WriteTargetResult>(WriteTargetRequest, { textDocument, profile: target.profile, name: target.name, withDeletable: true } satisfies WriteTargetParams);
    return { target, textDocument, where };
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot ${verb} ${target.name}: ${errorText(err)}`);
    return undefined;
  }
}

export interface WriteWording {
  /** "Set", "Deleted": what happened, before the name. */
  done: string;
  /** "in", "from": before the store. */
  preposition: string;
  /** "Setting", "Deleting": what failed, before the name. */
  doing: string;
}

/** Runs the mutation; on failure the message goes through `redact` so nothing the user typed can reach the screen. */
export async function runWrite<R extends { target: string }>(
  ctx: CommandContext,
  target: SecretTarget,
  words: WriteWording,
  request: () => Promise<R>,
  redact: (text: string) => string = (t) => t,
): Promise<R | undefined> {
  try {
    const result = await request();
    // No log line here: the server logs every write it makes, and a second one would say the same in other words.
    void vscode.window.showInformationMessage(`${words.done} ${target.name} ${words.preposition} ${result.target}.`);
    await ctx.store.refresh(target.uri, `after ${words.doing.toLowerCase()} ${target.name}`);
    return result;
  } catch (err) {
    const kind = errorKind(err);
    ctx.output.warn(`${words.doing} ${target.name} failed${kind ? ` (${kind})` : ''}: ${errorText(err)}`);
    void vscode.window.showErrorMessage(`${words.doing} ${target.name} failed: ${redact(errorText(err))}`);
    return undefined;
  }
}
