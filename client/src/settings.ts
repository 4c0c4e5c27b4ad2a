// The extension's settings, read in one place and typed by the protocol's
// schema, the same one the server reads them with. The server pulls the
// section through workspace/configuration; the client only needs the values
// that change what it shows.
import * as vscode from 'vscode';
import { parseSettings, SETTING_KEYS, SETTINGS_SECTION, type Settings } from '../../protocol/src/settings';

export { SETTINGS_SECTION };

export function readSettings(scope?: vscode.Uri): Settings {
  return parseSettings(settingsForServer(scope));
}

export function affectsSettings(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(SETTINGS_SECTION);
}

/**
 * The `secretspec` section as the server pulls it: only what the user set, so
 * an unset key reaches the server as absent (its own default) rather than as
 * VS Code's type default (0, "", {}).
 */
export function settingsForServer(scope?: vscode.Uri): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const i = cfg.inspect(key);
    const set = [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue, i?.globalLanguageValue, i?.workspaceLanguageValue].some((v) => v !== undefined);
    if (!set) continue;
    // A dotted key is a nested table on the wire, as the server's schema reads it.
    const [head, tail] = key.split('.') as [string, string | undefined];
    if (tail === undefined) out[head] = cfg.get(key);
    else out[head] = { ...(out[head] as Record<string, unknown> | undefined), [tail]: cfg.get(key) };
  }
  return out;
}
