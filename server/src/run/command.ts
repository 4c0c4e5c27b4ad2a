// `run` and `export`, put together: the manifest and the user's SecretSpec set-up are
// read as the CLI reads them, the profile's secrets are resolved through the
// server's own stores (bundled providers, plugins, 0.21 endpoints), every
// provider process is ended, and then the command runs with the values in
// its environment, or (`export`) the values are printed as one JSON object
// for the editor to hand to a debugger it cannot wrap. When some secret can
// only come from the user's `secretspec` CLI, the whole command runs under
// `secretspec run` (or `secretspec export`) instead.
// The runner always runs as trusted: the user started it. Nothing it prints
// holds a value, but `export`'s stdout, which exists to carry them.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { constants, homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { version } from '../../../package.json';
import type { Settings } from '../../../protocol/src/settings';
import type { Routing } from '../check/route';
import { diskLookup, locateCli } from '../engine/cli';
import { credentialBroker } from '../endpoints/credentials';
import { analyze, diskReader } from '../manifest/analysis';
import type { EffectiveProfile } from '../manifest/effective';
import { claimDirectories } from '../plugins/discovery';
import { PluginStores } from '../plugins/stores';
import { isBuiltinScheme } from '../providers/registry';
import { rulesFor } from '../rules';
import { defaultProfile, providerOverride, withUserAliases } from '../userConfig/defaults';
import { userConfigPath } from '../userConfig/locate';
import { parseUserConfig, type UserConfig } from '../userConfig/parse';
import type { ExportOptions, RunOptions } from './args';
import { captureChild, FORWARDED_SIGNALS, pathFiles, runChild } from './child';
import { decide, type Materialize, type Outcome, type Reason } from './outcome';
import { childEnvironment, restrictProfile, scopeExcluded, selectScope, surface } from './plan';
import { resolveValues } from './resolve';
import { CONTROL_VARIABLES, settingsFromEnvironment } from './settings';

/** How a run ends: the status to exit with, and what to say on stderr first (never a value). */
export interface RunEnd {
  status: number;
  stderr?: string;
  /** Only `export` prints anything there: its JSON object. */
  stdout?: string;
}

const NAME = 'secretspec-language-server run';

/** What resolution reads from the command line: `run`'s options without the command. */
type ResolveOptions = Omit<RunOptions, 'command'>;

const failure = (message: string, status = 1): RunEnd => ({ status, stderr: `${NAME}: ${message}\n` });

/** What `run` and `export` share: the manifest, profile and scope, and what the stores answered, decided. */
interface Resolved {
  file: string;
  profile: EffectiveProfile;
  scopeName: string | undefined;
  settings: Settings;
  outcome: Outcome;
  /** Every secret of any profile that the scope excludes. */
  excluded: string[];
}

/**
 * Resolves as `run` does, up to what to do with the values; every provider
 * process has ended when it returns. `materialize` writes `as_path` values.
 */
async function resolveForRun(options: ResolveOptions, env: NodeJS.ProcessEnv, cwd: string, materialize: Materialize): Promise<Resolved | RunEnd> {
  const read = settingsFromEnvironment(env);
  if (!read.ok) return failure(read.problem, 2);
  const settings = read.settings;

  const manifestPath = findManifest(options.file ?? nonBlank(env['SECRETSPEC_FILE']), cwd);
  if (!manifestPath.ok) return failure(manifestPath.message);
  const file = manifestPath.path;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return failure(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }

  const userConfig = readUserConfig(env);
  const claimDirs = claimDirectories(env, process.platform);
  const workspace = [dirname(file)];
  let aliases = userConfig?.aliases;
  const stores: PluginStores = new PluginStores({
    trusted: () => true,
    workspaceFolders: () => workspace,
    showPluginStderr: () => false,
    claimDirs,
    // An endpoint's credential comes from its alias's source; there is no editor to ask.
    credentials: credentialBroker({ stores: { open: (uri, ctx) => stores.open(uri, ctx) }, aliases: async () => aliases, ask: async () => null }),
    client: { name: 'secretspec-language-server', version },
    log: () => undefined,
  });
  // Until the command starts, a signal ends the runner as it would have, but takes the provider processes with it.
  const stopGuard = guardSignals(() => stores.livePids());
  await stores.configure(Promise.resolve({ ...(settings.plugins ? { plugins: settings.plugins } : {}), ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}) }), async () => undefined);

  try {
    const analysis = await analyze(
      text,
      file,
      diskReader,
      rulesFor({ pluginInstalled: (scheme) => stores.installed(scheme), ...(userConfig?.aliases.size ? { userAliases: userConfig.aliases } : {}) }),
    );
    const errors = analysis.validation.problems.filter((p) => p.severity === 'error');
    const merged = analysis.load.merged;
    const profiles = analysis.validation.profiles;
    if (errors.length || !merged || !profiles) {
      return failure(`${file} is not a valid SecretSpec manifest:\n${errors.map((p) => `  ${p.message}`).join('\n')}`);
    }
    const profileName = options.profile ?? defaultProfile(env, userConfig);
    const profile = profiles.get(profileName);
    if (!profile) return failure(`Invalid profile: '${profileName}' is not defined in secretspec.toml. Available profiles: ${[...profiles.keys()].sort().join(', ')}`);
    const scopeName = options.scope ?? nonBlank(env['SECRETSPEC_SCOPE']);
    const scope = selectScope(merged, scopeName);
    if (!scope.ok) return failure(scope.message);

    const defaultProvider = settings.defaultProvider ?? userConfig?.provider?.value;
    const override = providerOverride(env);
    const routing: Routing = { manifest: withUserAliases(merged, userConfig?.aliases), ...(defaultProvider ? { defaultProvider } : {}), ...(override ? { override } : {}) };
    aliases = routing.manifest.providers;
    const { visible, accessed } = surface(profile, scope.members);
    const restricted = restrictProfile(profile, accessed);
    const resolution = await resolveValues({
      ...routing,
      profile: restricted,
      stores,
      configFile: file,
      delegable: (uri) => {
        const scheme = uri.slice(0, Math.max(0, uri.indexOf(':')));
        return isBuiltinScheme(scheme) || stores.installed(scheme);
      },
    });
    await shutDown(stores);
    stopGuard();
    const outcome = decide(restricted, visible, resolution, materialize, options.allowMissing === true);
    return { file, profile, scopeName, settings, outcome, excluded: scopeExcluded(profiles, scope.members) };
  } finally {
    stopGuard();
    await shutDown(stores);
  }
}

