// The plugin host: resolves a provider URI to a plugin, keeps one session per
// (URI, manifest, context), and guarantees that every process it started is
// gone after dispose(). In an untrusted workspace it starts nothing.
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CircuitBreaker } from './breaker';
import { PROTOCOL_VERSION } from './codec';
import { killDescendants } from './descendants';
import { discover, executableName, providerScheme, type Resolution } from './discovery';
import { pluginEnvironment } from './environment';
import { InProcessTransport } from './inProcessTransport';
import { Redactor } from './redact';
import { ProviderSession, type PluginSession, type RetryPolicy, type SessionTimeouts } from './session';
import { pluginSetting, type PluginSetting, type PluginSettings } from './settings';
import { StdioTransport } from './stdioTransport';
import type { Transport } from './transport';
import { ProviderError, type StoreContext, type Stores } from '../providers/store';
import type { BundledProvider } from './types';

export interface HostTimeouts extends SessionTimeouts {
  /** How long a plugin may take to exit after its input closes, before SIGTERM. */
  shutdownGraceMs: number;
  /** How long after SIGTERM before SIGKILL. */
  killGraceMs: number;
}

export interface PluginHostOptions {
  /** Workspace trust. When false no plugin is ever started and every open() fails with untrusted_workspace. */
  trusted: boolean;
  /** The `secretspec.plugins` setting: `{ [scheme]: { path?, env?, timeoutMs?, enabled?, allowedSecrets? } }`. */
  settings?: PluginSettings;
  /**
   * Absolute paths (or file: URIs) of the workspace folders; PATH entries
   * inside them are never searched. Asked at every lookup, so folders added
   * later count. The folder of the manifest a session is for always counts
   * too: with no folder open, or for a manifest outside every folder, it is
   * the workspace a cloned repository could plant a plugin in.
   */
  workspaceFolders?: readonly string[] | (() => readonly string[]);
  /** Whether plugins' stderr may be logged (the server trace is on); default off. */
  showPluginStderr?: () => boolean;
  bundled?: ReadonlyMap<string, BundledProvider>;
  /** PATH used to look for `secretspec-provider-<scheme>`; defaults to `env.PATH`. */
  pathEnv?: string;
  /** SecretSpec 0.21's `providers.d` directories, so "not installed" can say when the CLI has the scheme claimed. */
  claimDirs?: readonly string[];
  /** Environment a plugin's minimal environment is picked from (a bundled provider gets all of it); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Receives log lines; every line is redacted before it gets here. */
  log?: (text: string) => void;
  timeouts?: Partial<HostTimeouts>;
  retry?: Partial<RetryPolicy>;
  breaker?: { threshold?: number; cooldownMs?: number; now?: () => number };
  platform?: NodeJS.Platform;
}

export interface SessionOptions extends StoreContext {
  reason?: string;
  /** Further session context (flat strings), sent in `hello`. */
  context?: Record<string, string>;
}

/** The plugin a URI resolves to, without starting it. */
export interface PluginInfo {
  scheme: string;
  source: Resolution['source'];
  /** The executable, for plugins that run as a process. */
  path?: string;
  label: string;
}

export const DEFAULT_TIMEOUTS: HostTimeouts = { helloMs: 10_000, requestMs: 10_000, batchGetMs: 30_000, shutdownGraceMs: 5_000, killGraceMs: 2_000 };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 100, maxDelayMs: 5_000 };

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    if (process.platform !== 'win32') accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function realpathOrSelf(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}

function folderPath(folder: string): string {
  if (!folder.startsWith('file:')) return folder;
  try {
    return decodeURIComponent(new URL(folder).pathname.replace(/^\/([A-Za-z]:)/, '$1'));
  } catch {
    return folder;
  }
}

function labelFor(resolution: Resolution): string {
  switch (resolution.source) {
    case 'settings':
      return `plugin ${executableName(resolution.scheme)} (${resolution.path}, from secretspec.plugins.${resolution.scheme}.path)`;
    case 'path':
      return `plugin ${executableName(resolution.scheme)} (${resolution.path})`;
    case 'bundled':
      return `bundled provider "${resolution.scheme}"`;
  }
}

