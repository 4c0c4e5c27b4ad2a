// Which plugin serves a provider URI (provider-protocol.md §1), and whether
// SecretSpec 0.21 itself has a provider claimed for a scheme. Pure: the
// caller injects the file-system checks, so every branch is testable
// without touching disk.
import * as path from 'node:path';
import { PLUGIN_SCHEME_PATTERN, splitSpec } from '../providers/uri';
import type { PluginSetting } from './settings';

/** The scheme of `<scheme>://…` or `<scheme>:…`, or undefined when the URI has no valid one. */
export function providerScheme(uri: string): string | undefined {
  if (!uri.includes(':')) return undefined;
  const { scheme } = splitSpec(uri);
  return PLUGIN_SCHEME_PATTERN.test(scheme) ? scheme : undefined;
}

export function executableName(scheme: string): string {
  return `secretspec-provider-${scheme}`;
}

export type Resolution =
  | { source: 'settings'; scheme: string; path: string }
  | { source: 'bundled'; scheme: string }
  | { source: 'path'; scheme: string; path: string };

export type Discovery = { ok: true; resolution: Resolution } | { ok: false; message: string };

export interface DiscoveryFs {
  isExecutableFile(file: string): boolean;
  /** Resolves symlinks; returns the input when the path does not exist. */
  realpath(file: string): string;
  /** Whether anything is at `file`; only asked when there are claim directories. */
  exists?(file: string): boolean;
}

export interface DiscoveryInput {
  scheme: string;
  setting: PluginSetting | undefined;
  bundled: ReadonlySet<string>;
  pathEnv: string | undefined;
  workspaceFolders: readonly string[];
  platform: NodeJS.Platform;
  fs: DiscoveryFs;
  /** SecretSpec 0.21's `providers.d` directories (see claimDirectories): when nothing is found, the advice says whether the CLI has the scheme claimed. */
  claimDirs?: readonly string[];
}

/**
 * The directories SecretSpec 0.21 reads `<scheme>.secretspec.json` provider
 * claims from, user first (provider/external.rs `platform_directories`).
 * Unlike the user config, XDG_CONFIG_HOME is taken as set, even relative.
 */
export function claimDirectories(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string[] {
  if (platform === 'linux') {
    const xdg = env['XDG_CONFIG_HOME'];
    const base = xdg !== undefined ? xdg : env['HOME'] !== undefined ? path.posix.join(env['HOME'], '.config') : undefined;
    return [...(base !== undefined ? [path.posix.join(base, 'secretspec', 'providers.d')] : []), '/etc/secretspec/providers.d'];
  }
  if (platform === 'darwin') {
    const user = env['HOME'] !== undefined ? [path.posix.join(env['HOME'], 'Library', 'Application Support', 'SecretSpec', 'providers.d')] : [];
    return [...user, '/Library/Application Support/SecretSpec/providers.d'];
  }
  if (platform === 'win32') {
    return [env['APPDATA'], env['PROGRAMDATA']].filter((d): d is string => d !== undefined).map((d) => path.win32.join(d, 'SecretSpec', 'providers.d'));
  }
  return [];
}

/** SecretSpec's external provider schemes (external.rs `is_valid_scheme`): unlike plugin schemes, no `_`. */
const CLAIM_SCHEME = /^[a-z][a-z0-9-]*$/;

function claimFileName(scheme: string): string {
  return `${scheme}.secretspec.json`;
}

/**
 * The claim SecretSpec would pick for `scheme`: the first directory where
 * the file exists wins. The CLI then vets its owner, mode and executable;
 * here being there is enough, since this server never starts a claimed
 * provider, it only stops calling the scheme "not installed".
 */
export function findClaim(scheme: string, dirs: readonly string[], exists: (file: string) => boolean, platform: NodeJS.Platform): string | undefined {
  if (!CLAIM_SCHEME.test(scheme)) return undefined;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  for (const dir of dirs) {
    const file = pathApi.join(dir, claimFileName(scheme));
    if (exists(file)) return file;
  }
  return undefined;
}

function isInside(dir: string, folder: string, pathApi: typeof path.posix): boolean {
  const rel = pathApi.relative(folder, dir);
  return rel === '' || (!rel.startsWith('..') && !pathApi.isAbsolute(rel));
}

export function discover(input: DiscoveryInput): Discovery {
  const { scheme, setting, platform, fs } = input;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const name = executableName(scheme);
  const howToInstall = `install ${name} in a directory on PATH outside the workspace, or set secretspec.plugins.${scheme}.path to its absolute path`;

  if (setting && !setting.enabled) {
    return { ok: false, message: `the plugin for "${scheme}" is disabled (secretspec.plugins.${scheme}.enabled is false); enable it in your user settings` };
  }
  if (setting?.path !== undefined) {
    if (!pathApi.isAbsolute(setting.path)) {
      return { ok: false, message: `secretspec.plugins.${scheme}.path must be an absolute path, got a relative one; ${howToInstall}` };
    }
    if (!fs.isExecutableFile(setting.path)) {
      return { ok: false, message: `secretspec.plugins.${scheme}.path (${setting.path}) is not an executable file; ${howToInstall}` };
    }
    return { ok: true, resolution: { source: 'settings', scheme, path: setting.path } };
  }
  if (input.bundled.has(scheme)) return { ok: true, resolution: { source: 'bundled', scheme } };

  const names = platform === 'win32' ? [`${name}.exe`, `${name}.cmd`] : [name];
  const folders = input.workspaceFolders.flatMap((f) => [pathApi.resolve(f), fs.realpath(pathApi.resolve(f))]);
  const ignored: string[] = [];
  const separator = platform === 'win32' ? ';' : ':';
  for (const dir of (input.pathEnv ?? '').split(separator)) {
    if (dir === '') continue;
    const relative = !pathApi.isAbsolute(dir);
    const real = relative ? dir : fs.realpath(dir);
    const inWorkspace = !relative && folders.some((f) => isInside(pathApi.resolve(dir), f, pathApi) || isInside(real, f, pathApi));
    for (const n of names) {
      const candidate = pathApi.join(dir, n);
      if (!fs.isExecutableFile(candidate)) continue;
      if (relative || inWorkspace) {
        ignored.push(`${candidate} (${relative ? 'relative PATH entry' : 'inside the workspace'})`);
        continue;
      }
      return { ok: true, resolution: { source: 'path', scheme, path: candidate } };
    }
  }
  const note = ignored.length ? ` Ignored for safety: ${ignored.join(', ')}; a cloned repository must not be able to plant a plugin.` : '';
  const claim = input.claimDirs?.length && input.fs.exists ? findClaim(scheme, input.claimDirs, input.fs.exists, platform) : undefined;
  const claims = claim
    ? ` SecretSpec 0.21 has this provider claimed (${claim}) and the secretspec CLI uses it, but this extension talks only to secretspec-provider-* plugins.`
    : ` The secretspec CLI (0.21) also finds a provider registered with a claim file providers.d/${claimFileName(scheme)}.`;
  return { ok: false, message: `no plugin for provider scheme "${scheme}": ${howToInstall}.${claims}${note}` };
}
