// Which plugin serves a provider URI (provider-protocol.md §1). Pure: the
// caller injects the file-system checks, so every branch is testable
// without touching disk.
import * as path from 'node:path';
import type { PluginSetting } from './settings';

const SCHEME = /^[a-z][a-z0-9_-]*$/;

/** The scheme of `<scheme>://…` or `<scheme>:…`, or undefined when the URI has no valid one. */
export function providerScheme(uri: string): string | undefined {
  const colon = uri.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = uri.slice(0, colon);
  return SCHEME.test(scheme) ? scheme : undefined;
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
}

export interface DiscoveryInput {
  scheme: string;
  setting: PluginSetting | undefined;
  bundled: ReadonlySet<string>;
  pathEnv: string | undefined;
  workspaceFolders: readonly string[];
  platform: NodeJS.Platform;
  fs: DiscoveryFs;
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
  return { ok: false, message: `no plugin for provider scheme "${scheme}": ${howToInstall}.${note}` };
}
