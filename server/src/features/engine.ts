// Which SecretSpec release the manifests are checked against, as the server
// learns it: the user's CLI (trusted workspaces only: finding it runs it),
// else the newest release known. Tells the client whenever it changes.
import type { Connection } from 'vscode-languageserver/node';
import { DidChangeEngineNotification, type DidChangeEngineParams } from '../../../protocol/src';
import { diskLookup, locateCli, readCliVersion } from '../engine/cli';
import { DEFAULT_ENGINE, formatVersion, type Engine } from '../engine/version';

export interface EngineHost {
  connection: Connection;
  trusted(): boolean;
  workspaceFolders(): readonly string[];
  /** The `secretspec.cli.path` setting, when set. */
  cliPath(): Promise<string | undefined>;
}

export class EngineService {
  current: Engine = DEFAULT_ENGINE;
  private pending: Promise<boolean> | undefined;

  constructor(private readonly host: EngineHost) {}

  /** Looks again (settings or PATH may have changed); true when the engine changed. */
  refresh(): Promise<boolean> {
    // Overlapping refreshes (initialized + a settings change) share one look.
    return (this.pending ??= this.look().finally(() => (this.pending = undefined)));
  }

  private async look(): Promise<boolean> {
    const before = this.current;
    let next: Engine;
    if (!this.host.trusted()) next = { ...DEFAULT_ENGINE, reason: 'Restricted Mode: the secretspec CLI is not started' };
    else {
      const found = locateCli({ settingPath: await this.host.cliPath(), pathEnv: process.env['PATH'], workspaceFolders: this.host.workspaceFolders(), ...diskLookup });
      if (!found.ok) next = { ...DEFAULT_ENGINE, reason: found.reason };
      else {
        const version = await readCliVersion(found.path);
        next = version ? { version, cli: found.path } : { ...DEFAULT_ENGINE, reason: `${found.path} --version did not print a version` };
      }
    }
    this.current = next;
    const changed = before.cli !== next.cli || formatVersion(before.version) !== formatVersion(next.version);
    const params: DidChangeEngineParams = {
      version: formatVersion(next.version),
      ...(next.cli ? { cli: next.cli } : { reason: next.reason ?? 'no CLI' }),
    };
    void this.host.connection.sendNotification(DidChangeEngineNotification, params);
    return changed;
  }
}
