// Launch configurations with a `secretspec` attribute, for every debug type:
// after VS Code substituted the variables (so paths are final) and after the
// debugger's own provider filled its defaults, the program is set to start
// under the runner (plan.ts), once the profile's secrets were found present;
// for a debugger that starts the program itself, the runner's `export` is
// read in memory and its environment put in the configuration (inject.ts).
import * as vscode from 'vscode';
import { errorMessage } from '../client';
import { resolveRun, type ResolvedRun, type RunContext } from './context';
import { secretsReady } from './gate';
import { exportEnvironment, type InjectedSessions } from './inject';
import { injectEnvironment, planDebug, readAttribute, type DebugConfig, type DebugPlan } from './plan';

export class SecretSpecDebugProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly ctx: RunContext,
    private readonly injected: InjectedSessions,
  ) {}

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
    const plan = (r: ResolvedRun): DebugPlan => planDebug(config as DebugConfig, { host: this.ctx.host, target: r.target, settingsJson: r.settingsJson, ...(attribute.value.inject ? { inject: true } : {}) });
    const planned = plan(run);
    if (planned.kind === 'block') return refuse(planned.reason);
    const ready = await secretsReady(this.ctx, run, what);
    if (!ready) return undefined;
    const started = ready === run ? planned : plan(ready);
    if (started.kind === 'block') return refuse(started.reason);
    const how = `${what} (${config.type}) with SecretSpec profile ${ready.target.profile}${ready.target.scope ? `, scope ${ready.target.scope}` : ''}`;
    if (started.kind === 'wrap') {
      this.ctx.output.info(`Debugging ${how}: ${started.how} starts the program under the runner`);
      return started.config;
    }
    const answer = await exportEnvironment(this.ctx, ready);
    if (!answer.ok) return refuse(answer.reason);
    const { exported } = answer;
    const marker = this.injected.track(String(config.name), exported.files);
    const names = Object.keys(exported.environment).sort();
    const left = exported.without.length ? `; started without ${exported.without.map((w) => w.name).join(', ')}` : '';
    // Names only: the configuration itself now holds values and is never logged.
    this.ctx.output.info(`Debugging ${how}: injected ${names.length} ${names.length === 1 ? 'variable' : 'variables'} into "${started.how}" (${names.join(', ') || 'none'})${left}`);
    return injectEnvironment(started.config, started.style, exported, marker);
  }
}
