// Workspace trust as the rest of the client sees it: a context key for the
// welcome views and one event when trust is granted (it is never revoked
// while a window is open).
import * as vscode from 'vscode';

export const TRUSTED_CONTEXT_KEY = 'secretspec.trusted';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

export function watchTrust(onGranted: () => void): vscode.Disposable {
  void vscode.commands.executeCommand('setContext', TRUSTED_CONTEXT_KEY, isTrusted());
  return vscode.workspace.onDidGrantWorkspaceTrust(() => {
    void vscode.commands.executeCommand('setContext', TRUSTED_CONTEXT_KEY, true);
    onGranted();
  });
}
