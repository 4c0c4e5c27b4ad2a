// The real SecretSpec 0.21 provider endpoint the tests talk to
// (test/fixtures/ipc-endpoint, built on SecretSpec's own `secretspec-ipc`
// crate). Built once with cargo into a cache outside the clone, keyed by a
// hash of its sources so an edit rebuilds it, then reused by every run (CI
// runs in a fresh clone on the same machine).
//
//   node scripts/ipc-endpoint.mjs        builds if needed, prints the binary's path
//
// Concurrent callers (the test runner runs two files at once) wait on one
// lock directory instead of building twice.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasCommand, withCacheLock } from './lib/cacheLock.mjs';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'ipc-endpoint');
const SOURCES = ['Cargo.toml', 'Cargo.lock', join('src', 'main.rs')];
const NAME = 'secretspec-test-endpoint';

function cacheRoot() {
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'secretspec-vscode');
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of SOURCES) hash.update(file).update('\0').update(readFileSync(join(SOURCE, file))).update('\0');
  return hash.digest('hex').slice(0, 16);
}

export function endpointBinary() {
  return join(cacheRoot(), `ipc-endpoint-${sourceHash()}`, NAME);
}

function works(bin) {
  if (!existsSync(bin)) return false;
  // Without the `provider` argument it prints its usage and exits 2: proof that it runs.
  const r = spawnSync(bin, [], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 2 && r.stderr.includes('usage');
}

/** Returns `{ bin }` once the endpoint is built, or `{ reason }` when it cannot be built here. */
export function ensureEndpoint(log = (line) => process.stderr.write(line + '\n')) {
  const bin = endpointBinary();
  if (works(bin)) return { bin };
  if (!hasCommand('cargo')) return { reason: `cargo is not installed, so the test endpoint (${SOURCE}) cannot be built` };
  const root = cacheRoot();
  mkdirSync(root, { recursive: true });
  const lock = join(root, 'ipc-endpoint.lock');
  return withCacheLock(lock, () => works(bin), () => ({ bin }), () => {
    const started = Date.now();
    // One target directory for every version of the sources: an edit recompiles the endpoint, not its dependencies.
    const target = join(root, 'ipc-endpoint-target');
    log(`building the SecretSpec IPC test endpoint (cargo, secretspec-ipc 0.21.1) into ${target}`);
    const r = spawnSync('cargo', ['build', '--locked', '--manifest-path', join(SOURCE, 'Cargo.toml'), '--target-dir', target], {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) return { reason: `cargo build of the test endpoint failed:\n${(r.stderr ?? '').split('\n').slice(-20).join('\n')}` };
    mkdirSync(dirname(bin), { recursive: true });
    // Copied, then renamed into place, so a concurrent reader never runs a half-written file.
    const partial = `${bin}.partial`;
    copyFileSync(join(target, 'debug', NAME), partial);
    chmodSync(partial, 0o755);
    renameSync(partial, bin);
    // Binaries of earlier sources are never asked for again.
    for (const name of readdirSync(root)) {
      if (/^ipc-endpoint-[0-9a-f]{16}$/.test(name) && join(root, name) !== dirname(bin)) rmSync(join(root, name), { recursive: true, force: true });
    }
    log(`test endpoint built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return works(bin) ? { bin } : { reason: `${bin} does not run after the build` };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = ensureEndpoint();
  if (r.bin) console.log(r.bin);
  else {
    console.error(r.reason);
    process.exit(1);
  }
}
