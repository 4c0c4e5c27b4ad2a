// Extension entry point. Activation only wires things up; the server starts
// and the first check runs in the background so opening a folder never waits.
import * as vscode from 'vscode';
import { CredentialRequest, WriteTargetRequest, type CredentialParams, type WriteTargetParams, type WriteTargetResult } from '../../protocol/src/index';
import { errorMessage, ServerController } from './client';
import { checkNow } from './commands/check';
import { answerCredential, storeCredential } from './commands/credential';
import type { CommandContext } from './commands/context';
import { deleteSecret } from './commands/delete';
import { importSecrets } from './commands/import';
import { initManifest } from './commands/init';
import { selectProfile } from './commands/selectProfile';
import { setSecretValue } from './commands/set';
import { vscodeUi, type Ui } from './commands/ui';
import { createRedactingChannel } from './logChannel';
import { outlineSecret } from './outlineModel';
import { PresenceStore } from './presenceStore';
import { Redactor } from './redact';
import { registerRun } from './run/register';
import { InternalSecrets } from './secretStorage';
import { affectsSettings } from './settings';
import { watchTrust } from './trust';
import { PresenceTreeProvider, VIEW_ID, type PresenceNode } from './views/presenceTree';
import { EngineStatus } from './views/engineStatus';
import { healthText, needsAttention } from './views/presenceModel';
import { ProfileStatus } from './views/statusBar';

/** What activate() returns: nothing in normal use; test hooks in a test-mode extension host. */
export interface SecretSpecTestApi {
  setUi(ui: Ui | undefined): void;
  store: PresenceStore;
  tree: PresenceTreeProvider;
  internalSecrets: InternalSecrets;
}

let controller: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): SecretSpecTestApi | undefined {
  const redactor = new Redactor();
  const output = createRedactingChannel('SecretSpec', redactor);
  let store: PresenceStore | undefined;
  const server = new ServerController(context, output, () => store?.activeProfile);
  controller = server;
  store = new PresenceStore(server, context.workspaceState, output);
  const presence = store;
  let testUi: Ui | undefined;
  const ctx: CommandContext = { server, store: presence, output, redactor, ui: () => testUi ?? vscodeUi };
  const tree = new PresenceTreeProvider(presence, (uri, profile, name) =>
    server.request<WriteTargetResult>(WriteTargetRequest, { textDocument: { uri: uri.toString() }, profile, name, withDeletable: true } satisfies WriteTargetParams),
  );
  const internalSecrets = new InternalSecrets(context.secrets);
  const view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const guarded = (name: string, fn: (arg?: unknown) => Thenable<unknown>) =>
    vscode.commands.registerCommand(name, async (arg?: unknown) => {
      try {
        return await fn(arg);
      } catch (err) {
        const message = `SecretSpec: ${redactor.redact(errorMessage(err))}`;
        output.error(message);
        void vscode.window.showErrorMessage(message);
        return undefined;
      }
    });

  context.subscriptions.push(
    // Also closes `output`, once the server has stopped.
    server,
    presence,
    tree,
    view,
    new ProfileStatus(presence),
    new EngineStatus(server.onDidChangeEngine),
    guarded('secretspec.restartServer', () => reportFailure(server.restart(), output, 'restart')),
    guarded('secretspec.showOutput', async () => output.show()),
    guarded('secretspec.checkNow', () => checkNow(ctx)),
    guarded('secretspec.selectProfile', (arg) => selectProfile(ctx, arg)),
    guarded('secretspec.setValue', (arg) => setSecretValue(ctx, arg)),
    guarded('secretspec.deleteValue', (arg) => deleteSecret(ctx, arg)),
    guarded('secretspec.import', (arg) => importSecrets(ctx, arg)),
    guarded('secretspec.init', (arg) => initManifest(ctx, arg)),
    guarded('secretspec.storeCredential', () => storeCredential(ctx.ui(), internalSecrets, (m) => void vscode.window.showInformationMessage(m))),
    // Registered on every client the controller starts: a restart makes a new one.
    server.onDidStart((client) => client.onRequest(CredentialRequest, (params: CredentialParams) => answerCredential(internalSecrets, redactor, params))),
    guarded('secretspec.showOnlyProblems', async () => tree.setOnlyProblems(true)),
    guarded('secretspec.showAllSecrets', async () => tree.setOnlyProblems(false)),
    ...registerRun(ctx, context.asAbsolutePath('dist/server.js'), guarded),
    guarded('secretspec.copyName', async (arg) => {
      if (isSecretNode(arg)) await vscode.env.clipboard.writeText(arg.row.name);
    }),
    guarded('secretspec.revealDeclaration', async (arg) => {
      if (isSecretNode(arg)) await revealDeclaration(presence, arg);
    }),
    // The server reads trust once, at initialize: a grant needs a new server, then a new check.
    watchTrust(() => {
      if (server.client && server.startedTrusted) return;
      output.info('Workspace trust granted; restarting the language server');
      void reportFailure(server.restart(), output, 'restart').then(() => presence.refreshAll('workspace trust granted'));
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsSettings(e)) void presence.refreshAll('settings changed');
    }),
    presence.onDidChange(() => {
      const health = presence.profileHealth().get(presence.activeProfile);
      view.badge = health && needsAttention(health) ? { value: health.missing + health.unknown, tooltip: `SecretSpec profile ${presence.activeProfile}: ${healthText(health)}` } : undefined;
    }),
  );
  void reportFailure(server.start(), output, 'start').then(() => presence.refreshAll('startup'));
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  return { setUi: (ui) => (testUi = ui), store: presence, tree, internalSecrets };
}

export function deactivate(): Promise<void> | undefined {
  const server = controller;
  controller = undefined;
  return server?.shutdown();
}

function isSecretNode(arg: unknown): arg is Extract<PresenceNode, { kind: 'secret' }> {
  return typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'secret';
}

/** Where the server says the secret's effective declaration is written: this manifest, or an `extends` parent. */
async function revealDeclaration(store: PresenceStore, node: Extract<PresenceNode, { kind: 'secret' }>): Promise<void> {
  const outline = await store.outline(node.uri);
  const declaration = outline && outlineSecret(outline, node.profile, node.row.name)?.declaration;
  const uri = declaration ? vscode.Uri.parse(declaration.uri) : node.uri;
  const { start, end } = declaration?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const doc = await vscode.workspace.openTextDocument(uri);
  const selection = new vscode.Range(start.line, start.character, end.line, end.character);
  await vscode.window.showTextDocument(doc, { selection, preserveFocus: true, preview: true });
}

async function reportFailure(operation: Promise<void>, output: vscode.LogOutputChannel, verb: string): Promise<void> {
  try {
    await operation;
  } catch (err) {
    const message = `The SecretSpec language server failed to ${verb}: ${errorMessage(err)}`;
    output.error(message);
    const choice = await vscode.window.showErrorMessage(message, 'Show Output');
    if (choice) output.show();
  }
}
