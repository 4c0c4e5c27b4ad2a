// The extension's settings, typed and read in one place. The server pulls
// the same section through workspace/configuration; the client only needs
// the values that change what it shows.
import * as vscode from 'vscode';

export const SETTINGS_SECTION = 'secretspec';

export interface ClientSettings {
  defaultProvider?: string;
  checkOnSave: boolean;
}

export function readSettings(scope?: vscode.Uri): ClientSettings {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const defaultProvider = cfg.get<string>('defaultProvider');
  return {
    ...(typeof defaultProvider === 'string' && defaultProvider.trim() !== '' ? { defaultProvider: defaultProvider.trim() } : {}),
    checkOnSave: cfg.get<boolean>('checkOnSave') !== false,
  };
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SETTINGS_SECTION);
}

const SERVER_KEYS = ['defaultProvider', 'plugins', 'requestTimeoutMs', 'checkOnSave'] as const;

/**
 * The `secretspec` section as the server pulls it: only what the user set, so
 * an unset key reaches the server as absent (its own default) rather than as
 * VS Code's type default (0, "", {}).
 */
export function settingsForServer(scope?: vscode.Uri): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const i = cfg.inspect(key);
    const set = [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue, i?.globalLanguageValue, i?.workspaceLanguageValue].some((v) => v !== undefined);
    if (set) out[key] = cfg.get(key);
  }
  return out;
}
