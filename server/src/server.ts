// The connection: wiring, settings, document lifecycle and scheduling.
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CancellationTokenSource,
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  SetTraceNotification,
  Trace,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CredentialRequest, DidChangePresenceNotification, type InitializationOptions } from '../../protocol/src';
import { version } from '../../package.json';
import { credentialBroker } from './endpoints/credentials';
import { Analyses } from './analyses';
import type { Routing } from './check/route';
import { toDiagnostic } from './features/diagnostics';
import { registerDeclare } from './features/declare';
import { registerEditingFeatures } from './features/editing';
import { EngineService } from './features/engine';
import { registerMutations } from './features/mutations';
import { registerOutline } from './features/outline';
import { registerPresence } from './features/presence';
import { claimedSchemes, pluginSchemesOnPath } from './features/workspaceScan';
import { parsedAnalysis } from './features/requestParams';
import { ValidationScheduler } from './features/scheduler';
import { userConfigDiagnostics } from './features/userConfigDocument';
import { isManifestUri } from './manifest/documents';
import type { MergedManifest } from './manifest/model';
import { claimDirectories } from './plugins/discovery';
import { PluginStores } from './plugins/stores';
import { PresenceChecks } from './presence';
import { isBuiltinScheme } from './providers/registry';
import { reanchored } from './check/warnings';
import { analyze, diskReaderFor } from './manifest/analysis';
import { insideAny } from './manifest/inside';
import { rulesFor, type RuleEnvironment } from './rules';
import { userConfigPath } from './userConfig/locate';
import { parseUserConfig, type UserConfig } from './userConfig/parse';
import { SettingsSource } from './settings';
import { providerOverride, withUserAliases } from './userConfig/defaults';
import { UserConfigSource } from './userConfig/source';
import type { ServerContext } from './context';

