// How a launch, a task or a terminal runs under the SecretSpec runner
// (`node <dist/server.js> run … -- <command>`): the runner resolves the
// profile's secrets in its own process and puts them only in the child's
// environment, so the extension never holds a value. This module decides
// the command lines; it is pure (no VS Code API) so each debugger's plan is
// unit-tested without that debugger.

/** The extension's non-secret settings, as JSON, for the runner to route as the language server does. */
export const SETTINGS_ENV = 'SECRETSPEC_VSCODE_SETTINGS';

export interface RunTarget {
  /** dist/server.js of this extension. */
  server: string;
  /** Absolute path of the secretspec.toml. */
  manifest: string;
  profile: string;
  scope?: string;
  /** The user chose "Start Anyway": the runner starts without what is missing (`--allow-missing`). */
  allowMissing?: boolean;
}

/** What runs the runner, and what the runner's child must be started through. */
export interface RunnerProcess {
  command: string;
  env: Record<string, string>;
  /** Put before the child's command line, after `--`. */
  childPrefix: string[];
}

export interface Host {
  /** process.execPath of the extension host. */
  execPath: string;
  platform: NodeJS.Platform;
}

const REAL_NODE = /(^|[\\/])node(64)?(\.exe)?$/;

/**
 * The extension host's own Node when it is one (code-server, VS Code Server,
 * Remote): same Node, no PATH lookup. Desktop VS Code's host is Electron:
 * then `ELECTRON_RUN_AS_NODE=1` makes it a Node, and on POSIX the child is
 * started through `env -u ELECTRON_RUN_AS_NODE` so the user's program (or
 * shell, and any `code` it starts) does not inherit the switch. Where that
 * cannot be undone (Windows), and for the JavaScript debugger, which runs
 * programs with `node` from PATH anyway, `node` from PATH runs the runner.
 */
export function runnerProcess(host: Host, preferPathNode = false): RunnerProcess {
  if (REAL_NODE.test(host.execPath)) return { command: host.execPath, env: {}, childPrefix: [] };
  if (preferPathNode || host.platform === 'win32') return { command: host.platform === 'win32' ? 'node.exe' : 'node', env: {}, childPrefix: [] };
  return { command: host.execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, childPrefix: ['/usr/bin/env', '-u', 'ELECTRON_RUN_AS_NODE'] };
}

/** `<server> run --file <m> --profile <p> [--scope <s>] --`: everything before the child's command. */
export function runnerArgs(target: RunTarget): string[] {
  return [target.server, 'run', '--file', target.manifest, '--profile', target.profile, ...(target.scope ? ['--scope', target.scope] : []), ...(target.allowMissing ? ['--allow-missing'] : []), '--'];
}

/** A command line string run through the platform's shell: the only text a shell ever reads here is the user's own command. */
export function shellArgv(command: string, platform: NodeJS.Platform, comSpec = 'cmd.exe'): string[] {
  return platform === 'win32' ? [comSpec, '/d', '/s', '/c', command] : ['/bin/sh', '-c', command];
}

/** The whole process a task or a terminal starts: the runner, then `child`. */
export function wrapProcess(runner: RunnerProcess, target: RunTarget, child: string[], settingsJson: string): { command: string; args: string[]; env: Record<string, string> } {
  return { command: runner.command, args: [...runnerArgs(target), ...runner.childPrefix, ...child], env: { ...runner.env, [SETTINGS_ENV]: settingsJson } };
}

/** POSIX single quotes: the one quoting every POSIX shell (and zsh, bash) reads the same way. */
export function posixQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A launch configuration as VS Code hands it over: any debugger's attributes. */
export type DebugConfig = { type: string; request: string; name: string; [key: string]: unknown };

/** How the `secretspec` attribute of a launch configuration is written. */
export interface SecretSpecAttribute {
  profile?: string;
  scope?: string;
  /** A secretspec.toml other than the one in the configuration's folder. */
  file?: string;
  /** Inject the environment even where the program could be started under the runner. */
  inject?: boolean;
}

export const LAUNCH_ATTRIBUTE = 'secretspec';

