// The few filesystem facts editing features need: plugin schemes installed
// on PATH, and directories near a manifest that hold a `secretspec.toml`.
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isBuiltinScheme } from '../providers/registry';

const PLUGIN_FILE = /^secretspec-provider-([a-z][a-z0-9_-]*?)(?:\.(?:exe|cmd|bat))?$/;

function inside(dir: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(dir));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Schemes of `secretspec-provider-<scheme>` executables on PATH. Relative
 * PATH entries and directories inside the workspace are skipped: a cloned
 * repository must not be able to plant a provider the editor then suggests.
 */
export function pluginSchemesOnPath(pathEnv: string | undefined, workspaceFolders: readonly string[]): string[] {
  const out = new Set<string>();
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir) || workspaceFolders.some((f) => inside(dir, f))) continue;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = PLUGIN_FILE.exec(name);
      if (!m || isBuiltinScheme(m[1]!)) continue;
      try {
        accessSync(join(dir, name), constants.X_OK);
        out.add(m[1]!);
      } catch {
        // Not executable: not a plugin the CLI could start.
      }
    }
  }
  return [...out].sort();
}

/** Schemes of SecretSpec 0.21 provider claims (`<scheme>.secretspec.json`) in the claim directories, vetted or not: names only, for "did you mean". */
export function claimedSchemes(dirs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const m = /^([a-z][a-z0-9+.-]*)\.secretspec\.json$/.exec(name);
      if (m && !isBuiltinScheme(m[1]!)) out.add(m[1]!);
    }
  }
  return [...out].sort();
}

const SKIP = new Set(['node_modules', 'target', 'dist', 'out']);

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name))
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/**
 * Relative paths (from the manifest's directory) of nearby directories that
 * hold a `secretspec.toml`, nearest first when there are more than `limit`:
 * the manifest's own subfolders, then each ancestor's (up to three levels),
 * so a crowded folder far up never crowds out `./shared`.
 */
export function manifestDirsNear(manifestPath: string, limit = 50): string[] {
  const home = dirname(manifestPath);
  const seen = new Set<string>();
  const candidates: string[] = [];
  for (const child of subdirs(home)) candidates.push(child, ...subdirs(child));
  let up = home;
  for (let depth = 0; depth < 3; depth++) {
    const parent = dirname(up);
    if (parent === up) break;
    up = parent;
    candidates.push(up, ...subdirs(up));
  }
  const out: string[] = [];
  for (const dir of candidates) {
    if (out.length >= limit) break;
    if (dir === home || seen.has(dir)) continue;
    seen.add(dir);
    if (!existsSync(join(dir, 'secretspec.toml'))) continue;
    const rel = relative(home, dir).split(sep).join('/');
    out.push(rel.startsWith('.') ? rel : `./${rel}`);
  }
  return out.sort();
}
