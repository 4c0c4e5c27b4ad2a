// "Create secretspec.toml from Provider…": ask a provider which secrets it
// knows (`secretspec/reflect`), let the user choose, then write a new
// manifest or add only the missing declarations to an existing one.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ReflectRequest, type ReflectParams, type ReflectResult } from '../../../protocol/src/index';
import type { CommandContext } from './context';
import { declaredNames } from '../outlineModel';
import { declare, missingNames, pick } from './initEdit';
import { pickManifest } from './target';
import { errorText } from './ui';

const TITLE = 'SecretSpec: Create secretspec.toml from Provider';
const DEFAULT_SOURCE = 'dotenv://.env';

async function pickFolder(ctx: CommandContext): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  const picked = await ctx.ui().pick(folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })), { title: `${TITLE}: in which folder?` });
  return picked?.folder.uri;
}

export async function initManifest(ctx: CommandContext, arg?: unknown): Promise<vscode.Uri | undefined> {
  const existing = ctx.store.manifests().length > 0 ? await pickManifest(ctx.store, ctx.ui(), arg) : undefined;
  const dir = existing ? vscode.Uri.file(path.dirname(existing.uri.fsPath)) : await pickFolder(ctx);
  if (!dir) {
    void vscode.window.showWarningMessage('Open a folder first: the manifest is created in it.');
    return undefined;
  }
  const from = await ctx.ui().input({
    title: `${TITLE}: source`,
    prompt: 'Provider to read secret names from (values are never read)',
    value: DEFAULT_SOURCE,
    validateInput: (v) => (v.trim() ? undefined : 'Enter a provider URI, e.g. dotenv://.env'),
  });
  if (!from?.trim()) return undefined;
  const target = existing?.uri ?? vscode.Uri.joinPath(dir, 'secretspec.toml');
  const existingText = existing ? (await vscode.workspace.openTextDocument(existing.uri)).getText() : undefined;
  const outline = existing ? await ctx.store.outline(existing.uri) : undefined;
  if (existing && !outline) {
    void vscode.window.showErrorMessage(`${vscode.workspace.asRelativePath(target)} does not parse; fix its syntax first, then run this again.`);
    return undefined;
  }
  const project = outline?.project || path.basename(dir.fsPath);
  let reflected: ReflectResult;
  try {
    reflected = await ctx.server.request<ReflectResult>(ReflectRequest, { from: from.trim(), project, directory: dir.fsPath } satisfies ReflectParams);
  } catch (err) {
    void vscode.window.showErrorMessage(`Cannot read declarations from ${from}: ${errorText(err)}`);
    return undefined;
  }
  const candidates = outline === undefined ? Object.keys(reflected.secrets).sort() : missingNames(declaredNames(outline, 'default'), reflected.secrets);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      Object.keys(reflected.secrets).length === 0 ? `${from} reported no secrets.` : `${vscode.workspace.asRelativePath(target)} already declares every secret ${from} knows.`,
    );
    return undefined;
  }
  const chosen = await ctx.ui().pickMany(
    candidates.map((name) => ({ label: name, description: reflected.secrets[name]?.description, detail: reflected.secrets[name]?.required === false ? 'optional' : 'required', picked: true })),
    { title: `${TITLE}: ${existingText === undefined ? 'declarations for the new manifest' : 'declarations to add to [profiles.default]'}`, placeHolder: 'Untick what should not be declared' },
  );
  if (!chosen?.length) return undefined;
  const names = chosen.map((c) => c.label);
  const secrets = pick(reflected.secrets, names);
  const declared = await declare(ctx.server, existing ? { textDocument: { uri: existing.uri.toString() }, secrets } : { project, secrets });
  const edit = new vscode.WorkspaceEdit();
  if (existingText === undefined) edit.createFile(target, { ignoreIfExists: true });
  edit.insert(target, new vscode.Position(declared.line, 0), declared.text);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(`Could not write ${vscode.workspace.asRelativePath(target)}.`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(target);
  await doc.save();
  await vscode.window.showTextDocument(doc, { preview: false });
  void vscode.window.showInformationMessage(`${existingText === undefined ? 'Created' : 'Updated'} ${vscode.workspace.asRelativePath(target)} with ${names.length} declaration${names.length === 1 ? '' : 's'} from ${from}.`);
  await ctx.store.refreshAll('after creating declarations');
  return target;
}
