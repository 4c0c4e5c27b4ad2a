// Extension entry point. Activation only wires things up; the server starts
// in the background so opening a folder never waits on it.
import * as vscode from 'vscode';
import { errorMessage, ServerController } from './client';

const COMMANDS = {
  restartServer: 'secretspec.restartServer',
  showOutput: 'secretspec.showOutput',
} as const;

let controller: ServerController | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('SecretSpec', { log: true });
  const server = new ServerController(context, output);
  controller = server;
  context.subscriptions.push(
    output,
    server,
    vscode.commands.registerCommand(COMMANDS.restartServer, () => reportFailure(server.restart(), output, 'restart')),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => output.show()),
    // The server only starts provider plugins in a trusted workspace, and reads trust once, at initialize.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      output.info('Workspace trust granted; restarting the language server');
      void reportFailure(server.restart(), output, 'restart');
    }),
  );
  void reportFailure(server.start(), output, 'start');
}

export function deactivate(): Promise<void> | undefined {
  const server = controller;
  controller = undefined;
  return server?.stop();
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
