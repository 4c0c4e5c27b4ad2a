// Runs code-server inside a private, unlocked gnome-keyring (keyring-session.sh
// in a dbus-run-session), optionally with one value stored before it starts,
// the way a user's keyring already holds their secrets. The value is read
// from a file, so it is in no process's environment or argv.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { ROOT } from './codeServer';

export interface KeyringSeed {
  /** The keyring-rs service name SecretSpec uses: `secretspec/<project>/<profile>/<NAME>`. */
  service: string;
  value: string;
}

export function keyringSession(runDir: string, seed?: KeyringSeed): { wrapper: string[]; env: NodeJS.ProcessEnv } {
  const session = ['dbus-run-session', '--', join(ROOT, 'test', 'e2e', 'support', 'keyring-session.sh')];
  const env = { KEYRING_DIR: join(runDir, 'keyring') };
  if (!seed) return { wrapper: session, env };
  mkdirSync(runDir, { recursive: true });
  const file = join(runDir, 'keyring-seed');
  writeFileSync(file, seed.value, { mode: 0o600 });
  // keyring-rs stores `service` and `username` attributes; secret-tool writes the same item.
  const store = 'secret-tool store --label=seed service "$SEED_SERVICE" username "$SEED_USER" < "$SEED_FILE" && exec "$@"';
  return { wrapper: [...session, 'sh', '-c', store, 'seed'], env: { ...env, SEED_FILE: file, SEED_SERVICE: seed.service, SEED_USER: userInfo().username } };
}
