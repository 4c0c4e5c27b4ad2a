// The `secretspec` task type: `{ "type": "secretspec", "command": "npm
// start", "profile": "production" }` runs the command line through the
// platform's shell as the runner's child. Nothing of the manifest is ever
// shell input; only the task's own command is.
import * as vscode from 'vscode';
import { resolveRun, type ResolvedRun, type RunContext } from './context';
import { runnerProcess, shellArgv, wrapProcess } from './plan';

export const TASK_TYPE = 'secretspec';
const SOURCE = 'SecretSpec';

export interface SecretSpecTaskDefinition extends vscode.TaskDefinition {
  type: typeof TASK_TYPE;
  command: string;
  profile?: string;
  scope?: string;
  file?: string;
}

export function isSecretSpecTask(def: vscode.TaskDefinition): def is SecretSpecTaskDefinition {
  return def.type === TASK_TYPE && typeof def.command === 'string' && def.command.trim() !== '';
}

/** The task for a resolved run: the runner with `command` under the shell, in the manifest's folder. */
export function secretSpecTask(ctx: RunContext, def: SecretSpecTaskDefinition, run: ResolvedRun, name: string, scope: vscode.TaskScope | vscode.WorkspaceFolder): vscode.Task {
  const { command, args, env } = wrapProcess(runnerProcess(ctx.host), run.target, shellArgv(def.command, ctx.host.platform, process.env.ComSpec), run.settingsJson);
  const cwd = run.folder?.uri.fsPath ?? vscode.Uri.joinPath(run.uri, '..').fsPath;
  const task = new vscode.Task(def, scope, name, SOURCE, new vscode.ProcessExecution(command, args, { cwd, env }));
  task.detail = `${def.command} with SecretSpec profile ${run.target.profile}${run.target.scope ? `, scope ${run.target.scope}` : ''}`;
  return task;
}

export class SecretSpecTaskProvider implements vscode.TaskProvider {
  constructor(private readonly ctx: RunContext) {}

  provideTasks(): vscode.Task[] {
    return [];
  }

  async resolveTask(task: vscode.Task): Promise<vscode.Task | undefined> {
    const def = task.definition;
    if (!isSecretSpecTask(def)) return undefined;
    const folder = typeof task.scope === 'object' ? task.scope : undefined;
    const run = await resolveRun(this.ctx, folder, { ...(def.profile ? { profile: def.profile } : {}), ...(def.scope ? { scope: def.scope } : {}), ...(def.file ? { file: def.file } : {}) });
    if (!run) return undefined;
    return secretSpecTask(this.ctx, def, run, task.name, task.scope ?? vscode.TaskScope.Workspace);
  }
}
