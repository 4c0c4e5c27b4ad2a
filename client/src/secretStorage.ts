// The only way the extension touches VS Code's SecretStorage. Credentials the
// extension itself holds live under a reserved prefix; this wrapper offers no
// listing and takes plain names only, so no command can reach an entry
// outside that namespace or enumerate what is inside it.
import type { SecretStorage } from 'vscode';

export const INTERNAL_PREFIX = 'secretspec.internal/';

export type SecretBackend = Pick<SecretStorage, 'get' | 'store' | 'delete'>;

function checkName(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) throw new Error('invalid secret storage key: use letters, digits, dot, dash and underscore');
}

/** The extension's own credentials; never handed to a command. */
export class InternalSecrets {
  constructor(private readonly backend: SecretBackend) {}
  get(name: string): Thenable<string | undefined> {
    checkName(name);
    return this.backend.get(INTERNAL_PREFIX + name);
  }
  store(name: string, value: string): Thenable<void> {
    checkName(name);
    return this.backend.store(INTERNAL_PREFIX + name, value);
  }
  delete(name: string): Thenable<void> {
    checkName(name);
    return this.backend.delete(INTERNAL_PREFIX + name);
  }
}
