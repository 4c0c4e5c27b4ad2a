// Before a launch, a task started from "Run with Secrets…" or a terminal:
// the profile's presence, asked of the server. Missing or unknown required
// secrets stop it with their names and the ways out: set a value, import,
// or start anyway (the runner then starts without what it cannot resolve,
// naming it on stderr).
import * as vscode from 'vscode';
import { CheckRequest, OutlineRequest, type CheckParams, type CheckResult, type OutlineParams, type OutlineResult } from '../../../protocol/src/index';
import { isTrusted } from '../trust';
import type { RunContext, ResolvedRun } from './context';
import { blocks, missingMessage, missingSecrets } from './missing';

export const SET_ACTION = 'Set Value…';
export const IMPORT_ACTION = 'Import…';
export const ANYWAY_ACTION = 'Start Anyway';

/**
 * The run `what` (e.g. `"Launch app"`) may start, `--allow-missing` added
 * when the user chose to start anyway; undefined when it may not. Every
 * refusal is shown and logged, with names and never values.
 */
export async function secretsReady(ctx: RunContext, run: ResolvedRun, what: string): Promise<ResolvedRun | undefined> {
  if (!isTrusted()) {
    void vscode.window.showErrorMessage(`${what} was not started: SecretSpec starts no provider in Restricted Mode. Trust this folder first.`);
    return undefined;
  }
  const { profile, scope } = run.target;
  for (;;) {
    await vscode.workspace.openTextDocument(run.uri);
    const result = await ctx.server.request<CheckResult>(CheckRequest, { textDocument: { uri: run.uri.toString() }, profiles: [profile] } satisfies CheckParams);
    let within: ReadonlySet<string> | undefined;
    if (scope) {
      const members = (await ctx.server.request<OutlineResult>(OutlineRequest, { textDocument: { uri: run.uri.toString() } } satisfies OutlineParams)).scopes?.[scope];
      if (!members) {
        // The runner refuses an undeclared scope with SecretSpec's own message.
        ctx.output.info(`${what}: scope ${scope} is not declared in ${vscode.workspace.asRelativePath(run.uri)}; the runner says so as it starts`);
        return run;
      }
      within = new Set(members);
    }
    const found = missingSecrets(result, profile, within);
    if (!found) {
      const message = `${what} was not started: ${vscode.workspace.asRelativePath(run.uri)} declares no SecretSpec profile ${profile}.`;
      ctx.output.warn(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
    if (!blocks(found)) return run;
    const message = missingMessage(what, profile, found);
    ctx.output.warn(message);
    const choice = await vscode.window.showWarningMessage(message, SET_ACTION, IMPORT_ACTION, ANYWAY_ACTION);
    if (choice === ANYWAY_ACTION) {
      ctx.output.info(`${what}: started anyway; the runner starts without what is missing from profile ${profile}`);
      return { ...run, target: { ...run.target, allowMissing: true } };
    }
    if (choice === SET_ACTION) {
      const names = [...found.missing, ...found.unknown.map((u) => u.name)];
      const name = names.length === 1 ? names[0] : (await ctx.ui().pick(names.map((n) => ({ label: n })), { title: 'SecretSpec: Set Secret Value', placeHolder: `Which secret of profile ${profile}?` }))?.label;
      if (!name) return undefined;
      await vscode.commands.executeCommand('secretspec.setValue', { kind: 'secret', uri: run.uri, profile, row: { name } });
    } else if (choice === IMPORT_ACTION) {
      await vscode.commands.executeCommand('secretspec.import', { kind: 'profile', uri: run.uri, row: { profile } });
    } else return undefined;
  }
}
