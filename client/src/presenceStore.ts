// The client's one copy of presence state: which manifests the workspace
// has, the last `secretspec/check` and `secretspec/outline` answers for each,
// and the active profile. The tree, the status bar and the commands read it.
import * as vscode from 'vscode';
import { CheckRequest, OutlineRequest, type CheckParams, type CheckResult, type OutlineParams } from '../../protocol/src/index';
import type { ServerController } from './client';
import type { Outline } from './outlineModel';
import { readSettings } from './settings';
import { isTrusted } from './trust';
import { buildProfiles, cliVia, healthOf, healthText, viewState, type ProfileHealth } from './views/presenceModel';

const ACTIVE_PROFILE_KEY = 'secretspec.activeProfile';
export const STATE_CONTEXT_KEY = 'secretspec.viewState';
const MANIFEST_GLOB = '**/secretspec.toml';
const EXCLUDE_GLOB = '**/{node_modules,.git,.cache}/**';
/** The reason Check Now gives: the one check that re-runs the CLI regardless of what it kept. */
export const CHECK_NOW = 'Check Now';

export interface ManifestEntry {
  uri: vscode.Uri;
  /** The last check that succeeded; with `error` set it is stale and shown as such. */
  result?: CheckResult;
  /** Why the last check failed (bad syntax, server down). */
  error?: string;
  /** Descriptions, chains and declarations from the server, as of `result`. */
  outline?: Outline;
}

/** An entry whose statuses come from an earlier check than the last one tried. */
export function isStale(entry: ManifestEntry | undefined): boolean {
  return entry?.result !== undefined && entry.error !== undefined;
}

export type ViewStateKey = 'loading' | 'noManifest' | 'untrusted' | 'noProvider' | 'ready';

