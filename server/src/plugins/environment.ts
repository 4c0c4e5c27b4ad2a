// The environment a plugin starts with (provider-protocol.md §2, §8): a
// small allow-list of the editor's variables, the user's per-plugin
// additions, and the three SECRETSPEC_* variables, which nothing overrides.
// A bundled provider inherits the whole environment instead: it is our
// in-process stand-in for a SecretSpec built-in, and those read the CLI's
// environment (`env` reads any variable; `pass` and gpg need
// PASSWORD_STORE_DIR and GNUPGHOME), so with the allow-list they would
// answer differently from the CLI on the same machine.
import { PROTOCOL_VERSION } from './codec';

const PASSED = new Set(['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR']);
const PASSED_PREFIXES = ['LC_', 'XDG_'];
/** Without these a Windows process cannot even load its system libraries or find its profile. */
const PASSED_ON_WINDOWS = new Set(['SYSTEMROOT', 'WINDIR', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA', 'PATHEXT', 'TEMP', 'TMP', 'USERNAME']);

export interface PluginEnvInput {
  base: NodeJS.ProcessEnv;
  uri: string;
  configFile: string | null;
  extra: Record<string, string>;
  platform: NodeJS.Platform;
  /** Pass every variable of `base` on (bundled providers), not only the allow-list. */
  inherit?: boolean;
}

export function pluginEnvironment({ base, uri, configFile, extra, platform, inherit = false }: PluginEnvInput): Record<string, string> {
  const allowed = (key: string): boolean => PASSED.has(key) || PASSED_PREFIXES.some((p) => key.startsWith(p)) || (platform === 'win32' && PASSED_ON_WINDOWS.has(key));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    const key = platform === 'win32' ? name.toUpperCase() : name;
    // Inherited SECRETSPEC_* would describe another session; the three set below are this one's.
    if (inherit ? !key.startsWith('SECRETSPEC_') : allowed(key)) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (!name.startsWith('SECRETSPEC_')) env[name] = value;
  }
  env.SECRETSPEC_PROTOCOL_VERSION = String(PROTOCOL_VERSION);
  env.SECRETSPEC_PROVIDER_URI = uri;
  if (configFile !== null) env.SECRETSPEC_FILE = configFile;
  return env;
}