/** The attribute as written, or why it is malformed; undefined when the configuration has none. */
export function readAttribute(config: DebugConfig): { ok: true; value: SecretSpecAttribute } | { ok: false; reason: string } | undefined {
  const raw = config[LAUNCH_ATTRIBUTE];
  if (raw === undefined || raw === null) return undefined;
  if (raw === true) return { ok: true, value: {} };
  if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, reason: `"${LAUNCH_ATTRIBUTE}" must be an object such as { "profile": "default" }` };
  const value: SecretSpecAttribute = {};
  for (const [key, v] of Object.entries(raw as Record<string, unknown>)) {
    if (key === 'inject') {
      if (typeof v !== 'boolean') return { ok: false, reason: `"${LAUNCH_ATTRIBUTE}.inject" must be true or false` };
      value.inject = v;
      continue;
    }
    if (key !== 'profile' && key !== 'scope' && key !== 'file') return { ok: false, reason: `"${LAUNCH_ATTRIBUTE}.${key}" is not an attribute; use profile, scope, file or inject` };
    if (typeof v !== 'string' || v.trim() === '') return { ok: false, reason: `"${LAUNCH_ATTRIBUTE}.${key}" must be a non-empty string` };
    value[key] = v;
  }
  return { ok: true, value };
}

export type DebugPlan =
  | { kind: 'wrap'; how: string; config: DebugConfig }
  /** `config` is the launch without the attribute: the environment goes in once `export` answered (injectEnvironment). */
  | { kind: 'inject'; how: string; style: EnvStyle; config: DebugConfig }
  | { kind: 'block'; reason: string };

/**
 * How a debugger takes the program's environment: an object of names to
 * values, or (the C/C++ debuggers) an array of `{ name, value }`.
 * `unsetWithNull`: the debugger documents `null` as removing an inherited
 * variable, so a name the scope excludes is removed even when the editor
 * itself has it; elsewhere only the configuration's own entry is dropped.
 * `console`: the attribute that would start the program from a terminal
 * instead, and the values that keep it out of one. A program started in a
 * terminal is started by a command line typed there (VS Code's
 * runInTerminal puts the environment in front of it, as text), which a
 * value must never be part of: injection is refused unless the
 * configuration keeps the program in the debug console.
 */
export interface EnvStyle {
  attribute: string;
  shape: 'object' | 'pairs';
  unsetWithNull?: boolean;
  console: ConsoleRule;
  /** Attributes that make the debugger write its protocol, launch request included, to a log file: injection needs them off. */
  logs?: ReadonlyArray<{ attribute: string; quiet: (value: unknown) => boolean }>;
}

export interface ConsoleRule {
  attribute: string;
  safe: ReadonlyArray<string | boolean>;
  /** The debugger's default when the attribute is absent is one of `safe`. */
  absentIsSafe: boolean;
}

const CONSOLE: ConsoleRule = { attribute: 'console', safe: ['internalConsole'], absentIsSafe: true };
const off = (value: unknown) => value === false;
// js-debug resolves `trace` before this runs: false becomes { stdio: false, logFile: null }, and any other value gets a log file.
const JS_TRACE = [{ attribute: 'trace', quiet: (v: unknown) => v === false || (typeof v === 'object' && v !== null && (v as { logFile?: unknown }).logFile === null) }];
const PY_LOG = [{ attribute: 'logToFile', quiet: off }];

/**
 * Debuggers that start the program themselves, and the launch attribute
 * each documents for its environment: Go (Delve's `env`, `null` unsets),
 * the C/C++ extension's `cppdbg` and `cppvsdbg` (`environment`, an array of
 * `{ name, value }`), CodeLLDB's `lldb` (its default `terminal` is the
 * integrated one, so `"terminal": "console"` is required), the C#
 * extension's `coreclr` and `clr`, Java (whose default console is the
 * integrated terminal), PHP (Xdebug), Dart and Flutter's `dart`. js-debug's
 * `node` and `pwa-node` and the Python debugger are listed for
 * `"inject": true`; debugpy's default console is the integrated terminal.
 */
export const INJECTED_TYPES: Readonly<Record<string, EnvStyle>> = {
  go: { attribute: 'env', shape: 'object', unsetWithNull: true, console: CONSOLE, logs: [{ attribute: 'showLog', quiet: off }] },
  cppdbg: { attribute: 'environment', shape: 'pairs', console: { attribute: 'externalConsole', safe: [false], absentIsSafe: true } },
  cppvsdbg: { attribute: 'environment', shape: 'pairs', console: { attribute: 'console', safe: ['internalConsole'], absentIsSafe: true } },
  lldb: { attribute: 'env', shape: 'object', console: { attribute: 'terminal', safe: ['console'], absentIsSafe: false } },
  coreclr: { attribute: 'env', shape: 'object', console: CONSOLE },
  clr: { attribute: 'env', shape: 'object', console: CONSOLE },
  java: { attribute: 'env', shape: 'object', console: { ...CONSOLE, absentIsSafe: false } },
  php: { attribute: 'env', shape: 'object', console: { attribute: 'externalConsole', safe: [false], absentIsSafe: true } },
  dart: { attribute: 'env', shape: 'object', console: { attribute: 'console', safe: ['debugConsole'], absentIsSafe: true } },
  node: { attribute: 'env', shape: 'object', unsetWithNull: true, console: CONSOLE, logs: JS_TRACE },
  'pwa-node': { attribute: 'env', shape: 'object', unsetWithNull: true, console: CONSOLE, logs: JS_TRACE },
  python: { attribute: 'env', shape: 'object', console: { ...CONSOLE, absentIsSafe: false }, logs: PY_LOG },
  debugpy: { attribute: 'env', shape: 'object', console: { ...CONSOLE, absentIsSafe: false }, logs: PY_LOG },
};

