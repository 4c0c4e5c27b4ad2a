// "Delete Secret Value…": remove one stored value from the secret's primary
// provider after a modal confirmation that names exactly where it goes from.
// Fallback providers keep their copies (SecretSpec's `delete` semantics).
import * as vscode from 'vscode';
import { DeleteRequest, type DeleteParams, type DeleteResult } from '../../../protocol/src/index';
import type { CommandContext } from './context';
import { resolveWriteIntent, runWrite } from './write';

const TITLE = 'SecretSpec: Delete Secret Value';

export async function deleteSecret(ctx: CommandContext, arg?: unknown): Promise<DeleteResult | undefined> {
  const intent = await resolveWriteIntent(ctx, TITLE, 'delete', arg);
  if (!intent) return undefined;
  const { target, textDocument, where } = intent;
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
  return runWrite(ctx, target, { done: 'Deleted', preposition: 'from', doing: 'Deleting' }, () =>
    ctx.server.request<DeleteResult>(DeleteRequest, { textDocument, profile: target.profile, name: target.name } satisfies DeleteParams),
  );
}
