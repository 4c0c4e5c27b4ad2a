// The prompts commands show. One interface so the integration tests can
// answer them from a script (only in a test-mode extension host, see
// extension.ts); users always get VS Code's own widgets.
import * as vscode from 'vscode';

export interface Ui {
  pick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions & { canPickMany?: false }): Promise<T | undefined>;
  pickMany<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Promise<T[] | undefined>;
  /** A password-style box: the typed text is masked and never stored. */
  secret(options: { title: string; prompt: string }): Promise<string | undefined>;
  input(options: vscode.InputBoxOptions): Promise<string | undefined>;
  /** A modal question with one action button besides Cancel; true only when that button was chosen. */
  confirm(options: { message: string; detail: string; action: string }): Promise<boolean>;
}

export const vscodeUi: Ui = {
  pick: async (items, options) => vscode.window.showQuickPick(items, { ...options, canPickMany: false }),
  pickMany: async (items, options) => vscode.window.showQuickPick(items, { ...options, canPickMany: true }),
  secret: async ({ title, prompt }) => vscode.window.showInputBox({ title, prompt, password: true, ignoreFocusOut: true, placeHolder: 'value (hidden)' }),
  input: async (options) => vscode.window.showInputBox({ ignoreFocusOut: true, ...options }),
  confirm: async ({ message, detail, action }) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, action)) === action,
};

/** The `data.kind` of a server ResponseError, if any. */
export function errorKind(err: unknown): string | undefined {
  const data = (err as { data?: unknown } | undefined)?.data;
  return typeof data === 'object' && data !== null && typeof (data as { kind?: unknown }).kind === 'string' ? (data as { kind: string }).kind : undefined;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