const isEnd = (r: Resolved | RunEnd): r is RunEnd => 'status' in r;

const describe = (r: Resolved) => `profile ${r.profile.name}${r.scopeName ? `, scope ${r.scopeName}` : ''}`;

export async function runCommand(options: RunOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<RunEnd> {
  const files = pathFiles();
  try {
    const resolved = await resolveForRun(options, env, cwd, files.write);
    if (isEnd(resolved)) return resolved;
    const { outcome } = resolved;
    if (outcome.kind === 'refuse') return failure(`nothing was run (${describe(resolved)}):\n${listReasons(outcome.reasons)}`);
    if (outcome.kind === 'needs-cli') return await throughCli({ file: resolved.file, profile: resolved.profile, scope: resolved.scopeName, command: options.command, settings: resolved.settings, env, cwd, reasons: outcome.reasons });
    if (outcome.without.length) process.stderr.write(`${NAME}: --allow-missing: starting without (${describe(resolved)}):\n${listReasons(outcome.without)}\n`);
    const injected = new Map(outcome.secrets.map((s) => [s.name, s.value]));
    const end = await runChild(options.command, childEnvironment(env, injected, [...resolved.excluded, ...CONTROL_VARIABLES]), cwd);
    return end.kind === 'exited' ? { status: end.status } : failure(end.message);
  } finally {
    files.remove();
  }
}

/** What `export --format json` prints: one object, the only output of this package that holds values. */
export interface Exported {
  environment: Record<string, string>;
  /** Secrets of other profiles the scope excludes: to be removed from what the program would otherwise inherit. */
  remove: string[];
  /** With `--allow-missing`: what was left out, and why. */
  without: Reason[];
  /** The private directory of the `as_path` files; the caller deletes it. */
  files?: string;
}

const EXPORT_NAME = 'secretspec-language-server export';

/**
 * `export`: resolved exactly as `run` resolves, then printed as one JSON
 * object on stdout instead of run. `as_path` files stay, as SecretSpec's
 * export leaves them, in one private directory named in `files`.
 */
export async function exportCommand(options: ExportOptions, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<RunEnd> {
  const files = pathFiles();
  let keep = false;
  const fail = (message: string, status = 1): RunEnd => ({ status, stderr: `${EXPORT_NAME}: ${message}\n` });
  try {
    const resolved = await resolveForRun(options, env, cwd, files.write);
    if (isEnd(resolved)) return resolved.stderr ? { status: resolved.status, stderr: resolved.stderr.replace(`${NAME}:`, `${EXPORT_NAME}:`) } : resolved;
    const { outcome } = resolved;
    if (outcome.kind === 'refuse') return fail(`nothing was exported (${describe(resolved)}):\n${listReasons(outcome.reasons)}`);
    if (outcome.kind === 'needs-cli') return await exportThroughCli(resolved, outcome.reasons, env, cwd);
    const environment: Record<string, string> = {};
    for (const s of outcome.secrets) environment[s.name] = s.value;
    const dir = files.directory();
    const exported: Exported = { environment, remove: resolved.excluded, without: outcome.without, ...(dir ? { files: dir } : {}) };
    keep = true;
    return {
      status: 0,
      stdout: `${JSON.stringify(exported)}\n`,
      ...(outcome.without.length ? { stderr: `${EXPORT_NAME}: --allow-missing: exported without (${describe(resolved)}):\n${listReasons(outcome.without)}\n` } : {}),
    };
  } finally {
    if (!keep) files.remove();
  }
}

/**
 * The user's `secretspec export --format json`, its object read in memory
 * and wrapped in the same shape. Its `as_path` files go to a private
 * directory (its TMPDIR), handed over in `files` like ours.
 */
async function exportThroughCli(resolved: Resolved, reasons: Reason[], env: NodeJS.ProcessEnv, cwd: string): Promise<RunEnd> {
  const fail = (message: string, status = 1): RunEnd => ({ status, stderr: `${EXPORT_NAME}: ${message}\n` });
  const cli = locateCli({ ...(resolved.settings.cli?.path ? { settingPath: resolved.settings.cli.path } : {}), pathEnv: env['PATH'], workspaceFolders: [dirname(resolved.file)], ...diskLookup });
  if (!cli.ok) return fail(`nothing was exported (${describe(resolved)}): these secrets need the secretspec CLI, and ${cli.reason}:\n${listReasons(reasons)}`);
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-export-'));
  let keep = false;
  try {
    const argv = ['--file', resolved.file, 'export', '--profile', resolved.profile.name, ...(resolved.scopeName ? ['--scope', resolved.scopeName] : []), '--format', 'json'];
    const end = await captureChild([cli.path, ...argv], { ...childEnvironment(env, new Map(), CONTROL_VARIABLES), TMPDIR: dir }, cwd);
    if (end.kind === 'not-started') return fail(end.message);
    if (end.status !== 0) return { status: end.status };
    let parsed: unknown;
    try {
      parsed = JSON.parse(end.stdout);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) return fail('the secretspec CLI printed no JSON object of strings');
    const hasFiles = readdirSync(dir).length > 0;
    const exported: Exported = { environment: parsed as Record<string, string>, remove: resolved.excluded, without: [], ...(hasFiles ? { files: dir } : {}) };
    keep = hasFiles;
    return { status: 0, stdout: `${JSON.stringify(exported)}\n` };
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/** Every plugin and endpoint process, and what they started, is gone before the command runs. */
async function shutDown(stores: PluginStores): Promise<void> {
  await stores.dispose();
  killGroups(stores.livePids());
}

/** Plugins and endpoints lead their own process group: the group goes with them. */
function killGroups(pids: readonly number[]): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** Handlers for the signals that would end the runner; returns their removal (safe to call twice). */
function guardSignals(livePids: () => number[]): () => void {
  const handler = (signal: NodeJS.Signals) => {
    killGroups(livePids());
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, handler);
  };
}

interface CliRun {
  file: string;
  profile: EffectiveProfile;
  scope: string | undefined;
  command: string[];
  settings: Settings;
  env: NodeJS.ProcessEnv;
  cwd: string;
  reasons: Reason[];
}

/** The user's own `secretspec run` for the whole command, with inherited stdio; its status is the run's. */
async function throughCli(run: CliRun): Promise<RunEnd> {
  const cli = locateCli({ ...(run.settings.cli?.path ? { settingPath: run.settings.cli.path } : {}), pathEnv: run.env['PATH'], workspaceFolders: [dirname(run.file)], ...diskLookup });
  if (!cli.ok) {
    return failure(`nothing was run (profile ${run.profile.name}): these secrets need the secretspec CLI, and ${cli.reason}:\n${listReasons(run.reasons)}`);
  }
  const argv = ['--file', run.file, 'run', '--profile', run.profile.name, ...(run.scope ? ['--scope', run.scope] : []), '--', ...run.command];
  const end = await runChild([cli.path, ...argv], childEnvironment(run.env, new Map(), CONTROL_VARIABLES), run.cwd);
  return end.kind === 'exited' ? { status: end.status } : failure(end.message);
}

function listReasons(reasons: readonly Reason[]): string {
  return reasons.map((r) => `  ${r.name}: ${r.reason}`).join('\n');
}

type Found = { ok: true; path: string } | { ok: false; message: string };

/** `--file` as given, else the nearest `secretspec.toml` walking up from the working directory (secrets.rs `find_config_file`). */
function findManifest(file: string | undefined, cwd: string): Found {
  if (file !== undefined) {
    const path = resolve(cwd, file);
    return existsSync(path) ? { ok: true, path } : { ok: false, message: `${path} does not exist` };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, 'secretspec.toml');
    if (existsSync(candidate)) return { ok: true, path: candidate };
    if (dirname(dir) === dir) return { ok: false, message: `no secretspec.toml in ${cwd} or any folder above it; give one with --file` };
  }
}

function readUserConfig(env: NodeJS.ProcessEnv): UserConfig | undefined {
  const path = userConfigPath({ env, platform: process.platform, homedir: homedir() });
  try {
    return parseUserConfig(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
