// The stores the oracle suites share with the real CLI: a private D-Bus
// session with an unlocked gnome-keyring, and a `pass` store under a
// throwaway GPG key. The test owns every process it starts here and stops it
// by pid; nothing is left behind for the next suite.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDebianPackages, type PackagesResult } from '../support/systemPackages';
import { oracleEnv } from '../support/oracle';

export interface Store {
  /** What both the CLI and the server need in their environment to reach the store. */
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export const keyringPackages = (): PackagesResult => ensureDebianPackages(['gnome-keyring', 'libsecret-tools', 'dbus']);
export const passPackages = (): PackagesResult => ensureDebianPackages(['pass', 'gnupg']);

/** Values are compared by digest so an assertion message can never show one. */
export function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 16);
}

/**
 * The environment runOracle gives the CLI (a private HOME and XDG dirs), for
 * the language server too: both then see the same (absent) user config.
 */
export function privateEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return oracleEnv(home, extra);
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  const done = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await done;
  clearTimeout(timer);
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end !== -1) resolve(buffered.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code}) before printing its address`)));
  });
}

/**
 * A session bus of our own (not dbus-run-session, which would have to wrap
 * the whole test) with gnome-keyring's Secret Service on it, its login
 * keyring created unlocked.
 */
export async function startKeyring(base: string): Promise<Store> {
  const data = join(base, 'keyring-data');
  const run = join(base, 'keyring-run');
  mkdirSync(data, { recursive: true });
  mkdirSync(run, { recursive: true, mode: 0o700 });
  const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1', `--address=unix:path=${join(run, 'bus')}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const address = await firstLine(bus);
  const env = { DBUS_SESSION_BUS_ADDRESS: address };
  const daemonEnv = { ...process.env, ...env, XDG_DATA_HOME: data, XDG_RUNTIME_DIR: run };
  const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], { env: daemonEnv, stdio: ['pipe', 'ignore', 'ignore'] });
  // --unlock reads the new login keyring's password from stdin.
  keyring.stdin!.end('oracle-keyring-password');
  const stop = async () => {
    await stopChild(keyring);
    await stopChild(bus);
  };
  for (let i = 0; i < 200; i++) {
    const r = spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], {
      env: daemonEnv,
      encoding: 'utf8',
    });
    if (r.stdout?.includes('boolean true')) return { env, stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error('gnome-keyring did not take org.freedesktop.secrets within 10 s');
}

/** A pass store initialised for a passphrase-less key made for this run (the recipe in shared/recipes/pass). */
export function createPassStore(base: string): Store {
  const gnupgHome = join(base, 'gnupg');
  const storeDir = join(base, 'password-store');
  mkdirSync(gnupgHome, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: storeDir };
  const childEnv = { ...process.env, ...env };
  // gpg starts an agent for this GNUPGHOME; it would outlive the test.
  const stopAgent = () => spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: childEnv, stdio: 'ignore' });
  const gpg = (args: string[]) => execFileSync('gpg', ['--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { env: childEnv, stdio: 'ignore' });
  try {
    gpg(['--quick-gen-key', 'Oracle Test <oracle-test@example.invalid>', 'ed25519', 'sign,cert', 'never']);
    const fingerprint = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys', 'oracle-test@example.invalid'], { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .find((l) => l.startsWith('fpr'))!
      .split(':')[9]!;
    gpg(['--quick-add-key', fingerprint, 'cv25519', 'encr', 'never']);
    execFileSync('pass', ['init', fingerprint], { env: childEnv, stdio: 'ignore' });
  } catch (error) {
    stopAgent();
    throw error;
  }
  return {
    env,
    async stop() {
      stopAgent();
    },
  };
}
