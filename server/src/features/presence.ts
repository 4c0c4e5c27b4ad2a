// `secretspec/check` and the presence warnings: the plugin host answers
// whether each declared secret is present; a required secret found missing
// gets one Warning on its declaration listing the profiles it is missing in.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DiagnosticSeverity, ResponseError, type Diagnostic } from 'vscode-languageserver/node';
import { CheckRequest, DidChangePresenceNotification, type CheckParams, type CheckResult } from '../../../protocol/src';
import { runCheck, type PresenceProbe } from '../check/run';
import { bundledProviders } from '../plugins/bundled';
import { PluginHost, type PluginSettings } from '../plugins/host';
import { ProviderError } from '../plugins/types';
import type { ServerContext } from '../server';
import { anchorSpan, toRange } from './diagnostics';

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

  constructor(
    private readonly ctx: ServerContext,
    /** Called when the presence warnings of a manifest changed. */
    private readonly onWarnings: (uri: string) => void,
  ) {}

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

  /** Whether a plugin for `scheme` can be found (settings, bundled, PATH). Starts nothing. */
  pluginInstalled(scheme: string): boolean {
    try {
      this.pluginHost().resolve(`${scheme}://`);
      return true;
    } catch (error) {
      return !(error instanceof ProviderError && error.kind === 'plugin_not_installed');
    }
  }

  async updateSettings(): Promise<void> {
    let next: Settings = {};
    try {
      const raw = (await this.ctx.connection.workspace.getConfiguration({ section: 'secretspec' })) as Settings | null;
      if (raw && typeof raw === 'object') next = raw;
    } catch {
      // A client without workspace/configuration gets defaults.
    }
    const changed = JSON.stringify(next.plugins ?? {}) !== JSON.stringify(this.settings.plugins ?? {}) || next.requestTimeoutMs !== this.settings.requestTimeoutMs;
    this.settings = next;
    if (changed && this.host) {
      const old = this.host;
      this.host = undefined;
      // Checks already running keep the host they started with; it goes once they are done.
      await Promise.allSettled([...this.running.values()]);
      await old.dispose();
    }
  }

  get checkOnSave(): boolean {
    return this.settings.checkOnSave !== false;
  }

  /** The `secretspec.defaultProvider` setting: the route of secrets without a providers list. */
  get defaultProvider(): string | undefined {
    return this.settings.defaultProvider || undefined;
  }

  /**
   * Re-checks a manifest after a write. A check already running may have read
   * the store before the write, so it is waited out rather than joined.
   */
  async recheckAfterWrite(uri: string): Promise<void> {
    await this.running.get(`${uri}\u0000`)?.catch(() => undefined);
    await this.check({ textDocument: { uri } });
  }

  diagnosticsFor(uri: string): Diagnostic[] {
    return this.warnings.get(uri) ?? [];
  }

  forget(uri: string): void {
    this.warnings.delete(uri);
  }

  /** Runs (or joins) a check of the manifest at `uri`. */
  check(params: CheckParams): Promise<CheckResult> {
    const uri = params.textDocument.uri;
    const key = `${uri}\u0000${(params.profiles ?? []).join(',')}`;
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const run = this.runCheck(params).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private async runCheck(params: CheckParams): Promise<CheckResult> {
    const uri = params.textDocument.uri;
    const analysis = await this.ctx.analysisFor(uri);
    if (!analysis) throw new ResponseError(-32602, `${uri} is not an open secretspec.toml`, { kind: 'invalid_request' });
    const merged = analysis.load.merged;
    const profiles = analysis.validation.profiles;
    if (!merged || !profiles) {
      throw new ResponseError(-32602, 'the manifest does not parse; fix its syntax errors first', { kind: 'invalid_request' });
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
    const result = await runCheck({
      manifest: merged,
      profiles,
      ...(params.profiles ? { only: params.profiles } : {}),
      ...(this.settings.defaultProvider ? { defaultProvider: this.settings.defaultProvider } : {}),
      probe,
    });
    if (!params.profiles?.length) this.updateWarnings(uri, result, analysis.load.root.map);
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

export function registerPresence(ctx: ServerContext, service: PresenceService): void {
  ctx.connection.onRequest(CheckRequest, (params: CheckParams) => service.check(params));
}
