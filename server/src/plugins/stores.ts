// The stores the server opens: the plugin host (bundled providers and
// draft-protocol plugins) and SecretSpec 0.21 endpoints, under the current
// settings, rebuilt when the settings that shape them change, with what
// each scheme advertised when it was last opened (for hovers) and whether a
// scheme has a provider at all.
//
// Which family answers a URI (the one place a new family registers):
// 1. a scheme SecretSpec builds in never goes to an endpoint (no claim can
//    shadow one): the plugin host, bundled or a draft plugin;
// 2. `secretspec.plugins.<scheme>.path`, the user's explicit choice: an
//    endpoint when `.protocol` is `secretspec.provider`, else a draft plugin;
// 3. a claim `providers.d/<scheme>.secretspec.json`, found and vetted as the
//    CLI does: an endpoint (a refused claim is an error, as in the CLI);
// 4. `secretspec-provider-<scheme>` on PATH: a draft plugin, unless
//    `.protocol` says `secretspec.provider`.
// An endpoint known only from the setting (2, 4) must confirm the protocol
// with `rpc.discover` before it is sent the provider URI. Nothing is looked
// up or started in an untrusted workspace.
import { existsSync } from 'node:fs';
import { findEndpointClaim } from '../endpoints/claims';
import { endpointEnvironment } from '../endpoints/environment';
import type { Product } from '../endpoints/messages';
import { EndpointHost, type EndpointCredentials, type EndpointPlan } from '../endpoints/stores';
import { isBuiltinScheme } from '../providers/registry';
import { ProviderError, type Store, type StoreContext, type Stores } from '../providers/store';
import { bundledProviders } from './bundled';
import { findClaim, providerScheme } from './discovery';
import { PluginHost, type PluginSettings } from './host';
import { pluginSetting, type PluginSetting } from './settings';

export interface HostSettings {
  plugins?: PluginSettings;
  requestTimeoutMs?: number;
}

export interface PluginStoresOptions {
  /** Asked when a host is made: the workspace's trust is known only once the client has initialized. */
  trusted(): boolean;
  /** The workspace's folders, asked at every lookup so folders added later count. */
  workspaceFolders(): readonly string[];
  /** Whether plugins' stderr may be logged: only with the server trace on. */
  showPluginStderr(): boolean;
  /** SecretSpec 0.21's provider claim directories for this server's user. */
  claimDirs: readonly string[];
  /** Answers endpoints' `client.credential` callbacks. */
  credentials: EndpointCredentials;
  /** This server, as endpoints are told at initialize. */
  client: Product;
  log(text: string): void;
}

export class PluginStores implements Stores {
  private host: PluginHost | undefined;
  private endpoints: EndpointHost | undefined;
  private settings: HostSettings = {};
  /** What each scheme advertised when a store of it was last opened (only ever filled in a trusted workspace). */
  private readonly advertised = new Map<string, readonly string[]>();
  /**
   * The settings being read, from startup until the first answer and again
   * after each change: a store opened meanwhile would run under settings
   * the user no longer has (or not yet).
   */
  private configured: Promise<void>;
  private firstConfigured!: () => void;

  constructor(private readonly options: PluginStoresOptions) {
    this.configured = new Promise((resolve) => (this.firstConfigured = resolve));
  }

  async open(uri: string, context: StoreContext): Promise<Store> {
    await this.configured;
    // Untrusted: the plugin host refuses, with the words for it, before anything is looked up.
    const plan = this.options.trusted() ? this.endpointPlan(uri, context.configFile) : undefined;
    const store = plan ? await this.endpointHost().open(uri, context, plan) : await this.pluginHost().open(uri, context);
    this.advertised.set(uri.slice(0, uri.indexOf(':')), store.capabilities);
    return store;
  }

  /** Endpoints take native addresses; a draft plugin or bundled provider does not. Starts nothing. */
  takesNativeAddresses(uri: string): boolean {
    if (!this.options.trusted()) return false;
    try {
      return this.endpointPlan(uri, null) !== undefined;
    } catch {
      // A refused claim is still the endpoint's scheme: opening it reports why.
      return true;
    }
  }

