// The real SecretSpec CLI the tests compare against: 0.21.1, built once with
// cargo into a cache outside the clone (CI runs in a fresh clone on the same
// machine, and a rebuild per run would cost minutes), then reused.
//
//   node scripts/secretspec-oracle.mjs        installs if needed, prints the binary's path
//
// Tests import `ensureOracle()` through test/support/oracle.ts. Concurrent
// callers (the test runner runs two files at once) wait on one lock directory
// instead of building twice.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { hasCommand, withCacheLock } from './lib/cacheLock.mjs';

export const ORACLE_VERSION = '0.21.1';
// cli: the binary; keyring: the OS keyring store; age: an offline store the
// server does not speak natively (the CLI bridge's test provider).
export const ORACLE_FEATURES = ['cli', 'keyring', 'age'];

export function oracleRoot() {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'secretspec-vscode', `secretspec-${ORACLE_VERSION}-${ORACLE_FEATURES.join('+')}`);
}

export function oracleBinary() {
  return join(oracleRoot(), 'bin', 'secretspec');
}

function works(bin) {
  if (!existsSync(bin)) return false;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes(ORACLE_VERSION);
}

function debianPackages(pkgs) {
  const missing = pkgs.filter((p) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8' });
    return !(r.status === 0 && r.stdout.includes('install ok installed'));
  });
  if (missing.length === 0) return;
  if (!hasCommand('apt-get') || process.getuid?.() !== 0) {
    throw new Error(`the keyring feature needs Debian packages ${missing.join(' ')}; run: sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const lock = ['-o', 'DPkg::Lock::Timeout=300'];
  execFileSync('apt-get', [...lock, 'update'], { env, stdio: 'ignore' });
  execFileSync('apt-get', [...lock, 'install', '-y', '--no-install-recommends', ...missing], { env, stdio: 'ignore' });
}

/**
 * Returns `{ bin }` once the oracle works, or `{ reason }` when it cannot be
 * had here (no cargo, no registry). `log` receives progress lines.
 */
export function ensureOracle(log = (line) => process.stderr.write(line + '\n')) {
  const bin = oracleBinary();
  if (works(bin)) return { bin };
  if (!hasCommand('cargo')) return { reason: 'cargo is not installed, so SecretSpec 0.21.1 cannot be built (install Rust, or put secretspec 0.21.1 at ' + bin + ')' };
  const root = oracleRoot();
  mkdirSync(join(root, '..'), { recursive: true });
  const lock = root + '.lock';
  return withCacheLock(lock, () => works(bin), () => ({ bin }), () => {
    debianPackages(['pkg-config', 'libdbus-1-dev']);
    const started = Date.now();
    log(`installing SecretSpec ${ORACLE_VERSION} (cargo, features ${ORACLE_FEATURES.join(',')}) into ${root}; this happens once per machine`);
    const r = spawnSync(
      'cargo',
      ['install', 'secretspec', '--version', ORACLE_VERSION, '--locked', '--no-default-features', '--features', ORACLE_FEATURES.join(','), '--root', root],
      { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.status !== 0) return { reason: `cargo install secretspec ${ORACLE_VERSION} failed:\n${(r.stderr ?? '').split('\n').slice(-15).join('\n')}` };
    log(`SecretSpec ${ORACLE_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return works(bin) ? { bin } : { reason: `${bin} does not report version ${ORACLE_VERSION} after install` };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = ensureOracle();
  if (r.bin) console.log(r.bin);
  else {
    console.error(r.reason);
    process.exit(1);
  }
}
