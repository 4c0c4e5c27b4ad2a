// A real JSON-RPC client that starts the built language server as a child
// process and talks LSP to it over stdio, as an editor would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export const ROOT = join(__dirname, '..', '..');
export const SERVER = join(ROOT, 'dist', 'server.js');

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
  data?: unknown;
}

export interface StartOptions {
  initializationOptions?: Record<string, unknown>;
  /** Answers to workspace/configuration, per section; null by default. */
  settings?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  rootUri?: string;
  /** The deprecated rootPath, sent instead of (or besides) rootUri. */
  rootPath?: string;
  /** Workspace folders (file URIs) at initialize; with this set the client also says it sends workspace/didChangeWorkspaceFolders. */
  workspaceFolders?: string[];
  /** The client's trace setting at initialize (`secretspec.trace.server`). */
  trace?: 'off' | 'messages' | 'verbose';
}

export class LspClient {
  readonly connection: MessageConnection;
  readonly stderr: string[] = [];
  /** Every raw byte the server wrote on stdout, for leak checks. */
  readonly traffic: string[] = [];
  private readonly diagnostics = new Map<string, { version?: number; diagnostics: Diagnostic[] }>();
  private readonly waiters: Array<() => void> = [];
  private exitCode: number | null | undefined;
  private versions = new Map<string, number>();

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (b: Buffer) => this.traffic.push(b.toString('utf8')));
    child.stderr.on('data', (b: Buffer) => this.stderr.push(b.toString('utf8')));
    child.on('exit', (code) => {
      this.exitCode = code;
      this.wake();
    });
    this.connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics });
      this.wake();
    });
    this.connection.listen();
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run npm run build first`);
    const child = spawn(process.execPath, [SERVER, '--stdio'], { env: options.env ?? process.env, stdio: 'pipe' });
    const client = new LspClient(child);
    client.connection.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
      p.items.map((i) => (i.section && options.settings ? (options.settings[i.section] ?? null) : null)),
    );
    client.connection.onRequest('client/registerCapability', () => null);
    client.connection.onRequest('window/workDoneProgress/create', () => null);
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: options.rootUri ?? null,
      ...(options.rootPath !== undefined ? { rootPath: options.rootPath } : {}),
      ...(options.workspaceFolders ? { workspaceFolders: options.workspaceFolders.map((uri) => ({ uri, name: uri })) } : {}),
      ...(options.trace ? { trace: options.trace } : {}),
      capabilities: {
        workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true }, ...(options.workspaceFolders ? { workspaceFolders: true } : {}) },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
      },
      initializationOptions: options.initializationOptions ?? {},
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  get exited(): boolean {
    return this.exitCode !== undefined;
  }

  open(path: string, text: string, languageId = 'secretspec'): string {
    const uri = pathToFileURL(path).href;
    this.versions.set(uri, 1);
    this.diagnostics.delete(uri);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  close(uri: string): void {
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** Resolves with the first diagnostics published for `uri` at or after `version` (any version when omitted). */
  async waitForDiagnostics(uri: string, options: { version?: number; timeoutMs?: number } = {}): Promise<Diagnostic[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const got = this.diagnostics.get(uri);
      if (got && (options.version === undefined || got.version === undefined || got.version >= options.version)) {
        return got.diagnostics;
      }
      if (this.exited) throw new Error(`server exited (code ${this.exitCode}) before publishing for ${uri}\n${this.stderr.join('')}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no diagnostics for ${uri} within the timeout`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Open a document and wait for its first diagnostics. */
  async diagnose(path: string, text: string, languageId = 'secretspec'): Promise<Diagnostic[]> {
    const uri = this.open(path, text, languageId);
    return this.waitForDiagnostics(uri);
  }

  clearDiagnostics(uri: string): void {
    this.diagnostics.delete(uri);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        void this.connection.sendNotification('exit');
      } catch {
        // The server may already be gone; the kill below settles it.
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.child.kill('SIGKILL');
          resolve();
        }, 3000);
        this.child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        if (this.exited) {
          clearTimeout(t);
          resolve();
        }
      });
    }
    this.connection.dispose();
  }
}
