// Wires run, debug, tasks and terminals into VS Code; extension.ts calls this once.
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { debugWithSecrets, DEBUG_COMMAND, profileMenu, runWithSecrets, RUN_COMMAND, STATUS_MENU_COMMAND } from './commands';
import { LAUNCH_JSON_SELECTOR, LaunchJsonCompletion } from './completion';
import type { RunContext } from './context';
import { SecretSpecDebugProvider } from './debug';
import { InjectedSessions } from './inject';
import { SecretSpecTaskProvider, TASK_TYPE } from './tasks';
import { SecretSpecTerminalProvider, TERMINAL_PROFILE_ID } from './terminal';

/** `guard` registers a command whose failures are shown and logged (extension.ts's `guarded`). */
export function registerRun(ctx: CommandContext, serverPath: string, guard: (name: string, fn: () => Thenable<unknown>) => vscode.Disposable): vscode.Disposable[] {
  const run: RunContext = { ...ctx, serverPath, host: { execPath: process.execPath, platform: process.platform } };
  // Disposed on deactivate with the rest: the `as_path` files of sessions still running go too.
  const injected = new InjectedSessions();
  return [
    injected,
    vscode.debug.registerDebugConfigurationProvider('*', new SecretSpecDebugProvider(run, injected)),
    vscode.tasks.registerTaskProvider(TASK_TYPE, new SecretSpecTaskProvider(run)),
    vscode.window.registerTerminalProfileProvider(TERMINAL_PROFILE_ID, new SecretSpecTerminalProvider(run)),
    vscode.languages.registerCompletionItemProvider(LAUNCH_JSON_SELECTOR, new LaunchJsonCompletion(ctx.store), '"', ':'),
    guard(RUN_COMMAND, () => runWithSecrets(run)),
    guard(DEBUG_COMMAND, () => debugWithSecrets(run)),
    guard(STATUS_MENU_COMMAND, () => profileMenu(run)),
  ];
}
