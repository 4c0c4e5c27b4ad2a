// The "SecretSpec" terminal profile: the user's shell started by the runner
// with the active profile's secrets in its environment, named
// "SecretSpec: <profile>". One contributed profile, since contributed
// profiles cannot be added per SecretSpec profile at run time.
import * as vscode from 'vscode';
import { resolveRun, type RunContext } from './context';
import { secretsReady } from './gate';
import { runnerProcess, wrapProcess } from './plan';

export const TERMINAL_PROFILE_ID = 'secretspec.terminal';

export class SecretSpecTerminalProvider implements vscode.TerminalProfileProvider {
  constructor(private readonly ctx: RunContext) {}

  async provideTerminalProfile(): Promise<vscode.TerminalProfile> {
    const resolved = await resolveRun(this.ctx, undefined, {});
    const name = `SecretSpec: ${resolved?.target.profile ?? this.ctx.store.activeProfile}`;
    const run = resolved && (await secretsReady(this.ctx, resolved, `The terminal "${name}"`));
    // VS Code reads a profile it is not given as a failure of this provider ("No terminal profile options provided"); this says what happened instead.
    if (!run) throw new Error(`The terminal "${name}" was not opened.`);
    const shell = vscode.env.shell || process.env.SHELL || (this.ctx.host.platform === 'win32' ? (process.env.ComSpec ?? 'cmd.exe') : '/bin/sh');
    const { command, args, env } = wrapProcess(runnerProcess(this.ctx.host), run.target, [shell], run.settingsJson);
    this.ctx.output.info(`Opening a terminal with SecretSpec profile ${run.target.profile}: ${shell} under the runner`);
    return new vscode.TerminalProfile({ name, shellPath: command, shellArgs: args, env, ...(run.folder ? { cwd: run.folder.uri } : {}), iconPath: new vscode.ThemeIcon('key') });
  }
}