/** Debuggers that take an environment, but in a way a value must never take. */
const NEVER_INJECTED: Readonly<Record<string, string>> = {
  rdbg: 'the rdbg debugger types its "env" into a terminal, in front of the command line, where the shell and its history would keep the values; run it from a "SecretSpec" terminal instead',
  'node-terminal': 'a node-terminal configuration\'s "env" becomes a terminal\'s, which VS Code may keep to restore the terminal; it is started under the runner instead (leave "inject" out)',
};

const WRAPPED_TYPES = ['node', 'pwa-node', 'node-terminal', 'python', 'debugpy'];

/** What `<server> export` printed (server/src/run/command.ts `Exported`). */
export interface ExportedEnvironment {
  environment: Record<string, string>;
  remove: string[];
  without: Array<{ name: string; reason: string }>;
  files?: string;
}

/** `<server> export --file <m> --profile <p> [--scope <s>] [--allow-missing] --format json`. */
export function exportArgs(target: RunTarget): string[] {
  return [target.server, 'export', '--file', target.manifest, '--profile', target.profile, ...(target.scope ? ['--scope', target.scope] : []), ...(target.allowMissing ? ['--allow-missing'] : []), '--format', 'json'];
}

/** The export's object, checked field by field; undefined when it is not one. */
export function readExported(text: string): ExportedEnvironment | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { environment, remove, without, files } = raw as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (typeof environment !== 'object' || environment === null || Array.isArray(environment) || !Object.values(environment).every((v) => typeof v === 'string')) return undefined;
  if (!strings(remove) || !Array.isArray(without) || (files !== undefined && typeof files !== 'string')) return undefined;
  return { environment: environment as Record<string, string>, remove, without: without as ExportedEnvironment['without'], ...(typeof files === 'string' ? { files } : {}) };
}

/** The attribute injected configurations carry so their session's end can be recognised: an id, never a value. */
export const INJECTION_MARKER = '__secretspecInjection';

/**
 * The configuration with the exported environment in the debugger's own
 * attribute. The configuration's entries for other names are kept; an
 * entry for a secret's name loses to the secret (as under the runner,
 * where the secrets are put over the environment it was given); an entry
 * for a name the scope excludes is removed (or set to `null` where that
 * unsets an inherited variable). Pure: the values live only in the
 * returned object.
 */
export function injectEnvironment(config: DebugConfig, style: EnvStyle, exported: ExportedEnvironment, marker: string): DebugConfig {
  const secretNames = new Set(Object.keys(exported.environment));
  const removed = new Set(exported.remove);
  const own = config[style.attribute];
  let env: unknown;
  if (style.shape === 'pairs') {
    const kept = Array.isArray(own) ? own.filter((e) => !(typeof e === 'object' && e !== null && (secretNames.has((e as { name?: unknown }).name as string) || removed.has((e as { name?: unknown }).name as string)))) : [];
    env = [...kept, ...Object.entries(exported.environment).map(([name, value]) => ({ name, value }))];
  } else {
    const kept: Record<string, unknown> = {};
    if (typeof own === 'object' && own !== null && !Array.isArray(own)) for (const [k, v] of Object.entries(own)) if (!removed.has(k)) kept[k] = v;
    if (style.unsetWithNull) for (const name of removed) kept[name] = null;
    env = { ...kept, ...exported.environment };
  }
  return { ...config, [style.attribute]: env, [INJECTION_MARKER]: marker };
}

const JS_LAUNCH = new Set(['node', 'pwa-node']);
const PYTHON = new Set(['python', 'debugpy']);
const dirOf = (file: string) => file.replace(/[\\/][^\\/]*$/, '');

export interface DebugPlanInput {
  host: Host;
  target: RunTarget;
  settingsJson: string;
  /** The attribute's `inject`: the environment is injected even where the program could be wrapped. */
  inject?: boolean;
}

