// `secretspec/check` and the presence warnings: the plugin host answers
// whether each declared secret is present; a required secret found missing
// gets one Warning on its declaration listing the profiles it is missing in.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { CheckRequest, DidChangePresenceNotification, type CheckParams, type CheckResult } from '../../../protocol/src';
import { runCheck, type PresenceProbe } from '../check/run';
import type { MergedManifest } from '../manifest/model';
import { bundledProviders } from '../plugins/bundled';
import { canonicalUri } from '../plugins/bundled/canonical';
import { claimDirectories, findClaim } from '../plugins/discovery';
import { PluginHost, type PluginSettings } from '../plugins/host';
import { ProviderError } from '../plugins/types';
import type { ServerContext } from '../context';
import { providerOverride, withUserAliases } from '../userConfig/defaults';
import { anchorSpan, toRange } from './diagnostics';
import { documentUri, isManifest, requestFailure } from './requestParams';

const SETTINGS_GRACE_MS = 5_000;

export interface Settings {
  defaultProvider?: string;
  plugins?: PluginSettings;
  requestTimeoutMs?: number;
  checkOnSave?: boolean;
}

export class PresenceService {
  private host: PluginHost | undefined;
  private settings: Settings = {};
  private readonly warnings = new Map<string, Diagnostic[]>();
  private readonly running = new Map<string, Promise<CheckResult>>();
  /** What each plugin scheme advertised in its last `hello` (only ever filled in a trusted workspace). */
  private readonly advertised = new Map<string, readonly string[]>();
  /** Bumped whenever settings change, so a request never joins a check that runs on older settings. */
  private generation = 0;
  /** SecretSpec 0.21's provider claim directories for this server's user (the environment does not change). */
  private readonly claimDirs = claimDirectories(process.env, process.platform);
  /**
   * The settings read in progress, from startup until the first answer and
   * again after each change: a check or write decided meanwhile would use a
   * default provider the user no longer has (or not yet).
   */
  private reading: Promise<void> | undefined;
  private settingsArrived!: () => void;

  constructor(
    private readonly ctx: ServerContext,
    /** Called when the presence warnings of a manifest changed. */
    private readonly onWarnings: (uri: string) => void,
  ) {
    this.reading = new Promise((resolve) => (this.settingsArrived = resolve));
  }

