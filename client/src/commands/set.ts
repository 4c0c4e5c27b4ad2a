// "Set secret value…": show where the value would go, refuse early when that
// target cannot be written, then take the value in a password box and hand
// it to the server. The value lives in this function's locals and in one
// request; the Redactor masks it from every log line meanwhile.
import * as vscode from 'vscode';
import { SetRequest, WriteTargetRequest, type SetParams, type SetResult, type WriteTargetParams, type WriteTargetResult } from '../../../protocol/src/index';
import type { CommandContext } from './context';
import { resolveSecretTarget } from './target';
import { errorKind, errorText } from './ui';

const TITLE = 'SecretSpec: Set secret value';

export async function setSecretValue(ctx: CommandContext, arg?: unknown): Promise<SetResult | undefined> {
  const target = await resolveSecretTarget(ctx.store, ctx.ui(), TITLE, arg);
  if (!target) return undefined;
  const textDocument = { uri: target.uri.toString() };
  let where: WriteTargetResult;
  try {
    where = await ctx.server.request<WriteTargetResult>(WriteTargetRequest, { textDocument, profile: target.profile, name: target.name } satisfies WriteTargetParams);
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot set ${target.name}: ${errorText(err)}`);
    return undefined;
  }
  if (!where.writable) {
    void vscode.window.showErrorMessage(`Cannot set ${target.name} in profile ${target.profile}: ${where.target} is not writable (${where.reason ?? 'the provider does not accept writes'}).`);
    return undefined;
  }
  const value = await ctx.ui().secret({
    title: `${TITLE}: ${target.name} (${target.profile})`,
    prompt: `Will be written to ${where.target}. The value is not shown, logged or kept by the editor.`,
  });
  if (value === undefined) return undefined;
  const release = ctx.redactor.hold(value);
  try {
    const result = await ctx.server.request<SetResult>(SetRequest, { textDocument, profile: target.profile, name: target.name, value } satisfies SetParams);
    ctx.output.info(`Set ${target.name} (profile ${target.profile}) in ${result.target}`);
    void vscode.window.showInformationMessage(`Set ${target.name} in ${result.target}.`);
    await ctx.store.refresh(target.uri);
    return result;
  } catch (err) {
    const kind = errorKind(err);
    ctx.output.warn(`Setting ${target.name} failed${kind ? ` (${kind})` : ''}: ${errorText(err)}`);
    void vscode.window.showErrorMessage(`Setting ${target.name} failed: ${ctx.redactor.redact(errorText(err))}`);
    return undefined;
  } finally {
    release();
  }
}
