// "Set Secret Value…": show where the value would go, refuse early when that
// target cannot be written, ask before replacing a value the last check found
// (or could not rule out), then take the value in a password box and hand it
// to the server. The value lives in this function's locals and in one
// request; the Redactor masks it from every log line meanwhile.
import * as vscode from 'vscode';
import { SetRequest, type SetParams, type SetResult } from '../../../protocol/src/index';
import { existingValue } from '../views/presenceModel';
import type { CommandContext } from './context';
import { resolveWriteIntent, runWrite } from './write';

const TITLE = 'SecretSpec: Set Secret Value';

export async function setSecretValue(ctx: CommandContext, arg?: unknown): Promise<SetResult | undefined> {
  const intent = await resolveWriteIntent(ctx, TITLE, 'set', arg);
  if (!intent) return undefined;
  const { target, textDocument, where } = intent;
  if (!where.writable) {
    const reason = where.reason ?? 'the provider does not accept writes';
    // A refusal before any store is chosen (a composition, `extract`) has no target to name.
    void vscode.window.showErrorMessage(`Cannot set ${target.name} in profile ${target.profile}: ${where.target ? `${where.target} is not writable (${reason})` : reason}.`);
    return undefined;
  }
  const existing = existingValue(ctx.store.entry(target.uri)?.result, target.profile, target.name);
  if (existing) {
    const replace = `The new value is written to ${where.target}; a value stored there now is overwritten and cannot be recovered.`;
    const confirmed = await ctx.ui().confirm(
      existing.state === 'present'
        ? {
            message: `${target.name} already has a value in profile ${target.profile}${existing.provider ? ` (found in ${existing.provider})` : ''}. Replace it?`,
            detail: replace,
            action: 'Replace',
          }
        : {
            message: `Whether ${target.name} already has a value in profile ${target.profile} could not be checked. Set it anyway?`,
            detail: `${existing.problem}\n\n${replace}`,
            action: 'Set Anyway',
          },
    );
    if (!confirmed) return undefined;
  }
  const value = await ctx.ui().secret({
    title: `${TITLE}: ${target.name} (${target.profile})`,
    prompt: `Will be written to ${where.target}. The value is not shown, logged or kept by the editor.`,
  });
  if (value === undefined) return undefined;
  const release = ctx.redactor.hold(value);
  try {
    return await runWrite(
      ctx,
      target,
      { done: 'Set', preposition: 'in', doing: 'Setting' },
      () => ctx.server.request<SetResult>(SetRequest, { textDocument, profile: target.profile, name: target.name, value } satisfies SetParams),
      (text) => ctx.redactor.redact(text),
    );
  } finally {
    release();
  }
}
