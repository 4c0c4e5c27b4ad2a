// Installs the Debian packages a test needs when they are missing, so the
// suite passes on a fresh machine. Tests that cannot get their packages
// (not root, no apt) skip with the reason instead of failing.
import { execFileSync, spawnSync } from 'node:child_process';

export interface PackagesResult {
  ok: boolean;
  reason?: string;
}

function isInstalled(pkg: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function hasCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// Two test files may install at the same time; apt waits for the other's lock instead of failing.
const LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=300'];

export function ensureDebianPackages(pkgs: string[]): PackagesResult {
  if (!hasCommand('dpkg-query') || !hasCommand('apt-get')) {
    return { ok: false, reason: 'not a Debian-like system (no dpkg-query/apt-get); cannot install ' + pkgs.join(' ') };
  }
  const missing = pkgs.filter((p) => !isInstalled(p));
  if (missing.length === 0) return { ok: true };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return { ok: false, reason: `missing Debian packages ${missing.join(' ')} and not root; run: sudo apt-get install -y ${missing.join(' ')}` };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', [...LOCK_WAIT, 'update'], { env, stdio: 'ignore' });
    execFileSync('apt-get', [...LOCK_WAIT, 'install', '-y', '--no-install-recommends', ...missing], { env, stdio: 'ignore' });
  } catch (err) {
    return { ok: false, reason: `apt-get install ${missing.join(' ')} failed: ${(err as Error).message}` };
  }
  const still = missing.filter((p) => !isInstalled(p));
  return still.length === 0 ? { ok: true } : { ok: false, reason: `packages still missing after apt-get install: ${still.join(' ')}` };
}
