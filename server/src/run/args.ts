// The `run` sub-command's command line (lsp-extensions.md "Running a program
// with its secrets"): `run [--file <path>] [--profile <p>] [--scope <s>] --
// <command> [args…]`, and `--allow-missing`, the editor's "Start Anyway"
// (SecretSpec's own `run` has no such switch; without it, the contract's
// refusal holds). Pure. Everything after `--`, or from the first word
// that is not an option, is the command and reaches it untouched, so a
// command's own `--help` is never read as ours. `export` takes the same
// options, no command, and `--format json`.

export interface RunOptions {
  file?: string;
  profile?: string;
  scope?: string;
  /** Run with what could be resolved, naming what could not (never a value). */
  allowMissing?: boolean;
  /** The program and its arguments, as given (never through a shell). */
  command: string[];
}

export type RunInvocation = { kind: 'run'; options: RunOptions } | { kind: 'help' } | { kind: 'usage-error'; problem: string };

/** `export`: what `run` resolves, printed instead of run (SecretSpec's `export --format json`). */
export type ExportOptions = Omit<RunOptions, 'command'> & { format: 'json' };

export type ExportInvocation = { kind: 'export'; options: ExportOptions } | { kind: 'help' } | { kind: 'usage-error'; problem: string };

const VALUED = { '--file': 'file', '-f': 'file', '--profile': 'profile', '-P': 'profile', '--scope': 'scope', '-S': 'scope' } as const;
type Valued = keyof typeof VALUED;

const isValued = (flag: string): flag is Valued => Object.hasOwn(VALUED, flag);

export function parseRunArguments(args: readonly string[]): RunInvocation {
  const options: Omit<RunOptions, 'command'> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return finish(options, args.slice(i + 1));
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--allow-missing') {
      options.allowMissing = true;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (isValued(flag)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) return { kind: 'usage-error', problem: `${flag} needs a value` };
      if (value === '') return { kind: 'usage-error', problem: `${flag} needs a non-empty value` };
      const field = VALUED[flag];
      if (options[field] !== undefined) return { kind: 'usage-error', problem: `--${field} given more than once` };
      options[field] = value;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') return { kind: 'usage-error', problem: `unknown option '${arg}'` };
    return finish(options, args.slice(i));
  }
  return finish(options, []);
}

/** `export [--file] [--profile] [--scope] [--allow-missing] --format json`: no command, and JSON the only format (the editor reads it). */
export function parseExportArguments(args: readonly string[]): ExportInvocation {
  const rest: string[] = [];
  let format: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--format' || arg.startsWith('--format=')) {
      if (format !== undefined) return { kind: 'usage-error', problem: '--format given more than once' };
      format = arg === '--format' ? args[++i] : arg.slice('--format='.length);
      if (format === undefined) return { kind: 'usage-error', problem: '--format needs a value' };
      continue;
    }
    rest.push(arg);
  }
  if (format !== undefined && format !== 'json') return { kind: 'usage-error', problem: `--format ${format} is not supported: only json` };
  const parsed = parseRunArguments([...rest, '--', 'export']);
  if (parsed.kind !== 'run') return parsed;
  if (parsed.options.command.length !== 1) return { kind: 'usage-error', problem: `unexpected argument '${parsed.options.command[0]}'` };
  const { command: _command, ...options } = parsed.options;
  return { kind: 'export', options: { ...options, format: 'json' } };
}

function finish(options: Omit<RunOptions, 'command'>, command: readonly string[]): RunInvocation {
  if (!command.length || command[0] === '') return { kind: 'usage-error', problem: 'no command given: put it after --' };
  return { kind: 'run', options: { ...options, command: [...command] } };
}
