// The editor's settings for a run (`secretspec.plugins.<scheme>.path`, the
// default provider, timeouts, the CLI's path), which the CLI has no flags
// for: the extension passes its non-secret `secretspec` settings section as
// JSON in one environment variable, read with the protocol's own schema so a
// malformed field reads as unset exactly as it does in the editor. The
// variable is the runner's own: it never reaches the command.
import { parseSettings, type Settings } from '../../../protocol/src/settings';

export const SETTINGS_VARIABLE = 'SECRETSPEC_VSCODE_SETTINGS';

/** Variables that steer the runner itself and are stripped from the command's environment. */
export const CONTROL_VARIABLES: readonly string[] = [SETTINGS_VARIABLE];

export type SettingsRead = { ok: true; settings: Settings } | { ok: false; problem: string };

export function settingsFromEnvironment(env: NodeJS.ProcessEnv): SettingsRead {
  const raw = env[SETTINGS_VARIABLE];
  if (raw === undefined || raw.trim() === '') return { ok: true, settings: parseSettings(undefined) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { ok: false, problem: `${SETTINGS_VARIABLE} is not JSON` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { ok: false, problem: `${SETTINGS_VARIABLE} must be a JSON object (the "secretspec" settings section)` };
  return { ok: true, settings: parseSettings(parsed) };
}
