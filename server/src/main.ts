// Entry point of `secretspec-language-server`. It speaks LSP only when told
// how: vscode-languageserver would otherwise die in createConnection with a
// stack trace, so the command line is checked here first and anything else
// gets the usage and a plain exit status. `run` runs a program with its
// secrets (run/); its arguments are read before anything else, so a
// command's own `--help` or `--version` reaches the command. `export` prints
// what `run` would inject, for the editor's debuggers that cannot be wrapped.
import { version } from '../../package.json';
import { parseExportArguments, parseRunArguments, type ExportOptions, type RunOptions } from './run/args';
import { exportCommand, runCommand, type RunEnd } from './run/command';

const NAME = 'secretspec-language-server';

const RUN_SYNOPSIS = `${NAME} run [--file <path>] [--profile <p>] [--scope <s>] [--allow-missing] -- <command> [args…]`;

const EXPORT_SYNOPSIS = `${NAME} export [--file <path>] [--profile <p>] [--scope <s>] [--allow-missing] [--format json]`;

const USAGE = `Usage: ${NAME} --stdio
       ${RUN_SYNOPSIS}
       ${EXPORT_SYNOPSIS}
       ${NAME} --version
       ${NAME} --help

Starts the SecretSpec language server for secretspec.toml, or runs a command
with the secrets of a profile in its environment (see \`${NAME} run --help\`),
or prints them as JSON for a program to start with (\`${NAME} export --help\`).

  --stdio               speak the Language Server Protocol on stdin and stdout
  --version             print the server's name and version, then exit
  --help                print this text, then exit

Also understood, as by every vscode-languageserver: --node-ipc, --socket=<port>
and --pipe=<name> instead of --stdio, and --clientProcessId=<pid>.
Initialization options are described in the extension's README.
`;

const RUN_USAGE = `Usage: ${RUN_SYNOPSIS}

Resolves the profile's secrets through the same providers as the editor's
check (bundled providers, plugins, SecretSpec 0.21 endpoints, and your
secretspec CLI for stores only it serves), puts them in the command's
environment and runs it (no shell) with this terminal, forwarding signals.
Exits with the command's status (128 + the signal's number when a signal
ended it). A required secret that is missing or cannot be read: nothing runs,
its name and the reason go to stderr, exit status 1. Values are never printed.

  --file, -f <path>     the manifest; default: SECRETSPEC_FILE, else the
                        nearest secretspec.toml from this folder up
  --profile, -P <p>     default: SECRETSPEC_PROFILE, else your SecretSpec user
                        config's [defaults] profile, else default
  --scope, -S <s>       only the secrets of [scopes.<s>]; the profile's other
                        secrets are removed from the environment even when
                        inherited. Default: SECRETSPEC_SCOPE
  --allow-missing       run even when required secrets are missing or cannot
                        be read: the command gets the others, and their names
                        and reasons go to stderr (the editor's "Start Anyway")
  --help, -h            print this text, then exit

SECRETSPEC_PROVIDER replaces every secret's providers, as for the CLI.
SECRETSPEC_VSCODE_SETTINGS may hold the editor's "secretspec" settings as
JSON (plugins, defaultProvider, requestTimeoutMs, cli.path); the command
never sees it.
`;

const EXPORT_USAGE = `Usage: ${EXPORT_SYNOPSIS}

Resolves the profile's secrets exactly as \`${NAME} run\` does (same
options, same providers, same refusals) and prints them instead of running
anything: one JSON object on stdout, the only place a value is ever written,
for a program that starts another with them (the editor, for a debugger it
cannot start under \`run\`). Like SecretSpec's \`secretspec export --format json\`,
with what a caller needs besides:

  {
    "environment": { "NAME": "value", … },  the variables to set
    "remove": [ "NAME", … ],                 declared secrets the scope
                                             excludes: unset them
    "without": [ { "name": "NAME", "reason": "…" }, … ],
                                             what --allow-missing left out
    "files": "/tmp/secretspec-run-…"         present only when an as_path
                                             secret was written: the private
                                             directory of its files; delete
                                             it when the program has ended
  }

A required secret that is missing or cannot be read: nothing on stdout, its
name and the reason on stderr, exit status 1. When a secret only your
secretspec CLI can provide, its \`secretspec export --format json\` answers,
wrapped in the same object. stderr never holds a value.

  --file, -f <path>     as for run
  --profile, -P <p>     as for run
  --scope, -S <s>       as for run
  --allow-missing       export what could be resolved; the others are listed
                        in "without" and on stderr
  --format json         the only format (the default)
  --help, -h            print this text, then exit
`;

// The transports vscode-languageserver reads from process.argv itself.
const TRANSPORT = /^--(stdio|node-ipc|socket=\d+|pipe=.+)$/;
const CLIENT_PROCESS = /^--clientProcessId=\d+$/;

type Invocation =
  | { kind: 'lsp' }
  | { kind: 'version' }
  | { kind: 'help' }
  | { kind: 'usage-error'; problem: string }
  | { kind: 'run'; options: RunOptions }
  | { kind: 'run-help' }
  | { kind: 'run-usage-error'; problem: string }
  | { kind: 'export'; options: ExportOptions }
  | { kind: 'export-help' }
  | { kind: 'export-usage-error'; problem: string };

function parseArguments(args: readonly string[]): Invocation {
  if (args[0] === 'run') {
    const run = parseRunArguments(args.slice(1));
    return run.kind === 'help' ? { kind: 'run-help' } : run.kind === 'usage-error' ? { kind: 'run-usage-error', problem: run.problem } : run;
  }
  if (args[0] === 'export') {
    const parsed = parseExportArguments(args.slice(1));
    return parsed.kind === 'help' ? { kind: 'export-help' } : parsed.kind === 'usage-error' ? { kind: 'export-usage-error', problem: parsed.problem } : parsed;
  }
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

/** stderr first, then stdout, then the exit: each write is flushed before the next. */
function end(result: RunEnd): void {
  const exit = () => (result.stdout !== undefined ? finish(process.stdout, result.stdout, result.status) : process.exit(result.status));
  if (result.stderr) process.stderr.write(result.stderr, exit);
  else exit();
}

function main(): void {
  const invocation = parseArguments(process.argv.slice(2));
  switch (invocation.kind) {
    case 'lsp':
      // Loaded only to serve: vscode-languageserver reads process.argv when it loads, and a run's command line is not its.
      void import('./server').then(({ startServer }) => startServer());
      return;
    case 'run':
      void runCommand(invocation.options).then(end, (error: unknown) => finish(process.stderr, `${NAME} run: internal error (${error instanceof Error ? error.name : 'unknown'})\n`, 1));
      return;
    case 'export':
      void exportCommand(invocation.options).then(end, (error: unknown) => finish(process.stderr, `${NAME} export: internal error (${error instanceof Error ? error.name : 'unknown'})\n`, 1));
      return;
    case 'export-help':
      return finish(process.stdout, EXPORT_USAGE, 0);
    case 'export-usage-error':
      return finish(process.stderr, `${NAME} export: ${invocation.problem}\n\n${EXPORT_USAGE}`, 2);
    case 'run-help':
      return finish(process.stdout, RUN_USAGE, 0);
    case 'run-usage-error':
      return finish(process.stderr, `${NAME} run: ${invocation.problem}\n\n${RUN_USAGE}`, 2);
    case 'version':
      return finish(process.stdout, `${NAME} ${version}\n`, 0);
    case 'help':
      return finish(process.stdout, USAGE, 0);
    case 'usage-error':
      return finish(process.stderr, `${NAME}: ${invocation.problem}\n\n${USAGE}`, 2);
  }
}

main();