  /**
   * Resolves once settings have been read at least once (at once after that).
   * A client that never answers workspace/configuration must not stall every
   * request, so after a grace period the defaults are used.
   */
  settingsReady(): Promise<void> {
    const reading = this.reading;
    if (!reading) return Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, SETTINGS_GRACE_MS)));
    return Promise.race([reading, grace]).finally(() => clearTimeout(timer));
  }

  /** Plugin processes still alive, so a dying server can take them down with it. */
  livePids(): number[] {
    return this.host?.livePids() ?? [];
  }

  /** The host, created on first use with the current trust and settings. */
  pluginHost(): PluginHost {
    if (!this.host) {
      this.host = new PluginHost({
        trusted: this.ctx.options.trusted === true,
        settings: this.settings.plugins ?? {},
        workspaceFolders: this.ctx.workspaceFolders,
        bundled: bundledProviders(),
        claimDirs: this.claimDirs,
        ...(this.settings.requestTimeoutMs ? { timeouts: { requestMs: this.settings.requestTimeoutMs } } : {}),
        log: (text) => this.ctx.connection.console.log(text),
      });
    }
    return this.host;
  }

  /** The capabilities a plugin scheme's `hello` advertised, once a session has started. */
  capabilitiesOf(scheme: string): readonly string[] | undefined {
    return this.advertised.get(scheme);
  }

  /**
   * Whether `scheme` has a provider: a plugin found through settings, bundled
   * or PATH, or a SecretSpec 0.21 claim the CLI would use. Starts nothing.
   */
  pluginInstalled(scheme: string): boolean {
    try {
      this.pluginHost().resolve(`${scheme}://`);
      return true;
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'plugin_not_installed')) return true;
      return findClaim(scheme, this.claimDirs, existsSync, process.platform) !== undefined;
    }
  }

  async updateSettings(): Promise<void> {
    // Set before the first await, so a request that arrives after the change notification waits for it.
    const read = this.readSettings();
    const reading = read.then(() => undefined);
    this.reading = reading;
    const next = await read;
    if (this.reading === reading) this.reading = undefined;
    const changed = JSON.stringify(next.plugins ?? {}) !== JSON.stringify(this.settings.plugins ?? {}) || next.requestTimeoutMs !== this.settings.requestTimeoutMs;
    this.settings = next;
    this.generation++;
    this.settingsArrived();
    if (changed && this.host) {
      const old = this.host;
      this.host = undefined;
      // Checks already running keep the host they started with; it goes once they are done.
      await Promise.allSettled([...this.running.values()]);
      await old.dispose();
    }
  }

  private async readSettings(): Promise<Settings> {
    try {
      const raw = (await this.ctx.connection.workspace.getConfiguration({ section: 'secretspec' })) as Settings | null;
      return raw && typeof raw === 'object' ? raw : {};
    } catch {
      // A client without workspace/configuration gets defaults.
      return {};
    }
  }

  get checkOnSave(): boolean {
    return this.settings.checkOnSave !== false;
  }

  /**
   * The route of secrets without a providers list: the
   * `secretspec.defaultProvider` setting (an explicit choice for this
   * editor), else the user config's `[defaults] provider`, as the CLI uses it.
   */
  get defaultProvider(): string | undefined {
    return this.settings.defaultProvider || this.ctx.userConfig()?.provider?.value || undefined;
  }

  /** `SECRETSPEC_PROVIDER` in the server's environment: the one store every secret is routed to, as the CLI does. */
  get providerOverride(): string | undefined {
    return providerOverride(process.env);
  }

  /** The manifest with the user config's aliases merged in, as routing resolves names. */
  routingManifest(merged: MergedManifest): MergedManifest {
    return withUserAliases(merged, this.ctx.userConfig()?.aliases);
  }

  /** The user config changed on disk: a check running now used the old one, so none is joined. */
  userConfigChanged(): void {
    this.generation++;
  }

  /**
   * Re-checks a manifest after a write. A check already running may have read
   * the store before the write, so it is waited out rather than joined.
   */
  async recheckAfterWrite(uri: string): Promise<void> {
    await this.running.get(this.runKey(uri, []))?.catch(() => undefined);
    await this.check({ textDocument: { uri } });
  }

  diagnosticsFor(uri: string): Diagnostic[] {
    return this.warnings.get(uri) ?? [];
  }

  forget(uri: string): void {
    this.warnings.delete(uri);
  }

  /** Runs (or joins) a check of the manifest at `uri`. */
  async check(params: CheckParams): Promise<CheckResult> {
    const { uri, profiles } = checkParams(params);
    await this.settingsReady();
    const key = this.runKey(uri, profiles ?? []);
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const run = this.runCheck(uri, profiles).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private runKey(uri: string, profiles: readonly string[]): string {
    return `${this.generation}\u0000${uri}\u0000${profiles.join(',')}`;
  }

  private async runCheck(uri: string, only: string[] | undefined): Promise<CheckResult> {
    // Only documents named secretspec.toml are manifests (lsp-extensions "Documents"); others are not checked.
    const analysis = isManifest(uri) ? await this.ctx.analysisFor(uri) : undefined;
    if (!analysis) throw requestFailure('invalid_request', `${uri} is not an open secretspec.toml`);
    const merged = analysis.load.merged;
    const profiles = analysis.validation.profiles;
    if (!merged || !profiles) throw requestFailure('invalid_request', 'the manifest does not parse; fix its syntax errors first');
    const unknown = (only ?? []).filter((p) => !profiles.has(p));
    if (unknown.length) {
      throw requestFailure(
        'not_declared',
        `${unknown.length === 1 ? 'Profile' : 'Profiles'} ${unknown.map((p) => `'${p}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not defined in secretspec.toml. Available profiles: ${[...profiles.keys()].join(', ')}`,
      );
    }
    const configFile = uri.startsWith('file:') ? fileURLToPath(uri) : null;
    const project = merged.project.name?.value ?? '';
    const host = this.pluginHost();
    const advertised = this.advertised;
    const probe: PresenceProbe = {
      async presence(providerUri, address, keys) {
        const session = await host.session(providerUri, { configFile, project, command: 'check' });
        advertised.set(providerUri.slice(0, providerUri.indexOf(':')), session.capabilities);
        // A ProviderError already carries the kind and message the check reads.
        return session.presence(address, keys);
      },
    };
    const defaultProvider = this.defaultProvider;
    const override = this.providerOverride;
    const result = await runCheck({
      manifest: this.routingManifest(merged),
      profiles,
      ...(only ? { only } : {}),
      ...(defaultProvider ? { defaultProvider } : {}),
      ...(override ? { override } : {}),
      probe,
      untrusted: this.ctx.options.trusted !== true,
      ...(analysis.load.root.path ? { canonical: canonicalFor(analysis.load.root.path) } : {}),
    });
    if (!only?.length) this.updateWarnings(uri, result, analysis.load.root.map);
    return result;
  }

  private updateWarnings(uri: string, result: CheckResult, map: Parameters<typeof anchorSpan>[0]): void {
    const missing = new Map<string, string[]>();
    for (const { profile, report } of result.results) {
      for (const s of report.secrets) {
        if (s.status === 'missing_required') missing.set(s.name, [...(missing.get(s.name) ?? []), profile]);
      }
    }
    const diagnostics: Diagnostic[] = [];
    for (const [name, profiles] of missing) {
      const declared = profiles.map((p) => ['profiles', p, name]).find((path) => map.get(path)) ?? ['profiles', 'default', name];
      const span = anchorSpan(map, { path: declared, part: 'key' });
      if (!span) continue;
      diagnostics.push({
        range: toRange(map, span),
        severity: DiagnosticSeverity.Warning,
        source: 'secretspec',
        code: 'missing-required-secret',
        message: `Required secret '${name}' is missing in ${profiles.length === 1 ? 'profile' : 'profiles'} ${profiles.map((p) => `'${p}'`).join(', ')}. Set it with "SecretSpec: Set secret value…" or import it.`,
        data: { name, profiles },
      });
    }
    this.warnings.set(uri, diagnostics);
    this.onWarnings(uri);
    void this.ctx.connection.sendNotification(DidChangePresenceNotification, { textDocument: { uri } });
  }

  /** The directory whose `.env*` files can change presence for `uri`. */
  static manifestDir(uri: string): string | undefined {
    return uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
  }

  async dispose(): Promise<void> {
    await this.host?.dispose();
  }
}

/** The request's params checked at the edge: a malformed request gets a clear invalid_request, never a TypeError. */
function checkParams(params: unknown): { uri: string; profiles?: string[] } {
  const uri = documentUri(params);
  const profiles = (params as { profiles?: unknown }).profiles;
  if (profiles === undefined || profiles === null) return { uri };
  if (!Array.isArray(profiles) || profiles.some((x) => typeof x !== 'string')) throw requestFailure('invalid_request', "'profiles' must be an array of profile names");
  return { uri, profiles: profiles as string[] };
}

export function registerPresence(ctx: ServerContext, service: PresenceService): void {
  ctx.connection.onRequest(CheckRequest, (params: CheckParams) => service.check(params));
}

/** Bundled stores' own URIs, relative paths joined to the manifest's directory as SecretSpec does. */
function canonicalFor(manifestPath: string): (uri: string) => string | undefined {
  const base = { baseDir: dirname(manifestPath), ...(process.env['HOME'] ? { home: process.env['HOME'] } : {}) };
  return (uri) => canonicalUri(uri, base);
}
