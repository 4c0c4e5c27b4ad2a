// The connection: wiring, settings, document lifecycle and scheduling.
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createConnection,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { InitializationOptions } from '../../protocol/src';
import { analyze, type Analysis } from './features/diagnostics';
import { registerEditingFeatures } from './features/editing';
import { EngineService } from './features/engine';
import { registerMutations } from './features/mutations';
import { registerOutline } from './features/outline';
import { PresenceService, registerPresence } from './features/presence';
import { ValidationScheduler } from './features/scheduler';
import { userConfigDiagnostics } from './features/userConfigDocument';
import { isManifestUri } from './manifest/documents';
import { claimDirectories } from './plugins/discovery';
import type { RuleEnvironment } from './rules';
import { userConfigPath } from './userConfig/locate';
import { parseUserConfig, type UserConfig } from './userConfig/parse';
import { UserConfigSource } from './userConfig/source';
import type { ServerContext } from './context';

export function startServer(): Connection {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, { version: number; analysis: Analysis }>();
  let options: InitializationOptions = {};
  let workspaceFolders: string[] = [];
  let watchRegistration = false;
  let editingCapabilities: ServerCapabilities = {};

  let presence: PresenceService | undefined;
  const engine = new EngineService({ connection, trusted: () => options.trusted === true, workspaceFolders: () => workspaceFolders });
  // The server reads the config of the user it runs as: the client starts it with the user's environment.
  const userConfig = new UserConfigSource({
    path: userConfigPath({ env: process.env, platform: process.platform, homedir: homedir() }),
    alsoWatch: claimDirectories(process.env, process.platform),
    onChange: userConfigChanged,
  });
  const ruleEnvironment = (): RuleEnvironment => {
    const userAliases = userConfig.current()?.aliases;
    return {
      engine: engine.current.version,
      ...(presence ? { pluginInstalled: (scheme: string) => presence!.pluginInstalled(scheme) } : {}),
      ...(userAliases?.size ? { userAliases } : {}),
    };
  };
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
    presence?.userConfigChanged();
    revalidateAll();
    for (const doc of documents.all()) {
      if (isManifestUri(doc.uri)) recheck(doc.uri);
      else publishUserConfig(doc.uri);
    }
  }
  function revalidateAll(): void {
    for (const uri of analyses.keys()) {
      analyses.delete(uri);
      scheduler.request(uri);
    }
  }

  async function publish(uri: string): Promise<void> {
    const entry = analyses.get(uri);
    const doc = documents.get(uri);
    if (!entry || !doc || entry.version !== doc.version) return;
    await connection.sendDiagnostics({ uri, version: entry.version, diagnostics: [...entry.analysis.diagnostics, ...(presence?.diagnosticsFor(uri) ?? [])] });
  }

  function recheck(uri: string): void {
    if (!presence || options.trusted !== true) return;
    presence.check({ textDocument: { uri } }).catch((err: unknown) => connection.console.log(`check of ${uri} failed: ${err instanceof Error ? err.message : String(err)}`));
  }

  const pathOf = (uri: string) => (uri.startsWith('file:') ? fileURLToPath(uri) : null);

  async function analysisFor(uri: string): Promise<Analysis | undefined> {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = analyses.get(uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    const analysis = await analyze(doc.getText(), pathOf(uri), ruleEnvironment());
    if (documents.get(uri)?.version === doc.version) analyses.set(uri, { version: doc.version, analysis });
    return analysis;
  }

  const scheduler = new ValidationScheduler(async (uri) => {
    const doc = documents.get(uri);
    if (!doc) return;
    const version = doc.version;
    const analysis = await analyze(doc.getText(), pathOf(uri), ruleEnvironment());
    // Stale work is dropped: a newer version will publish its own result.
    if (documents.get(uri)?.version !== version) return;
    analyses.set(uri, { version, analysis });
    await publish(uri);
  });

  /** Re-validate open manifests that extend `path`. */
  function revalidateChildrenOf(path: string): void {
    for (const [uri, { analysis }] of analyses) {
      if (analysis.load.parents.includes(path)) {
        analyses.delete(uri);
        scheduler.request(uri);
      }
    }
  }

  connection.onInitialize((params: InitializeParams) => {
    options = (params.initializationOptions ?? {}) as InitializationOptions;
    workspaceFolders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    if (!workspaceFolders.length && params.rootUri?.startsWith('file:')) workspaceFolders = [fileURLToPath(params.rootUri)];
    watchRegistration = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        ...editingCapabilities,
      },
      serverInfo: { name: 'secretspec-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    userConfig.watch();
    void presence?.updateSettings();
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
      if (path.endsWith('.toml')) revalidateChildrenOf(path);
      if (/(^|[\\/])\.env[^\\/]*$/.test(path)) {
        for (const uri of analyses.keys()) if (PresenceService.manifestDir(uri) === dirname(path)) recheck(uri);
      }
    }
  });

  connection.onDidChangeConfiguration(async () => {
    await Promise.all([presence?.updateSettings(), engine.refresh()]);
    revalidateAll();
  });

  connection.onShutdown(async () => {
    userConfig.dispose();
    await presence?.dispose();
  });
  // Whatever way the server ends, no plugin process outlives it.
  process.on('exit', () => {
    for (const pid of presence?.livePids() ?? []) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  });

  documents.onDidOpen((e) => {
    if (!isManifestUri(e.document.uri)) return;
    scheduler.request(e.document.uri);
    recheck(e.document.uri);
  });
  documents.onDidChangeContent((e) => {
    if (isManifestUri(e.document.uri)) scheduler.request(e.document.uri);
    // Also on open: the user config document gets its diagnostics at once, it is small.
    else publishUserConfig(e.document.uri);
  });
  documents.onDidSave((e) => {
    const path = pathOf(e.document.uri);
    if (path) revalidateChildrenOf(path);
    if (isManifestUri(e.document.uri) && presence?.checkOnSave) recheck(e.document.uri);
  });
  documents.onDidClose((e) => {
    if (isUserConfigUri(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    if (!isManifestUri(e.document.uri)) return;
    analyses.delete(e.document.uri);
    presence?.forget(e.document.uri);
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
    analysisFor,
    ruleEnvironment,
    pluginCapabilities: (scheme) => presence?.capabilitiesOf(scheme),
    engine: () => engine.current,
    userConfig: () => userConfig.current(),
    userConfigDocument,
  };
  presence = new PresenceService(context, (uri) => void publish(uri));
  registerPresence(context, presence);
  registerMutations(context, presence);
  registerOutline(context);
  editingCapabilities = registerEditingFeatures(context);

  documents.listen(connection);
  connection.listen();
  return connection;
}
