// Starts, stops and restarts the SecretSpec language server. Every operation
// goes through one queue so a restart never races a start, and restarts asked
// for while one is still waiting are merged into it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type CancellationToken, type LanguageClientOptions, type MessageSignature, type ServerOptions } from 'vscode-languageclient/node';
import {
  DidChangeEngineNotification,
  DidChangePresenceNotification,
  type DidChangeEngineParams,
  type DidChangePresenceParams,
  type InitializationOptions,
} from '../../protocol/src/index';
import { SETTINGS_SECTION, settingsForServer } from './settings';

const CLIENT_ID = 'secretspec';
const CLIENT_NAME = 'SecretSpec';

/** Which documents the server sees: any file named secretspec.toml, whatever language mode it is in. */
// The user's SecretSpec config (`~/.config/secretspec/config.toml`; `secretspec\config\config.toml` under %APPDATA%)
// is synced too: the server gives it diagnostics, completion and hover when it is the file the CLI reads.
const DOCUMENT_SELECTOR = [
  { scheme: 'file', pattern: '**/secretspec.toml' },
  { language: 'secretspec' },
  { scheme: 'file', pattern: '**/secretspec/config.toml' },
  { scheme: 'file', pattern: '**/secretspec/config/config.toml' },
];

/**
 * A language feature VS Code asks for just as the client stops (a window
 * reload, a restart) can pass the client's running check and then find the
 * connection gone; vscode-languageclient reports that as a failure, which VS
 * Code logs as "provider FAILED". With the client no longer running there is
 * nothing to report: the feature answers empty, as it does for a request
 * rejected while stopping.
 */
class SecretSpecLanguageClient extends LanguageClient {
  override handleFailedRequest<T>(type: MessageSignature, token: CancellationToken | undefined, error: unknown, defaultValue: T, showNotification?: boolean): T {
    if (this.state !== State.Running) return defaultValue;
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification);
  }
}

export class ServerController implements vscode.Disposable {
  private current: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private waitingRestart: Promise<void> | undefined;
  private trustedAtStart = false;
  /** Set by shutdown(): from then on nothing starts a server, whatever still asks for one. */
  private closing = false;
  private readonly presenceChanged = new vscode.EventEmitter<string>();
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  private readonly engineChanged = new vscode.EventEmitter<DidChangeEngineParams>();
  /** The SecretSpec release the server checks manifests against, whenever it learns it. */
  readonly onDidChangeEngine = this.engineChanged.event;
  /** A manifest URI whose presence results may have changed (server notification). */
  readonly onDidChangePresence = this.presenceChanged.event;
  /** A (re)started client is ready for requests. */
  readonly onDidStart = this.started.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    /** Already redacting: the protocol trace goes here too. Disposed by this controller, after the server stopped. */
    private readonly output: vscode.LogOutputChannel,
    private readonly activeProfile: () => string | undefined,
  ) {}

  /** Whether the running server was told the workspace is trusted (it reads trust once, at initialize). */
  get startedTrusted(): boolean {
    return this.trustedAtStart;
  }

  /** The running client, for features that send custom requests; undefined while stopped. */
  get client(): LanguageClient | undefined {
    return this.current;
  }

  start(): Promise<void> {
    return this.enqueue(() => this.startClient());
  }

  restart(): Promise<void> {
    if (this.waitingRestart) return this.waitingRestart;
    const run = this.enqueue(async () => {
      // From here on a new request must queue its own restart: state it depends on (trust) may change while this one runs.
      this.waitingRestart = undefined;
      await this.stopClient();
      await this.startClient();
    });
    this.waitingRestart = run;
    return run;
  }

  /**
   * Stops the server for good (deactivate, window reload). A view refresh or
   * request still in flight would otherwise start a new server in an
   * extension host that is going away, and the language features it
   * registers would fail there ("Starting server failed", "provider FAILED").
   */
  shutdown(): Promise<void> {
    this.closing = true;
    return this.enqueue(() => this.stopClient());
  }

  /**
   * Shuts the server down, then closes the output channel. VS Code disposes
   * an extension's subscriptions right after calling deactivate(), without
   * waiting: a channel closed then would make every line the stopping client
   * still logs throw "Channel has been closed".
   */
  dispose(): void {
    void this.shutdown().finally(() => {
      this.output.dispose();
      this.presenceChanged.dispose();
      this.started.dispose();
      this.engineChanged.dispose();
    });
  }

  /** Sends a custom request, starting the server first if it is not running. */
  async request<R>(method: string, params: object): Promise<R> {
    if (!this.current) await this.start();
    await this.queue;
    const client = this.current;
    if (!client) throw new Error(this.closing ? 'the SecretSpec language server is shutting down' : 'the SecretSpec language server is not running; see SecretSpec: Show Output');
    return client.sendRequest<R>(method, params);
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async startClient(): Promise<void> {
    if (this.current || this.closing) return;
    const serverModule = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = { module: serverModule, transport: TransportKind.stdio };
    const profile = this.activeProfile();
    const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted, ...(profile ? { profile } : {}) };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      initializationOptions,
      outputChannel: this.output,
      traceOutputChannel: this.output,
      // The server pulls `secretspec` with workspace/configuration; this tells it when to pull again.
      synchronize: { configurationSection: SETTINGS_SECTION },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) return answers;
            return params.items.map((item, i) =>
              item.section === SETTINGS_SECTION ? settingsForServer(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answers[i],
            );
          },
        },
      },
    };
    const client = new SecretSpecLanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.current = client;
    this.trustedAtStart = initializationOptions.trusted === true;
    this.output.info(`Starting the language server (${initializationOptions.trusted ? 'trusted' : 'restricted'} workspace)`);
    try {
      await client.start();
      const info = client.initializeResult?.serverInfo;
      this.output.info(`The language server is running: ${info ? `${info.name} ${info.version ?? '(no version)'}` : 'it did not say its name and version'}`);
      client.onNotification(DidChangePresenceNotification, (params: DidChangePresenceParams) => this.presenceChanged.fire(params.textDocument.uri));
      client.onNotification(DidChangeEngineNotification, (params: DidChangeEngineParams) => {
        this.output.info(`Manifests are checked against SecretSpec ${params.version}${params.cli ? ` (${params.cli})` : ` (${params.reason ?? 'no CLI'})`}`);
        this.engineChanged.fire(params);
      });
      this.started.fire(client);
    } catch (err) {
      this.current = undefined;
      await client.dispose().catch(() => undefined);
      throw err;
    }
  }

  private async stopClient(): Promise<void> {
    const client = this.current;
    if (!client) return;
    this.current = undefined;
    this.output.info('Stopping the language server');
    try {
      await client.stop();
    } catch (err) {
      // A server that already died cannot be stopped politely; disposing still frees the client.
      this.output.warn(`The language server did not stop cleanly: ${errorMessage(err)}`);
    }
    await client.dispose().catch(() => undefined);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
