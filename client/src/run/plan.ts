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
    if (key !== 'profile' && key !== 'scope' && key !== 'file') return { ok: false, reason: `"${LAUNCH_ATTRIBUTE}.${key}" is not an attribute; use profile, scope or file` };
    if (typeof v !== 'string' || v.trim() === '') return { ok: false, reason: `"${LAUNCH_ATTRIBUTE}.${key}" must be a non-empty string` };
    value[key] = v;
  }
  return { ok: true, value };
}

export type DebugPlan =
  | { kind: 'wrap'; how: string; config: DebugConfig }
  | { kind: 'block'; reason: string };

const JS_LAUNCH = new Set(['node', 'pwa-node']);
const PYTHON = new Set(['python', 'debugpy']);
const dirOf = (file: string) => file.replace(/[\\/][^\\/]*$/, '');

export interface DebugPlanInput {
  host: Host;
  target: RunTarget;
  settingsJson: string;
}

/**
 * Where each debugger lets the program be started through another program:
 * js-debug's `runtimeExecutable` (it appends the program and its args after
 * `runtimeArgs`), `node-terminal`'s shell `command`, debugpy's `python`
 * (an array is a command line). The runner is a Node process, so js-debug's
 * bootloader attaches to it too and follows it to the child it starts: the
 * breakpoints are the child's, and the session ends with the runner, which
 * ends with the child; the runner's own files are skipped. Other debuggers
 * start the program themselves; the extension never holds values to put in
 * their `env`, so they are refused.
 */
export function planDebug(config: DebugConfig, input: DebugPlanInput): DebugPlan {
  const { type, request } = config;
  if (request !== 'launch') return { kind: 'block', reason: `"${LAUNCH_ATTRIBUTE}" works only with launch configurations: a process this one attaches to already has its environment` };
  const settingsEnv = { [SETTINGS_ENV]: input.settingsJson };
  const env = (extra: Record<string, string>) => ({ ...(config.env as Record<string, unknown> | undefined), ...extra, ...settingsEnv });
  // Child sessions (js-debug starts one per process) must not be planned again.
  const rest: DebugConfig = { ...config };
  delete rest[LAUNCH_ATTRIBUTE];
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
    reason: `the ${type} debugger starts the program itself and gives no way to start it through the SecretSpec runner; run it from a "SecretSpec" terminal or a secretspec task instead`,
  };
}
