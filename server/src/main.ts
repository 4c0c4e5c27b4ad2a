// Entry point of `secretspec-language-server`. It speaks LSP only when told
// how: vscode-languageserver would otherwise die in createConnection with a
// stack trace, so the command line is checked here first and anything else
// gets the usage and a plain exit status.
import { version } from '../../package.json';
import { startServer } from './server';

const NAME = 'secretspec-language-server';

const USAGE = `Usage: ${NAME} --stdio
       ${NAME} --version
       ${NAME} --help

Starts the SecretSpec language server for secretspec.toml.

  --stdio               speak the Language Server Protocol on stdin and stdout
  --version             print the server's name and version, then exit
  --help                print this text, then exit

Also understood, as by every vscode-languageserver: --node-ipc, --socket=<port>
and --pipe=<name> instead of --stdio, and --clientProcessId=<pid>.
Initialization options are described in the extension's README.
`;

// The transports vscode-languageserver reads from process.argv itself.
const TRANSPORT = /^--(stdio|node-ipc|socket=\d+|pipe=.+)$/;
const CLIENT_PROCESS = /^--clientProcessId=\d+$/;

type Invocation = { kind: 'lsp' } | { kind: 'version' } | { kind: 'help' } | { kind: 'usage-error'; problem: string };

function parseArguments(args: readonly string[]): Invocation {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'help' };
  if (args.includes('--version')) return { kind: 'version' };
  if (args.length === 0) return { kind: 'usage-error', problem: 'no transport given' };
  const transports = args.filter((a) => TRANSPORT.test(a));
  const unknown = args.filter((a) => !TRANSPORT.test(a) && !CLIENT_PROCESS.test(a));
  if (unknown.length > 0) return { kind: 'usage-error', problem: `unknown ${unknown.length === 1 ? 'argument' : 'arguments'} ${unknown.map((a) => `'${a}'`).join(', ')}` };
  if (transports.length !== 1) return { kind: 'usage-error', problem: transports.length === 0 ? 'no transport given' : 'more than one transport given' };
  return { kind: 'lsp' };
}

/**
 * Writes, then exits: vscode-languageserver/node watches a `--clientProcessId`
 * parent with an interval as soon as it is loaded, which would otherwise keep
 * this process alive.
 */
function finish(stream: NodeJS.WriteStream, text: string, code: number): void {
  stream.write(text, () => process.exit(code));
}

function main(): void {
  const invocation = parseArguments(process.argv.slice(2));
  switch (invocation.kind) {
    case 'lsp':
      startServer();
      return;
    case 'version':
      return finish(process.stdout, `${NAME} ${version}\n`, 0);
    case 'help':
      return finish(process.stdout, USAGE, 0);
    case 'usage-error':
      return finish(process.stderr, `${NAME}: ${invocation.problem}\n\n${USAGE}`, 2);
  }
}

main();
