// "Delete Secret Value": remove one stored value from the secret's primary
// provider after a modal confirmation that names exactly where it goes from.
// Fallback providers keep their copies (SecretSpec's `delete` semantics).
import * as vscode from 'vscode';
import { DeleteRequest, WriteTargetRequest, type DeleteParams, type DeleteResult, type WriteTargetParams, type WriteTargetResult } from '../../../protocol/src/index';
import type { CommandContext } from './context';
import { resolveSecretTarget } from './target';
import { errorKind, errorText } from './ui';

const TITLE = 'SecretSpec: Delete secret value';

export async function deleteSecret(ctx: CommandContext, arg?: unknown): Promise<DeleteResult | undefined> {
  const target = await resolveSecretTarget(ctx.store, ctx.ui(), TITLE, arg);
  if (!target) return undefined;
  const textDocument = { uri: target.uri.toString() };
  let where: WriteTargetResult;
  try {
    where = await ctx.server.request<WriteTargetResult>(WriteTargetRequest, { textDocument, profile: target.profile, name: target.name } satisfies WriteTargetParams);
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot delete ${target.name}: ${errorText(err)}`);
    return undefined;
  }
  if (where.deletable !== true) {
    const why = where.reason ?? `${where.provider || 'its provider'} does not support deleting secrets`;
    void vscode.window.showErrorMessage(`Cannot delete ${target.name} in profile ${target.profile}: ${why}.`);
    return undefined;
  }
  const confirmed = await ctx.ui().confirm({
    message: `Delete the value of ${target.name} (profile ${target.profile}) from ${where.target}?`,
    detail: 'Only this store is changed; other providers in the chain keep their copies. This cannot be undone.',
    action: 'Delete',
  });
  if (!confirmed) return undefined;
  try {
    const result = await ctx.server.request<DeleteResult>(DeleteRequest, { textDocument, profile: target.profile, name: target.name } satisfies DeleteParams);
    ctx.output.info(`Deleted ${target.name} (profile ${target.profile}) from ${result.target}`);
    void vscode.window.showInformationMessage(`Deleted ${target.name} from ${result.target}.`);
    await ctx.store.refresh(target.uri);
    return result;
  } catch (err) {
    const kind = errorKind(err);
    ctx.output.warn(`Deleting ${target.name} failed${kind ? ` (${kind})` : ''}: ${errorText(err)}`);
    void vscode.window.showErrorMessage(`Deleting ${target.name} failed: ${errorText(err)}`);
    return undefined;
  }
}
