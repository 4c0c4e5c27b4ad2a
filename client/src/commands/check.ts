// "Check now": re-discover manifests and re-check each, with progress in
// the Secrets view.
import * as vscode from 'vscode';
import { VIEW_ID } from '../views/presenceTree';
import type { CommandContext } from './context';

export function checkNow(ctx: CommandContext): Thenable<void> {
  return vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Checking secrets' }, () => ctx.store.refreshAll());
}
