// Launch configurations with a `secretspec` attribute, for every debug type:
// after VS Code substituted the variables (so paths are final) and after the
// debugger's own provider filled its defaults, the program is set to start
// under the runner (plan.ts), once the profile's secrets were found present.
import * as vscode from 'vscode';
import { errorMessage } from '../client';
import { resolveRun, type ResolvedRun, type RunContext } from './context';
import { secretsReady } from './gate';
import { planDebug, readAttribute, type DebugConfig } from './plan';

export class SecretSpecDebugProvider implements vscode.DebugConfigurationProvider {
  constructor(private readonly ctx: RunContext) {}

  async resolveDebugConfigurationWithSubstitutedVariables(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const attribute = readAttribute(config as DebugConfig);
    if (!attribute) return config;
    const what = `"${config.name}"`;
    // undefined cancels the launch; null would open launch.json, which says nothing about why.
    const refuse = (reason: string) => {
      const message = `${what} was not started: ${reason}.`;
      this.ctx.output.warn(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    };
    if (!attribute.ok) return refuse(attribute.reason);
    let run: ResolvedRun | undefined;
    try {
      run = await resolveRun(this.ctx, folder, attribute.value);
    } catch (err) {
      return refuse(errorMessage(err));
    }
    if (!run) return undefined;
    const plan = planDebug(config as DebugConfig, { host: this.ctx.host, target: run.target, settingsJson: run.settingsJson });
    if (plan.kind === 'block') return refuse(plan.reason);
    const ready = await secretsReady(this.ctx, run, what);
    if (!ready) return undefined;
    const started = ready === run ? plan : planDebug(config as DebugConfig, { host: this.ctx.host, target: ready.target, settingsJson: ready.settingsJson });
    if (started.kind === 'block') return refuse(started.reason);
    this.ctx.output.info(`Debugging ${what} (${config.type}) with SecretSpec profile ${run.target.profile}${run.target.scope ? `, scope ${run.target.scope}` : ''}: ${started.how} starts the program under the runner`);
    return started.config;
  }
}
