// What run, debug, tasks and terminals share: which manifest and profile a
// run uses, and what the runner needs besides them (this extension's server
// bundle, the Node to run it on, the non-secret settings).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommandContext } from '../commands/context';
import { pickManifest } from '../commands/target';
import { settingsForServer } from '../settings';
import type { Host, RunTarget } from './plan';

export interface RunContext extends CommandContext {
  /** dist/server.js: the runner is its `run` subcommand. */
  serverPath: string;
  host: Host;
}

export interface RunChoice {
  profile?: string;
  scope?: string;
  /** A manifest path, relative to the folder. */
  file?: string;
}

export interface ResolvedRun {
  uri: vscode.Uri;
  folder: vscode.WorkspaceFolder | undefined;
  target: RunTarget;
  settingsJson: string;
}

/**
 * The manifest a run uses: `file` when given (relative to the folder), else
 * the folder's own secretspec.toml, else the workspace's only one, else the
 * user picks; the profile: as written, else the active one.
 */
export async function resolveRun(ctx: RunContext, folder: vscode.WorkspaceFolder | undefined, choice: RunChoice): Promise<ResolvedRun | undefined> {
  const base = folder ?? vscode.workspace.workspaceFolders?.[0];
  let uri: vscode.Uri | undefined;
  if (choice.file) {
    if (!base && !path.isAbsolute(choice.file)) throw new Error(`${choice.file} is relative, and no folder is open to resolve it against`);
    uri = vscode.Uri.file(path.resolve(base?.uri.fsPath ?? '/', choice.file));
    if (!existsSync(uri.fsPath)) throw new Error(`${choice.file} does not exist`);
  } else if (base && existsSync(path.join(base.uri.fsPath, 'secretspec.toml'))) {
    uri = vscode.Uri.file(path.join(base.uri.fsPath, 'secretspec.toml'));
  } else {
    if (ctx.store.manifests().length === 0) await ctx.store.refreshAll('a run needs a manifest');
    uri = (await pickManifest(ctx.store, ctx.ui()))?.uri;
  }
  if (!uri) return undefined;
  const profile = choice.profile ?? ctx.store.activeProfile;
  return {
    uri,
    folder: vscode.workspace.getWorkspaceFolder(uri) ?? base,
    target: { server: ctx.serverPath, manifest: uri.fsPath, profile, ...(choice.scope ? { scope: choice.scope } : {}) },
    settingsJson: JSON.stringify(settingsForServer(uri)),
  };
}