/** The bundled providers and the draft-protocol plugins, as Stores. */
export class PluginHost implements Stores {
  private readonly redactor = new Redactor();
  private readonly breaker: CircuitBreaker;
  private readonly sessions = new Map<string, ProviderSession>();
  private readonly live = new Set<Transport>();
  /** Spawns in progress, so dispose() can wait for them instead of missing a process that is about to exist. */
  private readonly starting = new Set<Promise<unknown>>();
  /** Every plugin process started, so what each forked (even into a new session) is killed at dispose. */
  private readonly spawned = new Set<number>();
  private readonly timeouts: HostTimeouts;
  private readonly retry: RetryPolicy;
  private readonly env: NodeJS.ProcessEnv;
  private readonly platform: NodeJS.Platform;
  private disposed = false;

  constructor(private readonly options: PluginHostOptions) {
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.env = options.env ?? process.env;
    this.platform = options.platform ?? process.platform;
    this.breaker = new CircuitBreaker({ threshold: options.breaker?.threshold ?? 5, cooldownMs: options.breaker?.cooldownMs ?? 30_000, now: options.breaker?.now ?? Date.now });
  }

  get trusted(): boolean {
    return this.options.trusted;
  }

  /** Process ids of plugin processes that have not exited yet. */
  livePids(): number[] {
    return [...this.live].map((t) => t.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Scrubs remembered values and URI credentials from text, for callers that log plugin-related text themselves. */
  redact(text: string): string {
    return this.redactor.scrub(text);
  }

  /** Which plugin serves `uri`; throws invalid_request or plugin_not_installed. Starts nothing. */
  resolve(uri: string, configFile: string | null = null): PluginInfo {
    const { resolution } = this.lookup(uri, configFile);
    return { scheme: resolution.scheme, source: resolution.source, ...('path' in resolution ? { path: resolution.path } : {}), label: labelFor(resolution) };
  }

  /**
   * The session for `uri`, started and past `hello`. Sessions are shared per
   * (URI, configFile, context); a crashed one restarts on its next request.
   * Throws ProviderError: untrusted_workspace, invalid_request,
   * plugin_not_installed, circuit_open, timeout, plugin_crashed,
   * invalid_response, unsupported_version, or a kind the plugin answered.
   */
  async open(uri: string, options: SessionOptions): Promise<PluginSession> {
    if (this.disposed) throw new ProviderError('internal', 'the plugin host has been shut down');
    if (!this.options.trusted) {
      throw new ProviderError('untrusted_workspace', `${this.redactor.scrub(uri)} was not asked: provider plugins run only in a trusted workspace; trust this folder to check secrets`);
    }
    if (options.configFile !== null && !path.isAbsolute(options.configFile)) {
      throw new ProviderError('invalid_request', `the manifest path given to the plugin host must be absolute`);
    }
    const { resolution, setting } = this.lookup(uri, options.configFile);
    const context = { ...options.context };
    // An empty reason is no reason: a plugin that needs one would refuse the session.
    context.reason = options.reason || context.reason || `secretspec:${options.project}:${options.command}`;
    // A plugin's `reason` names the operation or, for a single-key one, the key (provider-protocol §hello), so its
    // sessions differ by context; a bundled provider reads no context, so one session per store serves every
    // operation instead of being started (and logged) again for each secret that is set.
    const key = JSON.stringify([uri, options.configFile, resolution.source === 'bundled' ? [] : Object.entries(context).sort(([a], [b]) => a.localeCompare(b))]);
    let session = this.sessions.get(key);
    if (!session) {
      session = this.createSession(uri, resolution, setting, options.configFile, context);
      this.sessions.set(key, session);
    }
    await session.open();
    return session;
  }

  /** Ends every session and waits until every process the host started has exited. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map((s) => s.close()));
    await Promise.allSettled([...this.starting]);
    await Promise.all([...this.live].map(async (t) => {
      await t.close();
      await t.ended;
    }));
    for (const pid of this.spawned) killDescendants(pid);
    this.spawned.clear();
  }

  private lookup(uri: string, configFile: string | null): { resolution: Resolution; setting: PluginSetting | undefined } {
    const scheme = providerScheme(uri);
    if (!scheme) {
      throw new ProviderError('invalid_request', `"${this.redactor.scrub(uri)}" is not a provider URI: it must start with a scheme such as onepassword:// (lowercase letters, digits, _ and -)`);
    }
    const lookup = pluginSetting(this.options.settings, scheme);
    if (!lookup.ok) throw new ProviderError('plugin_not_installed', `no plugin for provider scheme "${scheme}": ${lookup.message}`);
    const found = discover({
      scheme,
      setting: lookup.setting,
      bundled: new Set(this.options.bundled?.keys() ?? []),
      pathEnv: this.options.pathEnv ?? this.env.PATH,
      workspaceFolders: this.workspaceFolders(configFile),
      platform: this.platform,
      fs: { isExecutableFile, realpath: realpathOrSelf, exists: existsSync },
      ...(this.options.claimDirs ? { claimDirs: this.options.claimDirs } : {}),
    });
    if (!found.ok) throw new ProviderError('plugin_not_installed', found.message);
    return { resolution: found.resolution, setting: lookup.setting };
  }

  private workspaceFolders(configFile: string | null): string[] {
    const given = this.options.workspaceFolders;
    const folders = (typeof given === 'function' ? given() : (given ?? [])).map(folderPath);
    return configFile !== null && path.isAbsolute(configFile) ? [...folders, path.dirname(configFile)] : folders;
  }

  private createSession(uri: string, resolution: Resolution, setting: PluginSetting | undefined, configFile: string | null, context: Record<string, string>): ProviderSession {
    const label = labelFor(resolution);
    this.redactor.rememberUriCredentials(uri);
    const log = (text: string): void => this.options.log?.(this.redactor.scrub(text));
    const env = pluginEnvironment({ base: this.env, uri, configFile, extra: setting?.env ?? {}, platform: this.platform, inherit: resolution.source === 'bundled' });
    const startTransport = (): Promise<Transport> => {
      const started = spawn();
      this.starting.add(started);
      void started.catch(() => undefined).finally(() => this.starting.delete(started));
      return started;
    };
    const spawn = async (): Promise<Transport> => {
      if (this.disposed) throw new ProviderError('internal', 'the plugin host has been shut down');
      let transport: Transport;
      if (resolution.source === 'bundled') {
        const provider = this.options.bundled?.get(resolution.scheme);
        if (!provider) throw new ProviderError('plugin_not_installed', `${label} is no longer available`);
        transport = new InProcessTransport({ provider, env, label, redactor: this.redactor });
      } else {
        transport = await StdioTransport.start({
          file: resolution.path,
          env,
          cwd: configFile ? path.dirname(configFile) : os.homedir(),
          label,
          settingsKey: `secretspec.plugins.${resolution.scheme}`,
          redactor: this.redactor,
          log,
          shutdownGraceMs: this.timeouts.shutdownGraceMs,
          killGraceMs: this.timeouts.killGraceMs,
          showStderr: this.options.showPluginStderr ?? (() => false),
        });
        if (transport.pid !== undefined) this.spawned.add(transport.pid);
      }
      this.live.add(transport);
      void transport.ended.then(() => this.live.delete(transport));
      if (this.disposed) {
        await transport.close();
        throw new ProviderError('internal', 'the plugin host has been shut down');
      }
      return transport;
    };
    return new ProviderSession({
      uri,
      label,
      pluginKey: resolution.source === 'bundled' ? `bundled:${resolution.scheme}` : `exec:${resolution.path}`,
      scheme: resolution.scheme,
      hello: { op: 'hello', protocol_version: PROTOCOL_VERSION, uri, config_file: configFile, context },
      setting,
      startTransport,
      timeouts: this.timeouts,
      retry: this.retry,
      breaker: this.breaker,
      redactor: this.redactor,
      log,
    });
  }
}

export type { PluginSession } from './session';
export type { PluginSettings } from './settings';
