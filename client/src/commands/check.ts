// "Check Now": re-discover manifests and re-check each, with progress in
// the Secrets view, then say what came out: the command is often run from
// the palette with the view closed, where progress alone shows nothing.
import * as vscode from 'vscode';
import { CHECK_NOW, isStale } from '../presenceStore';
import { healthText } from '../views/presenceModel';
import { VIEW_ID } from '../views/presenceTree';
import type { CommandContext } from './context';

/** Returns the message shown. */
export async function checkNow(ctx: CommandContext): Promise<string> {
  const started = Date.now();
  await vscode.window.withProgress({ location: { viewId: VIEW_ID }, title: 'Checking secrets' }, () => ctx.store.refreshAll(CHECK_NOW));
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const manifests = ctx.store.manifests();
  if (manifests.length === 0) {
    const text = 'No secretspec.toml in this workspace to check.';
    void vscode.window.showInformationMessage(text);
    return text;
  }
  const failed = manifests.filter((e) => e.error !== undefined);
  const checked = `Checked ${manifests.length} manifest${manifests.length === 1 ? '' : 's'} in ${seconds} s`;
  if (failed.length > 0) {
    const first = failed[0]!;
    const stale = failed.some(isStale) ? ' The view shows the previous statuses, marked stale.' : '';
    const text = `${checked}; ${failed.length} failed (${vscode.workspace.asRelativePath(first.uri)}: ${first.error}).${stale}`;
    void vscode.window.showWarningMessage(text, 'Show Output').then((choice) => choice && ctx.output.show());
    return text;
  }
  const profile = ctx.store.activeProfile;
  const health = ctx.store.profileHealth().get(profile);
  const text = `${checked}. Profile ${profile}: ${health ? healthText(health) : 'not declared in any manifest'}.`;
  void vscode.window.showInformationMessage(text);
  return text;
}
