// Installs code-server on demand into .cache/code-server and starts it on
// 127.0.0.1. It stays out of package.json: its install compiles native
// modules and needs three work-arounds (shared recipes §2a), which a plain
// `npm ci` should never pay for.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ensureDebianPackages } from '../../support/systemPackages';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const CACHE = join(ROOT, '.cache');
export const CODE_SERVER_VERSION = '4.100.3';
const INSTALL_DIR = join(CACHE, 'code-server');
const BIN = join(INSTALL_DIR, 'node_modules', '.bin', 'code-server');
// Pinned by code-server 4.100.3's lib/vscode/npm-shrinkwrap.json.
const RIPGREP_PKG = '1.15.11';
const RIPGREP_TAG = 'v13.0.0-10';

export type Availability = { ok: true; bin: string } | { ok: false; reason: string };

function installedVersion(): string | undefined {
  if (!existsSync(BIN)) return undefined;
  const r = spawnSync(BIN, ['--version', '--config', '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0 ? r.stdout.split(/\s+/)[0] : undefined;
}

const LOCK = join(CACHE, 'code-server.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid in `lock`; undefined while it is being taken or released. */
function lockOwner(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function lockAgeMs(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs;
  } catch {
    return 0;
  }
}

/** One try at a directory lock; a lock left by a process that died is cleared for the next try. */
function tryLock(lock: string): boolean {
  mkdirSync(CACHE, { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const owner = lockOwner(lock);
    if (owner !== undefined ? !alive(owner) : lockAgeMs(lock) > 60_000) rmSync(lock, { recursive: true, force: true });
    return false;
  }
  writeFileSync(join(lock, 'pid'), String(process.pid));
  return true;
}

/**
 * Runs `install` holding .cache/code-server.lock: two test files start at
 * once under `npm test`, and two npm installs into one folder break each
 * other.
 */
function withInstallLock<T>(install: () => T): T {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  // This runs at module load, synchronously; a blocking nap is the only wait there is.
  while (!tryLock(LOCK)) Atomics.wait(nap, 0, 0, 500);
  try {
    return install();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

const EDITOR_LOCK = join(CACHE, 'editor.lock');

/**
 * Holds the editor for one suite: each suite drives a code-server, a Chromium
 * and a keyring session, and two at once on 2 cores make their waits time
 * out. Returns the release.
 */
export async function holdEditor(): Promise<() => void> {
  while (!tryLock(EDITOR_LOCK)) await new Promise((resolve) => setTimeout(resolve, 500));
  return () => rmSync(EDITOR_LOCK, { recursive: true, force: true });
}

/** code-server's binary, installing it first when the cache lacks it; never throws. */
export function ensureCodeServer(log: (line: string) => void = () => undefined): Availability {
  if (installedVersion() === CODE_SERVER_VERSION) return { ok: true, bin: BIN };
  return withInstallLock(() => (installedVersion() === CODE_SERVER_VERSION ? { ok: true, bin: BIN } : install(log)));
}

function install(log: (line: string) => void): Availability {
  if (Number(process.versions.node.split('.')[0]) !== 20) {
    return { ok: false, reason: `code-server ${CODE_SERVER_VERSION} installs only on Node 20 (this is ${process.version})` };
  }
  const packages = ensureDebianPackages(['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'ripgrep']);
  if (!packages.ok) return { ok: false, reason: `cannot install code-server's build prerequisites: ${packages.reason}` };
  log(`installing code-server ${CODE_SERVER_VERSION} into ${INSTALL_DIR} (about a minute, once)`);
  mkdirSync(INSTALL_DIR, { recursive: true });
  const tmp = join(INSTALL_DIR, 'tmp');
  mkdirSync(tmp, { recursive: true });
  // @vscode/ripgrep's postinstall downloads rg from api.github.com; a pre-seeded cache holding Debian's rg satisfies it.
  const rgCache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PKG}`);
  mkdirSync(rgCache, { recursive: true });
  const staging = mkdtempSync(join(tmp, 'rg-'));
  copyFileSync(execFileSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).trim(), join(staging, 'rg'));
  execFileSync('tar', ['czf', join(rgCache, `ripgrep-${RIPGREP_TAG}-x86_64-unknown-linux-musl.tar.gz`), '-C', staging, 'rg']);
  rmSync(staging, { recursive: true, force: true });
  if (!existsSync(join(INSTALL_DIR, 'package.json'))) writeFileSync(join(INSTALL_DIR, 'package.json'), '{"name":"code-server-host","private":true}\n');
  const r = spawnSync('npm', ['install', `code-server@${CODE_SERVER_VERSION}`, '--unsafe-perm', '--no-audit', '--no-fund', '--no-save'], {
    cwd: INSTALL_DIR,
    // node-pty's postinstall runs `npx node-gyp`, which ~/.npmrc's yes=false would cancel.
    env: { ...process.env, TMPDIR: tmp, npm_config_yes: 'true' },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) {
    return { ok: false, reason: `npm install code-server@${CODE_SERVER_VERSION} failed (${r.error?.message ?? `exit ${r.status}`}): ${(r.stderr ?? '').split('\n').filter(Boolean).slice(-5).join(' | ')}` };
  }
  const version = installedVersion();
  return version === CODE_SERVER_VERSION ? { ok: true, bin: BIN } : { ok: false, reason: `code-server installed but reports version ${version ?? 'nothing'}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface CodeServerRun {
  port: number;
  url: string;
  process: ChildProcess;
  log: string[];
  stop(): Promise<void>;
}

export interface StartOptions {
  bin: string;
  /** Fresh folder for user data, extensions, XDG dirs and TMPDIR. */
  runDir: string;
  /** Folder or .code-workspace file opened on start. */
  open?: string;
  settings?: Record<string, unknown>;
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** Run the server under this wrapper (e.g. `dbus-run-session -- ...`). */
  wrapper?: string[];
  port?: number;
  /** Leave trust on (default off, so tests and demos are not blocked by the trust dialog). */
  workspaceTrust?: boolean;
}

/** Starts code-server and resolves once /healthz answers. */
export async function startCodeServer(opts: StartOptions): Promise<CodeServerRun> {
  const port = opts.port ?? (await freePort());
  const dirs = ['user-data/User', 'extensions', 'xdg-config', 'xdg-data', 'tmp'].map((d) => join(opts.runDir, d));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'security.workspace.trust.enabled': opts.workspaceTrust === true,
    ...opts.settings,
  };
  writeFileSync(join(opts.runDir, 'user-data', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  const args = [
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-getting-started-override',
    ...(opts.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir', join(opts.runDir, 'user-data'), '--extensions-dir', join(opts.runDir, 'extensions'),
    ...(opts.extraArgs ?? []),
    ...(opts.open ? [opts.open] : []),
  ];
  const [cmd, ...pre] = [...(opts.wrapper ?? []), opts.bin];
  const child = spawn(cmd!, [...pre, ...args], {
    env: {
      ...process.env,
      ...opts.env,
      // Keeps code-server from writing ~/.config/code-server/config.yaml and its sockets out of /tmp.
      XDG_CONFIG_HOME: join(opts.runDir, 'xdg-config'),
      TMPDIR: join(opts.runDir, 'tmp'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const log: string[] = [];
  child.stdout!.on('data', (b: Buffer) => log.push(b.toString()));
  child.stderr!.on('data', (b: Buffer) => log.push(b.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Its own process group: the wrapper, code-server and the extension host go together.
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}: ${log.join('').slice(-2000)}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { port, url, process: child, log, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`code-server did not become healthy in 30 s: ${log.join('').slice(-2000)}`);
}
