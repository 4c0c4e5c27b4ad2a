// Other TOML language servers, measured the way ours is: one LSP client over
// stdio, didOpen → the document's diagnostics (pushed, or pulled when the
// server only offers textDocument/diagnostic). The peers come from the npm
// registry, installed on first use into a cache outside the clone; a peer
// that cannot be installed or started is skipped with the reason.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

const TAPLO = '@taplo/lsp@0.8.0';
const TOMBI = 'tombi@0.11.7';
export const PEER_DIR = join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'secretspec-vscode', 'bench-peers');

export interface PeerCommand {
  name: string;
  command: string;
  args: string[];
  languageId: string;
}

/** The peers that could be installed, and a reason for each that could not. */
export function installPeers(): { peers: PeerCommand[]; skipped: string[] } {
  const peers: PeerCommand[] = [];
  const skipped: string[] = [];
  const taploEntry = join(PEER_DIR, 'node_modules', '@taplo', 'lsp', 'dist', 'index.js');
  const tombiBin = join(PEER_DIR, 'node_modules', '@tombi-toml', `cli-${process.platform}-${process.arch}`, process.platform === 'win32' ? 'tombi.exe' : 'tombi');
  if (!existsSync(taploEntry) || !existsSync(tombiBin)) {
    mkdirSync(PEER_DIR, { recursive: true });
    console.log(`installing ${TAPLO} and ${TOMBI} into ${PEER_DIR} (npm install --prefix, first run only)`);
    const npm = spawnSync('npm', ['install', '--prefix', PEER_DIR, '--no-audit', '--no-fund', '--no-save', TAPLO, TOMBI], { encoding: 'utf8', timeout: 300_000 });
    if (npm.status !== 0) console.log(`  npm install failed: ${(npm.stderr || npm.error?.message || '').trim().split('\n').slice(-1)[0]}`);
  }
  if (existsSync(taploEntry)) {
    peers.push({ name: 'taplo', command: process.execPath, args: [join(__dirname, 'taploHost.cjs'), taploEntry], languageId: 'toml' });
  } else skipped.push(`taplo (${TAPLO}): not installed`);
  if (existsSync(tombiBin)) peers.push({ name: 'tombi', command: tombiBin, args: ['lsp', '--offline'], languageId: 'toml' });
  else skipped.push(`tombi (${TOMBI}): not installed`);
  return { peers, skipped };
}

/** One LSP server over stdio, driven the same way whichever server it is. */
export class StdioServer {
  private readonly pushed = new Map<string, { version?: number }>();
  private readonly waiters: Array<() => void> = [];
  private pull = false;
  private next = 0;
  readonly stderr: string[] = [];

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: MessageConnection,
  ) {
    connection.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => {
      this.pushed.set(p.uri, { version: p.version });
      for (const w of this.waiters.splice(0)) w();
    });
    // Default settings for every section asked about.
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
    child.stderr.on('data', (b: Buffer) => this.stderr.push(b.toString('utf8')));
  }

  static async start(command: string, args: string[], rootDir: string): Promise<StdioServer> {
    const child = spawn(command, args, { stdio: 'pipe', cwd: rootDir });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const server = new StdioServer(child, connection);
    connection.listen();
    const rootUri = pathToFileURL(rootDir).href;
    const init = (await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'bench' }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: { publishDiagnostics: { versionSupport: true }, diagnostic: { dynamicRegistration: false } },
      },
    })) as { capabilities: { diagnosticProvider?: unknown } };
    // A server that offers pull diagnostics may never push them.
    server.pull = init.capabilities.diagnosticProvider !== undefined;
    await connection.sendNotification('initialized', {});
    return server;
  }

  /** Opens a new document and resolves once its diagnostics are in. */
  async open(path: string, text: string, languageId: string): Promise<void> {
    const uri = pathToFileURL(path).href;
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    if (this.pull) {
      await this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    } else {
      await this.pushedFor(uri, 1);
    }
    void this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** A one-range edit, then its diagnostics. */
  async edit(uri: string, version: number, change: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }): Promise<void> {
    void this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
    if (this.pull) await this.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    else await this.pushedFor(uri, version);
  }

  openOnly(path: string, text: string, languageId: string): string {
    const uri = pathToFileURL(path).href;
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  async pushedFor(uri: string, version: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const got = this.pushed.get(uri);
      if (got && (got.version === undefined || got.version >= version)) {
        this.pushed.delete(uri);
        return;
      }
      if (this.child.exitCode !== null) throw new Error(`server exited: ${this.stderr.join('').slice(-500)}`);
      if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** A path no other measurement has used. */
  fresh(dir: string, name = 'secretspec.toml'): string {
    return join(dir, String(this.next++), name);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.connection.sendNotification('exit');
    } catch {
      // Already gone: the kill below settles it.
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 2000);
      this.child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      if (this.child.exitCode !== null) {
        clearTimeout(t);
        resolve();
      }
    });
    this.connection.dispose();
  }
}