/**
 * Where each debugger lets the program be started through another program:
 * js-debug's `runtimeExecutable` (it appends the program and its args after
 * `runtimeArgs`), `node-terminal`'s shell `command`, debugpy's `python`
 * (an array is a command line). The runner is a Node process, so js-debug's
 * bootloader attaches to it too and follows it to the child it starts: the
 * breakpoints are the child's, and the session ends with the runner, which
 * ends with the child; the runner's own files are skipped. Other debuggers
 * start the program themselves: for those INJECTED_TYPES lists, the
 * environment is injected in memory at launch (debug.ts); any other type is
 * refused, naming the ones supported.
 */
export function planDebug(config: DebugConfig, input: DebugPlanInput): DebugPlan {
  const { type, request } = config;
  if (request !== 'launch') return { kind: 'block', reason: `"${LAUNCH_ATTRIBUTE}" works only with launch configurations: a process this one attaches to already has its environment` };
  const settingsEnv = { [SETTINGS_ENV]: input.settingsJson };
  const env = (extra: Record<string, string>) => ({ ...(config.env as Record<string, unknown> | undefined), ...extra, ...settingsEnv });
  // Child sessions (js-debug starts one per process) must not be planned again.
  const rest: DebugConfig = { ...config };
  delete rest[LAUNCH_ATTRIBUTE];
  if (input.inject || !WRAPPED_TYPES.includes(type)) {
    const never = NEVER_INJECTED[type];
    if (never) return { kind: 'block', reason: never };
    const style = INJECTED_TYPES[type];
    if (style) {
      const rule = style.console;
      const value = config[rule.attribute];
      const safe = value === undefined ? rule.absentIsSafe : rule.safe.includes(value as string | boolean);
      if (!safe) return { kind: 'block', reason: `the ${type} debugger would start the program from a terminal, by a command line that would hold the secrets; add "${rule.attribute}": ${JSON.stringify(rule.safe[0])} to inject them` };
      const logging = style.logs?.find((l) => config[l.attribute] !== undefined && !l.quiet(config[l.attribute]));
      if (logging) return { kind: 'block', reason: `"${logging.attribute}" makes the ${type} debugger write its launch request, secrets included, to a log; remove it to inject them` };
      return { kind: 'inject', how: style.attribute, style, config: rest };
    }
  }
  if (JS_LAUNCH.has(type)) {
    const runner = runnerProcess(input.host, true);
    const runtime = typeof config.runtimeExecutable === 'string' && config.runtimeExecutable ? config.runtimeExecutable : 'node';
    const runtimeArgs = Array.isArray(config.runtimeArgs) ? config.runtimeArgs.map(String) : [];
    const skipFiles = Array.isArray(config.skipFiles) ? config.skipFiles.map(String) : ['<node_internals>/**'];
    return {
      kind: 'wrap',
      how: 'runtimeExecutable',
      config: {
        ...rest,
        runtimeExecutable: runner.command,
        runtimeArgs: [...runnerArgs(input.target), ...runner.childPrefix, runtime, ...runtimeArgs],
        env: env(runner.env),
        // The program is the runner's child: without this its breakpoints would never bind.
        autoAttachChildProcesses: true,
        // Never pause in the runner itself (a caught exception while it reads a store, stepping in).
        skipFiles: [...skipFiles, `${dirOf(input.target.server)}/**`],
      } as DebugConfig,
    };
  }
  if (type === 'node-terminal') {
    if (input.host.platform === 'win32') return { kind: 'block', reason: 'node-terminal configurations are wrapped through a POSIX shell command line, which Windows terminals do not read' };
    if (typeof config.command !== 'string' || !config.command.trim()) return { kind: 'block', reason: 'a node-terminal configuration needs a "command" to run with the secrets' };
    const runner = runnerProcess(input.host, true);
    const argv = [runner.command, ...runnerArgs(input.target), ...runner.childPrefix, ...shellArgv(config.command, 'linux')];
    return { kind: 'wrap', how: 'command', config: { ...rest, command: argv.map(posixQuote).join(' '), env: env(runner.env) } as DebugConfig };
  }
  if (PYTHON.has(type)) {
    const runner = runnerProcess(input.host);
    const python = Array.isArray(config.python) ? config.python.map(String) : typeof config.python === 'string' && config.python ? [config.python] : [input.host.platform === 'win32' ? 'python.exe' : 'python3'];
    return { kind: 'wrap', how: 'python', config: { ...rest, python: [runner.command, ...runnerArgs(input.target), ...runner.childPrefix, ...python], env: env(runner.env) } as DebugConfig };
  }
  return {
    kind: 'block',
    reason: `the ${type} debugger is not one SecretSpec can start with secrets (started under the runner: ${WRAPPED_TYPES.join(', ')}; given the environment at launch: ${Object.keys(INJECTED_TYPES).filter((t) => !WRAPPED_TYPES.includes(t)).join(', ')}); run it from a "SecretSpec" terminal or a secretspec task instead`,
  };
}
