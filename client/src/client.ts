// Starts, stops and restarts the SecretSpec language server. Every operation
// goes through one queue so a restart never races a start, and restarts asked
// for while one is still waiting are merged into it.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { InitializationOptions } from '../../protocol/src/index';

const CLIENT_ID = 'secretspec';
const CLIENT_NAME = 'SecretSpec';

/** Which documents the server sees: any file named secretspec.toml, whatever language mode it is in. */
const DOCUMENT_SELECTOR = [{ scheme: 'file', pattern: '**/secretspec.toml' }, { language: 'secretspec' }];

export class ServerController implements vscode.Disposable {
  private current: LanguageClient | undefined;
  private queue: Promise<void> = Promise.resolve();
  private waitingRestart: Promise<void> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {}

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

  stop(): Promise<void> {
    return this.enqueue(() => this.stopClient());
  }

  dispose(): void {
    void this.stop();
  }

  private enqueue(operation: () => Promise<void>): Promise<void> {
    const run = this.queue.then(operation);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async startClient(): Promise<void> {
    if (this.current) return;
    const serverModule = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = { module: serverModule, transport: TransportKind.stdio };
    const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      initializationOptions,
      outputChannel: this.output,
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.current = client;
    this.output.info(`Starting the language server (${initializationOptions.trusted ? 'trusted' : 'restricted'} workspace)`);
    try {
      await client.start();
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
