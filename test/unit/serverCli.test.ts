// The server's command line (`node dist/server.js …`): --help and --version
// answer and exit 0, every other invocation that is not an LSP transport gets
// the usage and exit status 2 — never an uncaught error with a stack trace.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = join(__dirname, '..', '..');
const SERVER = join(ROOT, 'dist', 'server.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [SERVER, ...args], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

const STACK = /^\s+at .+[:(]/m;

test('--version prints the name and the package version, on stdout, and exits 0', () => {
  const r = run('--version');
  assert.deepEqual([r.status, r.stdout, r.stderr], [0, `secretspec-language-server ${VERSION}\n`, '']);
});

test('--help prints the usage with every flag, on stdout, and exits 0', () => {
  const r = run('--help');
  assert.equal(r.status, 0);
  for (const flag of ['--stdio', '--version', '--help']) assert.ok(r.stdout.includes(flag), `usage lacks ${flag}`);
  assert.equal(r.stderr, '');
});

test('no arguments, unknown ones or two transports: a one-line reason and the usage on stderr, exit 2, no stack trace', () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /no transport given/],
    [['--stdio', '--bogus'], /unknown argument '--bogus'/],
    [['serve'], /unknown argument 'serve'/],
    [['--socket'], /unknown argument '--socket'/],
    [['--stdio', '--node-ipc'], /more than one transport given/],
    // The parent watchdog vscode-languageserver starts on load must not keep a refused invocation alive.
    [['--clientProcessId=1'], /no transport given/],
  ];
  for (const [args, reason] of cases) {
    const r = run(...args);
    assert.equal(r.signal, null, `${args.join(' ')}: did not exit by itself`);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0]!, reason);
    assert.match(r.stderr, /Usage: secretspec-language-server --stdio/);
    assert.doesNotMatch(r.stderr, STACK);
    assert.equal(r.stdout, '');
  }
});

test('--stdio with the --clientProcessId vscode-languageclient adds still speaks LSP', async () => {
  const child = spawn(process.execPath, [SERVER, '--stdio', `--clientProcessId=${process.pid}`], { stdio: 'pipe' });
  const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.listen();
  try {
    const result = (await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { serverInfo?: { name: string; version?: string } };
    assert.equal(result.serverInfo?.name, 'secretspec-language-server');
    assert.equal(result.serverInfo?.version, VERSION);
    // Equal today by coincidence if written by hand: the version must come from package.json (issue 16 #8).
    assert.doesNotMatch(readFileSync(join(ROOT, 'server', 'src', 'server.ts'), 'utf8'), /version: '\d/);
  } finally {
    connection.dispose();
    child.kill();
  }
});
