// Where SecretSpec 0.21.1 keeps the user config, by the same rule the CLI
// applies, so the server reads the file `secretspec` itself would read. Pure:
// the environment, platform and home directory are passed in.
import * as path from 'node:path';

export interface Place {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The home directory when HOME says nothing (the OS account's). */
  homedir: string;
}

/** Rust's `env::home_dir` on Unix: a non-empty HOME, else the account's home. */
function home(place: Place): string {
  return place.env['HOME'] || place.homedir;
}

/**
 * The user config file (config.rs `GlobalConfig::path`, through etcetera's
 * `choose_app_strategy`): the XDG strategy on Linux and macOS, where an
 * XDG_CONFIG_HOME that is not absolute is ignored; `%APPDATA%\secretspec\config`
 * on Windows.
 */
export function userConfigPath(place: Place): string {
  if (place.platform === 'win32') {
    const base = place.env['APPDATA'] || path.win32.join(home(place), 'AppData', 'Roaming');
    return path.win32.join(base, 'secretspec', 'config', 'config.toml');
  }
  const xdg = place.env['XDG_CONFIG_HOME'];
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(home(place), '.config');
  return path.posix.join(base, 'secretspec', 'config.toml');
}