export class PresenceStore implements vscode.Disposable {
  private entries = new Map<string, ManifestEntry>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private discovered = false;
  /** The profile SecretSpec itself would use (SECRETSPEC_PROFILE, the user config), as the server last said. */
  private secretspecProfile: string | undefined;
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly server: ServerController,
    private readonly state: vscode.Memento,
    private readonly output: vscode.LogOutputChannel,
  ) {
    const watcher = vscode.workspace.createFileSystemWatcher(MANIFEST_GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => void this.refreshAll('a manifest was created')),
      watcher.onDidDelete(() => void this.refreshAll('a manifest was deleted')),
      server.onDidChangePresence((uri) => {
        // Sent once per change the server notices, never for our own checks: a check running now may predate it, so refresh queues one after it.
        if (this.entries.has(uri)) void this.refresh(vscode.Uri.parse(uri), 'the server saw a change');
      }),
      // The server announces only checks that succeed: after a save that broke the syntax the view must ask, or it would never learn its statuses went stale.
      vscode.workspace.onDidSaveTextDocument((doc) => {
        if (this.entries.has(doc.uri.toString()) && readSettings(doc.uri).checkOnSave) void this.refresh(doc.uri, 'saved');
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshAll('workspace folders changed')),
    );
  }

  /** The profile the user picked here, else the one the SecretSpec CLI would use, else `default`. */
  get activeProfile(): string {
    return this.state.get<string>(ACTIVE_PROFILE_KEY) ?? this.secretspecProfile ?? 'default';
  }

  async setActiveProfile(profile: string): Promise<void> {
    await this.state.update(ACTIVE_PROFILE_KEY, profile);
    this.changed.fire();
  }

  manifests(): ManifestEntry[] {
    return [...this.entries.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
  }

  entry(uri: vscode.Uri | string): ManifestEntry | undefined {
    return this.entries.get(typeof uri === 'string' ? uri : uri.toString());
  }

  /** Every profile name across manifests, with its missing and unknown counts summed. */
  profileHealth(): Map<string, ProfileHealth> {
    const health = new Map<string, ProfileHealth>();
    for (const e of this.manifests()) {
      for (const row of e.result ? buildProfiles(e.result, undefined) : []) {
        const sum = health.get(row.profile) ?? { missing: 0, unknown: 0 };
        const h = healthOf(row);
        health.set(row.profile, { missing: sum.missing + h.missing, unknown: sum.unknown + h.unknown });
      }
    }
    return health;
  }

  /** Whether any manifest shows statuses from before its last (failed) check. */
  anyStale(): boolean {
    return this.manifests().some(isStale);
  }

  viewState(): ViewStateKey {
    if (!this.discovered) return 'loading';
    if (this.entries.size === 0) return 'noManifest';
    if (!isTrusted()) return 'untrusted';
    const results = this.manifests().flatMap((e) => (e.result ? [e.result] : []));
    if (results.length === this.entries.size && viewState(results) === 'no_provider') return 'noProvider';
    return 'ready';
  }

  /** Finds the workspace's manifests again and checks each; `reason` is logged with every check. */
  async refreshAll(reason: string): Promise<void> {
    const found = await vscode.workspace.findFiles(MANIFEST_GLOB, EXCLUDE_GLOB);
    const next = new Map<string, ManifestEntry>();
    for (const uri of found) next.set(uri.toString(), this.entries.get(uri.toString()) ?? { uri });
    this.entries = next;
    this.discovered = true;
    this.publishState();
    await Promise.all(found.map((uri) => this.refresh(uri, reason)));
  }

  /**
   * Re-checks one manifest. A request made while a check is running gets one
   * follow-up check after it (merged with other such requests): what made the
   * caller ask (a restart, a write) may have happened after the running one began.
   */
  refresh(uri: vscode.Uri, reason: string): Promise<void> {
    const key = uri.toString();
    const queued = this.queued.get(key);
    if (queued) return queued;
    const running = this.inFlight.get(key);
    if (running) {
      const next = running.then(() => {
        this.queued.delete(key);
        return this.refresh(uri, reason);
      });
      this.queued.set(key, next);
      return next;
    }
    const run = this.check(uri, reason).finally(() => {
      this.inFlight.delete(key);
      this.publishState();
    });
    this.inFlight.set(key, run);
    return run;
  }

  private async check(uri: vscode.Uri, reason: string): Promise<void> {
    const key = uri.toString();
    const entry: ManifestEntry = this.entries.get(key) ?? { uri };
    this.entries.set(key, entry);
    const label = vscode.workspace.asRelativePath(uri);
    const started = Date.now();
    try {
      // The server only checks documents it has open; opening without showing costs nothing visible.
      await vscode.workspace.openTextDocument(uri);
      const outline = await this.requestOutline(uri);
      if (outline?.defaultProfile) this.secretspecProfile = outline.defaultProfile;
      // Check Now runs the user's secretspec CLI again even when nothing it depends on changed.
      const params: CheckParams = { textDocument: { uri: key }, ...(reason === CHECK_NOW ? { force: true } : {}) };
      entry.result = await this.server.request<CheckResult>(CheckRequest, params);
      if (outline) entry.outline = outline;
      delete entry.error;
      const rows = buildProfiles(entry.result, undefined);
      // Rows follow the results' order; a profile whose secrets went to the CLI says how many and how long it took.
      const profiles = rows.map((row, i) => {
        const cli = entry.result!.results[i]?.cli;
        return `${row.profile}: ${healthText(healthOf(row))}${cli ? ` (${cli.names.length} ${cliVia(cli)})` : ''}`;
      });
      this.output.info(`Checked ${label} (${reason}) in ${Date.now() - started} ms: ${profiles.join('; ') || 'no profiles'}`);
    } catch (err) {
      // The previous statuses stay, marked stale: dropping them would hide what was known, keeping them silently would pass them off as current.
      entry.error = err instanceof Error ? err.message : String(err);
      this.output.warn(`Checking ${label} (${reason}) failed after ${Date.now() - started} ms: ${entry.error}${entry.result ? ' (the view keeps the previous statuses, marked stale)' : ''}`);
    }
  }

  /**
   * The server's outline of a manifest as its text is now (the editor may hold
   * unsaved edits the last check did not see); undefined when it does not parse.
   */
  async outline(uri: vscode.Uri): Promise<Outline | undefined> {
    await vscode.workspace.openTextDocument(uri);
    const entry = this.entries.get(uri.toString());
    return entry ? this.readOutline(entry) : this.requestOutline(uri);
  }

  private async readOutline(entry: ManifestEntry): Promise<Outline | undefined> {
    const outline = await this.requestOutline(entry.uri);
    if (outline) entry.outline = outline;
    if (outline?.defaultProfile) this.secretspecProfile = outline.defaultProfile;
    return outline;
  }

  private async requestOutline(uri: vscode.Uri): Promise<Outline | undefined> {
    try {
      return await this.server.request<Outline>(OutlineRequest, { textDocument: { uri: uri.toString() } } satisfies OutlineParams);
    } catch (err) {
      this.output.info(`No outline of ${vscode.workspace.asRelativePath(uri)}: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }

  private publishState(): void {
    void vscode.commands.executeCommand('setContext', STATE_CONTEXT_KEY, this.viewState());
    this.changed.fire();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}
