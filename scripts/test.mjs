// The one test command (README, .ci/run): build, type-check, then every
// *.test.ts under test/ with Node's built-in runner. Suites that need
// ../shared or system packages decide for themselves whether to skip.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });

function collect(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules' || name === 'fixtures') continue;
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
// The real SecretSpec the differential suites compare with: built once per
// machine (minutes), so it starts now and overlaps the build and type-check.
// The SecretSpec 0.21 test endpoint (cargo, secretspec-ipc) likewise, once per change of its sources.
const prepared = ['scripts/secretspec-oracle.mjs', 'scripts/ipc-endpoint.mjs'].map(
  (script) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [join(root, script)], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.resume();
      child.on('exit', resolve);
    }),
);
run(process.execPath, ['scripts/build.mjs']);
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
const files = only.length ? only : collect(join(root, 'test')).sort();
// A failed install is reported by the suites that need it (they skip, or fail on CI).
await Promise.all(prepared);
try {
  run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=600000', '--test-reporter=spec', ...files]);
} catch {
  process.exit(1);
}
