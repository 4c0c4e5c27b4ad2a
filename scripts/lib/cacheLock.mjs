// What the once-per-machine test-tool builders share (the SecretSpec oracle,
// the IPC test endpoint): a directory lock so two test files never build at
// once, taken over from an owner that died, and small process helpers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Runs `build` holding `lock`, unless `done()` says another process finished
 * the work while this one waited; then returns `whenDone()`.
 */
export function withCacheLock(lock, done, whenDone, build) {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (done()) return whenDone();
      // A lock whose owner died (killed test run) is taken over.
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        if (Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) > 5000) owner = -1;
      }
      if (owner === -1 || (owner > 0 && !alive(owner))) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      sleep(1000);
    }
  }
  try {
    return done() ? whenDone() : build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