export function startServer(): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  let options: InitializationOptions = {};
  let workspaceFolders: string[] = [];
  /** The client's trace level (`secretspec.trace.server`): plugins' stderr is logged only when it is on. */
  let trace: Trace = Trace.Off;
  /**
   * Where a cloned repository could plant an executable: the workspace folders
   * and, since a manifest may be open with no folder or outside every folder,
   * the folder of each open manifest. PATH entries there are never searched
   * for plugins or the secretspec CLI.
   */
  /** Folders of manifests opened so far, so the CLI is looked up again when one outside the workspace folders first opens. */
  const manifestDirsSeen = new Set<string>();
  const workspaceRoots = (): string[] => {
    const manifestDirs = documents.keys().filter(isManifestUri).map(manifestDir).filter((d): d is string => d !== undefined);
    return [...new Set([...workspaceFolders, ...manifestDirs])];
  };
  let watchRegistration = false;
  let folderChanges = false;
  let editingCapabilities: ServerCapabilities = {};
  const trusted = () => options.trusted === true;
  const log = (line: string) => connection.console.log(line);

  const settings = new SettingsSource(connection);
  const engine = new EngineService({
    connection,
    trusted,
    workspaceFolders: workspaceRoots,
    cliPath: async () => (await settings.forResource()).cli?.path,
    cliTimeoutMs: async () => (await settings.forResource()).cli?.timeoutMs,
    log,
    callerVersion: version,
  });
  const claimDirs = claimDirectories(process.env, process.platform);
  const stores = new PluginStores({
    trusted,
    workspaceFolders: workspaceRoots,
    showPluginStderr: () => trace !== Trace.Off,
    claimDirs,
    credentials: (request, signal) => endpointCredentials(request, signal),
    client: { name: 'secretspec-language-server', version },
    log,
  });
  // The server reads the config of the user it runs as: the client starts it with the user's environment.
  const userConfig = new UserConfigSource({
    path: userConfigPath({ env: process.env, platform: process.platform, homedir: homedir() }),
    alsoWatch: claimDirs,
    onChange: userConfigChanged,
  });
  const ruleEnvironment = (): RuleEnvironment => {
    const userAliases = userConfig.current()?.aliases;
    return {
      engine: engine.current.version,
      pluginInstalled: (scheme: string) => stores.installed(scheme),
      installedSchemes: () => [...pluginSchemesOnPath(process.env['PATH'], workspaceRoots()), ...claimedSchemes(claimDirs)],
      ...(userAliases?.size ? { userAliases } : {}),
    };
  };
  const pathOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : null);
  // An endpoint's `client.credential`: the alias's source, else the editor (never logged).
  const endpointCredentials = credentialBroker({
    stores,
    aliases: async (configFile) => {
      const uri = configFile === null ? undefined : analyses.uris().find((u) => pathOf(u) === configFile);
      const manifest = uri ? await parsedAnalysis((u) => analyses.get(u), uri).then((p) => p.manifest, () => undefined) : undefined;
      return manifest ? withUserAliases(manifest, userConfig.current()?.aliases).providers : userConfig.current()?.aliases;
    },
    ask: (params, signal) => {
      const cancel = new CancellationTokenSource();
      signal.addEventListener('abort', () => cancel.cancel(), { once: true });
      return connection.sendRequest(CredentialRequest, params, cancel.token).finally(() => cancel.dispose());
    },
  });
  // What a manifest may make the server read (README "What a manifest may make the server read"):
  // in a trusted workspace any regular file; otherwise only files inside its folders, or with no folder open inside the manifest's own folder.
  const manifestReader = (manifest: string | null) =>
    diskReaderFor((path) => trusted() || insideAny(path, workspaceFolders.length ? workspaceFolders : manifest ? [dirname(manifest)] : []));
  const analyses = new Analyses(
    (uri) => {
      const doc = documents.get(uri);
      return doc && { version: doc.version, text: doc.getText(), path: pathOf(uri) };
    },
    (text, path, parser) => analyze(text, path, manifestReader(path), rulesFor(ruleEnvironment()), parser),
  );

  /** The settings for `uri`, then the user config (the CLI's order), decide where a secret without a chain goes. */
  async function routing(uri: string, manifest: MergedManifest): Promise<Routing> {
    const config = userConfig.current();
    const defaultProvider = (await settings.forResource(uri)).defaultProvider ?? config?.provider?.value;
    const override = providerOverride(process.env);
    return { manifest: withUserAliases(manifest, config?.aliases), ...(defaultProvider ? { defaultProvider } : {}), ...(override ? { override } : {}) };
  }

  /** A store no plugin serves goes to the user's CLI when SecretSpec knows its scheme: built in, or named by a claim. */
  function delegable(uri: string): boolean {
    const scheme = uri.slice(0, Math.max(0, uri.indexOf(':')));
    return isBuiltinScheme(scheme) || stores.installed(scheme);
  }

  const presence = new PresenceChecks({
    parsed: (uri) => parsedAnalysis((u) => analyses.get(u), uri),
    routing,
    stores,
    trusted,
    warningsChanged: (uri) => void publish(uri),
    announce: (uri) => void connection.sendNotification(DidChangePresenceNotification, { textDocument: { uri } }),
    log,
    cli: () => engine.bridge(),
    cliMissing: () => engine.current.reason ?? 'no secretspec CLI',
    delegable,
    userConfigText: () => userConfig.currentText(),
  });

  const isUserConfigUri = (uri: string): boolean => uri.startsWith('file:') && resolve(fileURLToPath(uri)) === userConfig.path;
  function userConfigDocument(uri: string): UserConfig | undefined {
    const doc = isUserConfigUri(uri) ? documents.get(uri) : undefined;
    return doc ? parseUserConfig(doc.getText(), userConfig.path) : undefined;
  }
  function publishUserConfig(uri: string): void {
    const config = userConfigDocument(uri);
    if (config) void connection.sendDiagnostics({ uri, version: documents.get(uri)!.version, diagnostics: userConfigDiagnostics(config, ruleEnvironment()) });
  }
  /** Aliases, default provider and profile, or claimed providers changed: every verdict that used them is redone. */
  function userConfigChanged(): void {
    presence.invalidate();
    revalidateAll();
    for (const doc of documents.all()) {
      if (isManifestUri(doc.uri)) presence.recheck(doc.uri, 'changed');
      else publishUserConfig(doc.uri);
    }
  }
  function revalidateAll(): void {
    for (const uri of analyses.invalidateAll()) scheduler.request(uri);
  }

  /** Publishes the diagnostics of the document's current version, once its analysis exists. */
  async function publish(uri: string): Promise<void> {
    const version = documents.get(uri)?.version;
    const analysis = await analyses.current(uri);
    if (!analysis || version === undefined || documents.get(uri)?.version !== version) return;
    // A text that does not parse has no secrets to be missing: presence warnings wait until it parses again, as checks do.
    const parses = analysis.load.merged !== undefined && analysis.validation.profiles !== undefined;
    const problems = [...analysis.validation.problems, ...(parses ? reanchored(presence.warningsFor(uri), analysis.load.root.map) : [])];
    await connection.sendDiagnostics({ uri, version, diagnostics: problems.map((p) => toDiagnostic(p, analysis.load)) });
  }

  // Stale work is dropped by publish: a newer version publishes its own result.
  const scheduler = new ValidationScheduler(async (uri) => {
    await analyses.get(uri);
    await publish(uri);
  });

  /** Re-validate open manifests that extend `path`. */
  async function revalidateChildrenOf(path: string): Promise<void> {
    for (const uri of await analyses.invalidateDependents(path)) scheduler.request(uri);
  }

  /** Settings are read again; the plugin host changes only when the settings that shape it did. */
  function configureStores(): Promise<void> {
    return stores.configure(settings.forResource(), () => presence.idle());
  }

  connection.onInitialize((params: InitializeParams) => {
    options = (params.initializationOptions ?? {}) as InitializationOptions;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    if (!workspaceFolders.length && params.rootUri?.startsWith('file:')) workspaceFolders = [fileURLToPath(params.rootUri)];
    // A client that knows only the deprecated rootPath still names a workspace.
    if (!workspaceFolders.length && params.rootPath) workspaceFolders = [resolve(params.rootPath)];
    trace = Trace.fromString(params.trace ?? 'off');
    folderChanges = !!params.capabilities.workspace?.workspaceFolders;
    watchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        ...(folderChanges ? { workspace: { workspaceFolders: { supported: true, changeNotifications: true } } } : {}),
        ...editingCapabilities,
      },
      serverInfo: { name: 'secretspec-language-server', version },
    };
  });

  connection.onInitialized(() => {
    if (folderChanges) {
      // A folder added later is workspace too: its PATH entries stop being searched from the next lookup on.
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => fileURLToPath(f.uri)));
        workspaceFolders = [...workspaceFolders.filter((f) => !removed.has(f)), ...event.added.map((f) => fileURLToPath(f.uri))];
        void engine.refresh().then((changed) => changed && revalidateAll());
      });
    }
    userConfig.watch();
    void configureStores();
    void engine.refresh().then((changed) => changed && revalidateAll());
    if (watchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.toml' }, { globPattern: '**/.env*' }],
      });
    }
  });

  connection.onDidChangeWatchedFiles((params) => {
    for (const change of params.changes) {
      if (!change.uri.startsWith('file:')) continue;
      const path = fileURLToPath(change.uri);
      if (path.endsWith('.toml')) void revalidateChildrenOf(path);
      if (/(^|[\\/])\.env[^\\/]*$/.test(path)) {
        for (const uri of analyses.uris()) if (manifestDir(uri) === dirname(path)) presence.recheck(uri, 'changed');
      }
    }
  });

  connection.onDidChangeConfiguration(async () => {
    // Before the first await: a request that arrives after this notification uses the new settings.
    settings.changed();
    presence.invalidate();
    await Promise.all([configureStores(), engine.refresh()]);
    revalidateAll();
  });

  // Replaces the library's own handler, which only feeds connection.tracer, unused by this server.
  connection.onNotification(SetTraceNotification.type, (params) => {
    trace = Trace.fromString(params.value);
  });

  connection.onShutdown(async () => {
    userConfig.dispose();
    await stores.dispose();
  });
  // Whatever way the server ends, no plugin process outlives it.
  process.on('exit', () => {
    for (const pid of stores.livePids()) {
      // Plugins and endpoints lead their own process group: the group goes with them.
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  });

  documents.onDidOpen((e) => {
    if (!isManifestUri(e.document.uri)) return;
    // A manifest's folder counts as workspace: a CLI found before it opened may be one planted beside it.
    const dir = manifestDir(e.document.uri);
    if (dir !== undefined && !manifestDirsSeen.has(dir)) {
      manifestDirsSeen.add(dir);
      if (!insideAny(dir, workspaceFolders)) void engine.refresh().then((changed) => changed && revalidateAll());
    }
    scheduler.request(e.document.uri);
    presence.allowCli(e.document.uri, e.document.getText());
    presence.recheck(e.document.uri, 'opened');
  });
  documents.onDidChangeContent((e) => {
    if (isManifestUri(e.document.uri)) scheduler.request(e.document.uri);
    // Also on open: the user config document gets its diagnostics at once, it is small.
    else publishUserConfig(e.document.uri);
  });
  documents.onDidSave(async (e) => {
    const path = pathOf(e.document.uri);
    if (path) void revalidateChildrenOf(path);
    if (!isManifestUri(e.document.uri)) return;
    const saved = await settings.forResource(e.document.uri);
    if (saved.cli?.checkOnSave) presence.allowCli(e.document.uri, e.document.getText());
    if (saved.checkOnSave || saved.cli?.checkOnSave) presence.recheck(e.document.uri, 'changed');
  });
  documents.onDidClose((e) => {
    if (isUserConfigUri(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    if (!isManifestUri(e.document.uri)) return;
    analyses.forget(e.document.uri);
    presence.forget(e.document.uri);
    scheduler.forget(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const context: ServerContext = {
    connection,
    documents,
    get options() {
      return options;
    },
    get workspaceFolders() {
      return workspaceFolders;
    },
    analysisFor: (uri) => analyses.get(uri),
    lastCompleteAnalysis: (uri) => analyses.lastComplete(uri),
    ruleEnvironment,
    settings,
    stores,
    presence,
    routing,
    engine: () => engine.current,
    cli: () => {
      const bridge = engine.bridge();
      return bridge && { bridge, delegable, userConfigText: () => userConfig.currentText() };
    },
    userConfig: () => userConfig.current(),
    userConfigDocument,
  };
  registerPresence(context);
  registerMutations(context);
  registerOutline(context);
  registerDeclare(context);
  editingCapabilities = registerEditingFeatures(context);

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** The directory whose `.env*` files can change presence for `uri`. */
function manifestDir(uri: string): string | undefined {
  return uri.startsWith('file:') ? dirname(fileURLToPath(uri)) : undefined;
}
