// The stores the server opens: the plugin host (bundled providers and
// draft-protocol plugins) under the current settings, rebuilt when the
// settings that shape it change, with what each scheme advertised when it
// was last opened (for hovers) and whether a scheme has a provider at all.
import { existsSync } from 'node:fs';
import { ProviderError, type StoreContext, type Stores } from '../providers/store';
import { bundledProviders } from './bundled';
import { findClaim } from './discovery';
import { PluginHost, type PluginSession, type PluginSettings } from './host';

export interface HostSettings {
  plugins?: PluginSettings;
  requestTimeoutMs?: number;
}

export interface PluginStoresOptions {
  /** Asked when a host is made: the workspace's trust is known only once the client has initialized. */
  trusted(): boolean;
  workspaceFolders(): readonly string[];
  /** SecretSpec 0.21's provider claim directories for this server's user. */
  claimDirs: readonly string[];
  log(text: string): void;
}

export class PluginStores implements Stores {
  private host: PluginHost | undefined;
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

  async open(uri: string, context: StoreContext): Promise<PluginSession> {
    await this.configured;
    const store = await this.pluginHost().open(uri, context);
    this.advertised.set(uri.slice(0, uri.indexOf(':')), store.capabilities);
    return store;
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
    const applied = this.configured.then(async () => {
      const next = await reading;
      const changed = JSON.stringify(next.plugins ?? {}) !== JSON.stringify(this.settings.plugins ?? {}) || next.requestTimeoutMs !== this.settings.requestTimeoutMs;
      this.settings = next;
      if (changed) {
        retired = this.host;
        this.host = undefined;
      }
    });
    this.configured = applied.catch(() => undefined);
    this.firstConfigured();
    await applied;
    if (!retired) return;
    await idle();
    await retired.dispose();
  }

  /** Plugin processes still alive, so a dying server can take them down with it. */
  livePids(): number[] {
    return this.host?.livePids() ?? [];
  }

  async dispose(): Promise<void> {
    await this.host?.dispose();
  }

  private pluginHost(): PluginHost {
    this.host ??= new PluginHost({
      trusted: this.options.trusted(),
      settings: this.settings.plugins ?? {},
      workspaceFolders: this.options.workspaceFolders(),
      bundled: bundledProviders(),
      claimDirs: this.options.claimDirs,
      ...(this.settings.requestTimeoutMs ? { timeouts: { requestMs: this.settings.requestTimeoutMs } } : {}),
      log: this.options.log,
    });
    return this.host;
  }
}
