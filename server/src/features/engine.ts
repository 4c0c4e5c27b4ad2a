// Which SecretSpec release the manifests are checked against, as the server
// learns it: the user's CLI (trusted workspaces only: finding it runs it),
// else the newest release known. Tells the client whenever it changes, and
// keeps the one bridge to that CLI (issue 11), made again only when the CLI,
// its release or the run timeout changes, so its check cache survives.
import type { Connection } from 'vscode-languageserver/node';
import { DidChangeEngineNotification, type DidChangeEngineParams } from '../../../protocol/src';
import { CliBridge } from '../cliBridge/bridge';
import { diskLookup, locateCli, readCliVersion } from '../engine/cli';
import { DEFAULT_ENGINE, formatVersion, type Engine } from '../engine/version';

export interface EngineHost {
  connection: Connection;
  trusted(): boolean;
  workspaceFolders(): readonly string[];
  /** The `secretspec.cli.path` setting, when set. */
  cliPath(): Promise<string | undefined>;
  /** The `secretspec.cli.timeoutMs` setting, when set. */
  cliTimeoutMs(): Promise<number | undefined>;
  /** Receives the bridge's one line per run (operation, duration, outcome; never CLI output). */
  log(line: string): void;
  /** The extension's version, which SecretSpec records as `--caller-version` in its audit log. */
  callerVersion?: string;
}

export class EngineService {
  current: Engine = DEFAULT_ENGINE;
  private pending: Promise<boolean> | undefined;
  private cli: { key: string; bridge: CliBridge } | undefined;

  constructor(private readonly host: EngineHost) {}

  /** Looks again (settings or PATH may have changed); true when the engine changed. */
  refresh(): Promise<boolean> {
    // Overlapping refreshes (initialized + a settings change) share one look.
    return (this.pending ??= this.look().finally(() => (this.pending = undefined)));
  }

  /** The bridge to the user's CLI; undefined without one (always so in Restricted Mode). */
  bridge(): CliBridge | undefined {
    return this.cli?.bridge;
  }

  private async look(): Promise<boolean> {
    const before = this.current;
    const timeoutMs = await this.host.cliTimeoutMs();
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
    const key = next.cli ? `${next.cli}\u0000${formatVersion(next.version)}\u0000${timeoutMs ?? ''}` : '';
    if (this.cli?.key !== key) {
      this.cli = next.cli
        ? { key, bridge: new CliBridge({ cli: next.cli, version: next.version, trusted: this.host.trusted, log: this.host.log, ...(this.host.callerVersion ? { callerVersion: this.host.callerVersion } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) }) }
        : undefined;
    }
    const changed = before.cli !== next.cli || formatVersion(before.version) !== formatVersion(next.version);
    const params: DidChangeEngineParams = {
      version: formatVersion(next.version),
      ...(next.cli ? { cli: next.cli } : { reason: next.reason ?? 'no CLI' }),
    };
    void this.host.connection.sendNotification(DidChangeEngineNotification, params);
    return changed;
  }
}