  /** The endpoint that serves `uri`, or undefined when the plugin host does (see the order above). */
  private endpointPlan(uri: string, configFile: string | null): EndpointPlan | undefined {
    const scheme = providerScheme(uri);
    if (!scheme || isBuiltinScheme(scheme)) return undefined;
    const lookup = pluginSetting(this.settings.plugins, scheme);
    // An invalid or disabling setting is the plugin host's to report.
    if (!lookup.ok || lookup.setting?.enabled === false) return undefined;
    const setting = lookup.setting;
    if (setting?.path !== undefined) return setting.protocol === 'secretspec.provider' ? this.settingEndpoint(uri, scheme, setting, configFile) : undefined;
    const claim = findEndpointClaim(scheme, { env: process.env, isBuiltin: isBuiltinScheme });
    if (claim.status === 'found') {
      const { executable, args, environment } = claim.claim;
      return { scheme, executable, args, env: endpointEnvironment(process.env, environment), discoverFirst: false };
    }
    if (claim.status === 'rejected') {
      throw new ProviderError('plugin_not_installed', `the SecretSpec provider claim ${claim.file} was refused (${claim.problem}), as the secretspec CLI refuses it; fix it or remove it`);
    }
    return setting?.protocol === 'secretspec.provider' ? this.settingEndpoint(uri, scheme, setting, configFile) : undefined;
  }

  /** An executable the settings say speaks `secretspec.provider`: found as a plugin is (same safety rules), started as a claimed endpoint is. */
  private settingEndpoint(uri: string, scheme: string, setting: PluginSetting, configFile: string | null): EndpointPlan {
    const found = this.pluginHost().resolve(uri, configFile);
    if (found.path === undefined) throw new ProviderError('plugin_not_installed', `${found.label} runs in process, so it cannot be a secretspec.provider endpoint`);
    return { scheme, executable: found.path, args: ['provider'], env: { ...endpointEnvironment(process.env, []), ...setting.env }, discoverFirst: true };
  }

  /** The capabilities a scheme advertised, once a store of it has been opened. */
  capabilitiesOf(scheme: string): readonly string[] | undefined {
    return this.advertised.get(scheme);
  }

  /**
   * Whether `scheme` has a provider: a plugin found through settings, bundled
   * or PATH, or a SecretSpec 0.21 claim the CLI would use. Starts nothing.
   */
  installed(scheme: string): boolean {
    try {
      this.pluginHost().resolve(`${scheme}://`);
      return true;
    } catch (error) {
      if (!(error instanceof ProviderError && error.kind === 'plugin_not_installed')) return true;
      return findClaim(scheme, this.options.claimDirs, existsSync, process.platform) !== undefined;
    }
  }

  /**
   * New settings, while they are being read: stores opened from now on wait
   * for them. When they change the host, the old one is retired once
   * `idle()` settles, since work running now keeps the host it started with;
   * the promise settles when it is gone.
   */
  async configure(reading: Promise<HostSettings>, idle: () => Promise<unknown>): Promise<void> {
    let retired: PluginHost | undefined;
    let retiredEndpoints: EndpointHost | undefined;
    const applied = this.configured.then(async () => {
      const next = await reading;
      const changed = JSON.stringify(next.plugins ?? {}) !== JSON.stringify(this.settings.plugins ?? {}) || next.requestTimeoutMs !== this.settings.requestTimeoutMs;
      this.settings = next;
      if (changed) {
        retired = this.host;
        retiredEndpoints = this.endpoints;
        this.host = undefined;
        this.endpoints = undefined;
      }
    });
    this.configured = applied.catch(() => undefined);
    this.firstConfigured();
    await applied;
    if (!retired && !retiredEndpoints) return;
    await idle();
    await Promise.all([retired?.dispose(), retiredEndpoints?.dispose()]);
  }

  /** Plugin and endpoint processes still alive, so a dying server can take them down with it. */
  livePids(): number[] {
    return [...(this.host?.livePids() ?? []), ...(this.endpoints?.livePids() ?? [])];
  }

  async dispose(): Promise<void> {
    await Promise.all([this.host?.dispose(), this.endpoints?.dispose()]);
  }

  private endpointHost(): EndpointHost {
    this.endpoints ??= new EndpointHost({
      client: this.options.client,
      credentials: this.options.credentials,
      ...(this.settings.requestTimeoutMs ? { requestMs: this.settings.requestTimeoutMs } : {}),
      log: this.options.log,
      showStderr: () => this.options.showPluginStderr(),
    });
    return this.endpoints;
  }

  private pluginHost(): PluginHost {
    this.host ??= new PluginHost({
      trusted: this.options.trusted(),
      settings: this.settings.plugins ?? {},
      workspaceFolders: () => this.options.workspaceFolders(),
      showPluginStderr: () => this.options.showPluginStderr(),
      bundled: bundledProviders(),
      claimDirs: this.options.claimDirs,
      ...(this.settings.requestTimeoutMs ? { timeouts: { requestMs: this.settings.requestTimeoutMs } } : {}),
      log: this.options.log,
    });
    return this.host;
  }
}
