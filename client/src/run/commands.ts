// "Run with Secrets…" (a package script or a command line, as a secretspec
// task), "Debug with Secrets…" (a launch configuration with a profile), and
// the status bar menu that offers them beside the profiles.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { selectProfile } from '../commands/selectProfile';
import { pickManifest, pickProfile } from '../commands/target';
import { healthText, needsAttention } from '../views/presenceModel';
import { resolveRun, type RunContext } from './context';
import { secretsReady } from './gate';
import { LAUNCH_ATTRIBUTE, type DebugConfig } from './plan';
import { secretSpecTask, TASK_TYPE, type SecretSpecTaskDefinition } from './tasks';

export const RUN_COMMAND = 'secretspec.runWithSecrets';
export const DEBUG_COMMAND = 'secretspec.debugWithSecrets';
export const STATUS_MENU_COMMAND = 'secretspec.profileMenu';
const RUN_TITLE = 'SecretSpec: Run with Secrets';
const DEBUG_TITLE = 'SecretSpec: Debug with Secrets';

function packageScripts(dir: string): string[] {
  try {
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    return Object.keys(pkg.scripts ?? {});
  } catch {
    return [];
  }
}

/** Returns the started task, undefined when cancelled or refused (already said why). */
export async function runWithSecrets(ctx: RunContext): Promise<vscode.TaskExecution | undefined> {
  const entry = await pickManifest(ctx.store, ctx.ui());
  if (!entry) {
    void vscode.window.showInformationMessage('No secretspec.toml in this workspace to run with.');
    return undefined;
  }
  const profile = await pickProfile(ctx.store, ctx.ui(), entry, `${RUN_TITLE}: which profile?`);
  if (!profile) return undefined;
  const dir = path.dirname(entry.uri.fsPath);
  const typed = '$(terminal) Enter a command line…';
  const picked = await ctx.ui().pick(
    [...packageScripts(dir).map((s) => ({ label: `npm run ${s}`, description: 'package.json script' })), { label: typed }],
    { title: `${RUN_TITLE}: what to run with profile ${profile}?`, placeHolder: 'A package.json script or a command line' },
  );
  if (!picked) return undefined;
  const command =
    picked.label === typed
      ? (await ctx.ui().input({ title: `${RUN_TITLE}: command line`, prompt: `Run through the shell with the secrets of profile ${profile}`, validateInput: (v) => (v.trim() ? undefined : 'Enter a command line') }))?.trim()
      : picked.label;
  if (!command) return undefined;
  const file = path.relative(vscode.workspace.getWorkspaceFolder(entry.uri)?.uri.fsPath ?? dir, entry.uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(entry.uri);
  const resolved = await resolveRun(ctx, folder, { profile, file });
  const run = resolved && (await secretsReady(ctx, resolved, `"${command}"`));
  if (!run) return undefined;
  const def: SecretSpecTaskDefinition = { type: TASK_TYPE, command, profile, file };
  return vscode.tasks.executeTask(secretSpecTask(ctx, def, run, command, folder ?? vscode.TaskScope.Workspace));
}

/** Starts a launch configuration of the workspace with a profile; true when a session started. */
export async function debugWithSecrets(ctx: RunContext): Promise<boolean> {
  const configs = (vscode.workspace.workspaceFolders ?? []).flatMap((folder) =>
    (vscode.workspace.getConfiguration('launch', folder.uri).get<DebugConfig[]>('configurations') ?? [])
      .filter((c) => c && c.request === 'launch')
      .map((config) => ({ folder, config })),
  );
  if (configs.length === 0) {
    void vscode.window.showInformationMessage(`No launch configuration to debug: add one to .vscode/launch.json (with "${LAUNCH_ATTRIBUTE}": { "profile": "…" } to always use one profile).`);
    return false;
  }
  const picked = await ctx.ui().pick(
    configs.map((c) => ({ label: c.config.name, description: c.config.type, detail: (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? c.folder.name : undefined, choice: c })),
    { title: `${DEBUG_TITLE}: which launch configuration?`, placeHolder: 'A configuration from launch.json' },
  );
  if (!picked) return false;
  const { folder, config } = picked.choice;
  const entry = await pickManifest(ctx.store, ctx.ui());
  if (!entry) return false;
  const profile = await pickProfile(ctx.store, ctx.ui(), entry, `${DEBUG_TITLE}: which profile?`);
  if (!profile) return false;
  const written = typeof config[LAUNCH_ATTRIBUTE] === 'object' && config[LAUNCH_ATTRIBUTE] !== null ? (config[LAUNCH_ATTRIBUTE] as object) : {};
  const file = path.relative(folder.uri.fsPath, entry.uri.fsPath);
  return vscode.debug.startDebugging(folder, { ...config, [LAUNCH_ATTRIBUTE]: { ...written, profile, file } });
}

/** The status bar's menu: switch profile, or run or debug with the active one's secrets. */
export async function profileMenu(ctx: RunContext): Promise<unknown> {
  const active = ctx.store.activeProfile;
  type Item = vscode.QuickPickItem & { run: () => Thenable<unknown> };
  const profiles: Item[] = [...ctx.store.profileHealth()].map(([name, h]) => ({
    label: name,
    description: name === active ? '$(check) active' : undefined,
    detail: `${needsAttention(h) ? '$(warning) ' : ''}${healthText(h)}`,
    run: () => selectProfile(ctx, { kind: 'profile', row: { profile: name } }),
  }));
  const items: Item[] = [
    ...(profiles.length ? [{ label: 'Profiles', kind: vscode.QuickPickItemKind.Separator, run: async () => undefined }, ...profiles] : []),
    { label: 'Actions', kind: vscode.QuickPickItemKind.Separator, run: async () => undefined },
    { label: '$(play) Run with Secrets…', description: 'a package script or a command line', run: () => vscode.commands.executeCommand(RUN_COMMAND) },
    { label: '$(debug-alt) Debug with Secrets…', description: 'a launch configuration', run: () => vscode.commands.executeCommand(DEBUG_COMMAND) },
  ];
  const picked = await ctx.ui().pick(items, { title: 'SecretSpec', placeHolder: `Active SecretSpec profile: ${active}` });
  return picked?.run();
}
