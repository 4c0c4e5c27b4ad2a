// `npm run demo`: a real VS Code (code-server, installed on demand into
// .cache/code-server) with the extension and a copy of examples/, on
// 127.0.0.1. Inside a private, unlocked gnome-keyring session when one can be
// had, so the keyring-backed production profile works too. Ctrl+C stops it.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE, ensureCodeServer, ROOT, startCodeServer } from '../test/e2e/support/codeServer';
import { stageExtension } from '../test/e2e/support/stageExtension';
import { ensureDebianPackages } from '../test/support/systemPackages';

async function main(): Promise<void> {
  const cs = ensureCodeServer((line) => console.log(line));
  if (!cs.ok) {
    console.error(`Cannot run the demo: ${cs.reason}`);
    process.exit(1);
  }
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const runDir = join(CACHE, 'demo');
  rmSync(runDir, { recursive: true, force: true });
  const examples = join(runDir, 'examples');
  // A copy: setting and importing in the demo must not change the repository's example files.
  cpSync(join(ROOT, 'examples'), examples, { recursive: true });
  mkdirSync(join(runDir, 'extensions'), { recursive: true });
  stageExtension(join(runDir, 'extensions'));
  const keyring = ensureDebianPackages(['gnome-keyring', 'libsecret-tools', 'dbus', 'dbus-x11']).ok && spawnSync('sh', ['-c', 'command -v dbus-run-session'], { stdio: 'ignore' }).status === 0;
  const port = Number(process.env.PORT ?? 8080);
  const run = await startCodeServer({
    bin: cs.bin,
    runDir,
    port,
    open: examples,
    env: { KEYRING_DIR: join(runDir, 'keyring') },
    ...(keyring ? { wrapper: ['dbus-run-session', '--', join(ROOT, 'test', 'e2e', 'support', 'keyring-session.sh')] } : {}),
  });
  console.log(`\nSecretSpec demo: open ${run.url}/?folder=${encodeURIComponent(join(examples, 'shop'))}`);
  console.log(`(the whole examples folder: ${run.url}/?folder=${encodeURIComponent(examples)})`);
  console.log(keyring ? 'A private, unlocked OS keyring backs the production profile.' : 'No keyring session (gnome-keyring/dbus unavailable): production secrets show as unknown.');
  console.log('Press Ctrl+C to stop.');
  const stop = () => void run.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  run.process.on('exit', (code) => {
    console.log(`code-server exited (${code ?? 'signal'})`);
    process.exit(code ?? 0);
  });
}

void main();
