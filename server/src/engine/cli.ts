// The user's own `secretspec` CLI: where it is (an absolute path from the
// machine-scoped `secretspec.cli.path` setting, else PATH without relative or
// in-workspace entries, so a cloned repository cannot plant one) and which
// release it is. Started only in trusted workspaces, never with a shell.
import { execFile } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { parseVersionOutput, type EngineVersion } from './version';

export interface CliLookup {
  settingPath?: string;
  pathEnv: string | undefined;
  workspaceFolders: readonly string[];
  isExecutableFile(file: string): boolean;
  realpath(file: string): string;
}

export type CliLocation = { ok: true; path: string } | { ok: false; reason: string };

function inside(dir: string, folder: string): boolean {
  const rel = path.relative(folder, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function locateCli(input: CliLookup): CliLocation {
  if (input.settingPath) {
    if (!path.isAbsolute(input.settingPath)) return { ok: false, reason: 'secretspec.cli.path must be an absolute path' };
    if (!input.isExecutableFile(input.settingPath)) return { ok: false, reason: `secretspec.cli.path (${input.settingPath}) is not an executable file` };
    return { ok: true, path: input.settingPath };
  }
  const folders = input.workspaceFolders.flatMap((f) => [path.resolve(f), input.realpath(path.resolve(f))]);
  for (const dir of (input.pathEnv ?? '').split(path.delimiter)) {
    if (dir === '' || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'secretspec');
    if (!input.isExecutableFile(candidate)) continue;
    const real = input.realpath(candidate);
    if (folders.some((f) => inside(path.resolve(dir), f) || inside(real, f))) continue;
    return { ok: true, path: candidate };
  }
  return { ok: false, reason: 'no secretspec CLI on PATH outside the workspace' };
}

export const diskLookup: Pick<CliLookup, 'isExecutableFile' | 'realpath'> = {
  isExecutableFile(file) {
    try {
      if (!statSync(file).isFile()) return false;
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
  realpath(file) {
    try {
      return realpathSync(file);
    } catch {
      return file;
    }
  },
};

/** `<cli> --version`, bounded in time and output; undefined when it does not say a version. */
export function readCliVersion(cli: string, timeoutMs = 5000): Promise<EngineVersion | undefined> {
  return new Promise((resolve) => {
    execFile(cli, ['--version'], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024, windowsHide: true }, (err, stdout) => {
      resolve(err ? undefined : parseVersionOutput(String(stdout)));
    });
  });
}
