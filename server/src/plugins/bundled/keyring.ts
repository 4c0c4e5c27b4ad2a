// `keyring`: the OS keychain through @napi-rs/keyring (keyring-rs, the same
// library SecretSpec uses). Service = the URI template expanded (default
// `secretspec/{project}/{profile}/{key}`), account = the OS user name, so an
// entry written by the `secretspec` CLI is found here and vice versa (§E).
import * as os from 'node:os';
import type { BundledProvider } from '../types';
import { OpFailure, errorBody } from './errors';
import { createSession, type Coordinates } from './session';
import { expandTemplate, templateFromUri } from '../../providers/scheme';
import { readProviderUri } from '../../providers/uri';

type KeyringModule = typeof import('@napi-rs/keyring');

// On Linux keyring-rs otherwise falls back to the kernel keyutils store, which
// SecretSpec does not use: pin the Secret Service so both tools share entries.
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

let loaded: Promise<KeyringModule> | undefined;
function loadKeyring(): Promise<KeyringModule> {
  // Loaded on first use: a native module that fails to load must not take the other providers down.
  loaded ??= import('@napi-rs/keyring').then((m) => ((m as { default?: KeyringModule }).default ?? m) as KeyringModule);
  return loaded;
}

/** The account SecretSpec files entries under: the OS user name (`whoami::username`). */
export function keyringAccount(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? '';
  }
}

/** Maps a keyring-rs failure to a protocol error; the library's text names the store, never a password. */
export function keyringFailure(err: unknown, action: string): OpFailure {
  const detail = (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
  if (/locked|prompt|dismissed|IsLocked|No such interface.*Prompt/i.test(detail)) {
    return new OpFailure('auth_failed', `the OS keyring is locked (${detail}); unlock it (e.g. log in to the desktop session or run gnome-keyring-daemon --unlock) and retry ${action}`);
  }
  if (/DBUS_SESSION_BUS_ADDRESS|dbus|D-Bus|ServiceUnknown|org\.freedesktop\.secrets|autolaunch|NoStorageAccess|platform (secure )?storage|Object does not exist/i.test(detail)) {
    return new OpFailure('unavailable', `the OS keyring (Secret Service) is not reachable (${detail}); start a keyring daemon such as gnome-keyring in this session and retry ${action}`);
  }
  if (/AccessDenied|permission|not allowed/i.test(detail)) {
    return new OpFailure('permission_denied', `the OS keyring refused access (${detail})`);
  }
  return new OpFailure('internal', `the OS keyring failed during ${action} (${detail})`);
}

export const keyringProvider: BundledProvider = {
  scheme: 'keyring',
  async open(hello, env) {
    const parsed = readProviderUri(hello.uri);
    if (!parsed.ok) return errorBody('invalid_request', parsed.message);
    const template = templateFromUri(parsed.url);
    const account = keyringAccount(env);
    if (account === '') return errorBody('internal', 'cannot determine the OS user name the keyring entries are filed under');
    let keyring: KeyringModule;
    try {
      keyring = await loadKeyring();
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return errorBody('unavailable', `the OS keyring library (@napi-rs/keyring) could not be loaded (${reason}); reinstall the extension for this platform`);
    }
    const entry = (at: Coordinates, key: string) => new keyring.AsyncEntry(expandTemplate(template, { ...at, key }), account, ENTRY_OPTIONS);
    const guarded = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        throw keyringFailure(err, action);
      }
    };
    return createSession('keyring', ['get', 'batch_get', 'exists', 'set', 'delete'], {
      get: (at, key) => guarded('get', () => entry(at, key).getPassword()),
      // keyring-rs has no presence query; the password is read and dropped right here.
      exists: (at, key) => guarded('exists', async () => (await entry(at, key).getPassword()) !== null),
      set: (at, key, value) => guarded('set', () => entry(at, key).setPassword(value)),
      delete: (at, key) =>
        guarded('delete', async () => {
          await entry(at, key).deleteCredential();
        }),
    });
  },
};
