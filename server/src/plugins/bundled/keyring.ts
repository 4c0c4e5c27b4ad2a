// `keyring`: the OS keychain through @napi-rs/keyring (keyring-rs, the same
// library SecretSpec uses). Service = the URI template expanded (default
// `secretspec/{project}/{profile}/{key}`), account = the OS user name, so an
// entry written by the `secretspec` CLI is found here and vice versa (§E).
// Where that store is the Secret Service (Linux, the BSDs), presence is a
// SearchItems on the item attributes keyring-rs writes and looks up
// ({service, username}), over one D-Bus connection per session, and no value
// is read. macOS and Windows have no such search here, nor has a session bus
// on an abstract or tcp socket (Node cannot reach those): there presence
// reads the value through keyring-rs and drops it at once.
import * as os from 'node:os';
import type { BundledProvider } from '../types';
import { OpFailure, errorBody } from './errors';
import { createSession, type Coordinates } from './session';
import { expandTemplate, templateFromUri } from '../../providers/scheme';
import { readProviderUri } from '../../providers/uri';
import type { BusAddress } from './secretService/address';
import { BusUnreachable, DBusErrorReply, SecretServiceClient, findSessionBus, type SearchResult } from './secretService/client';

type KeyringModule = typeof import('@napi-rs/keyring');

// On Linux keyring-rs otherwise falls back to the kernel keyutils store, which
// SecretSpec does not use: pin the Secret Service so both tools share entries.
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

/** Where keyring-rs keeps entries in the Secret Service rather than a platform keychain. */
const SECRET_SERVICE_PLATFORM = process.platform !== 'darwin' && process.platform !== 'win32';
const CONNECT_TIMEOUT_MS = 2_000;
const CALL_TIMEOUT_MS = 5_000;

/** What to do when the Secret Service cannot be reached; `action` names what to retry, when there is one. */
const unreachableAdvice = (action?: string) => `start a keyring daemon such as gnome-keyring in this session and retry${action ? ` ${action}` : ''}`;

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
    return new OpFailure('unavailable', `the OS keyring (Secret Service) is not reachable (${detail}); ${unreachableAdvice(action)}`);
  }
  if (/AccessDenied|permission|not allowed/i.test(detail)) {
    return new OpFailure('permission_denied', `the OS keyring refused access (${detail})`);
  }
  return new OpFailure('internal', `the OS keyring failed during ${action} (${detail})`);
}

/** Maps a failure to reach or search the Secret Service (`action` absent: while opening); D-Bus error texts name services and paths, never a secret. */
export function searchFailure(err: unknown, action?: string): OpFailure {
  const during = action ?? 'the check';
  if (err instanceof BusUnreachable) return new OpFailure('unavailable', `the OS keyring (Secret Service) is not reachable (${err.message}); ${unreachableAdvice(action)}`);
  if (err instanceof DBusErrorReply) {
    const said = `${err.errorName}${err.message ? `: ${err.message.split('\n')[0]!.slice(0, 200)}` : ''}`;
    if (/\.(ServiceUnknown|NameHasNoOwner|NoReply|Spawn\.\w+)$/.test(err.errorName)) {
      return new OpFailure('unavailable', `no Secret Service (org.freedesktop.secrets) answers on the session bus (${said}); ${unreachableAdvice(action)}`);
    }
    if (/\.IsLocked$/.test(err.errorName)) return new OpFailure('auth_failed', `the OS keyring is locked (${said}); unlock it and retry ${during}`);
    if (/\.AccessDenied$/.test(err.errorName)) return new OpFailure('permission_denied', `the OS keyring refused the search (${said})`);
    return new OpFailure('internal', `the OS keyring failed during ${during} (${said})`);
  }
  return keyringFailure(err, during);
}

/**
 * Presence by attribute search over one bus connection, made when the
 * session opens; a connection that ended is made again by the next search.
 */
class SecretServicePresence {
  private client: Promise<SecretServiceClient>;

  private constructor(
    private readonly bus: Extract<BusAddress, { kind: 'socket' }>,
    first: SecretServiceClient,
  ) {
    this.client = Promise.resolve(first);
  }

  static async open(bus: Extract<BusAddress, { kind: 'socket' }>): Promise<SecretServicePresence> {
    return new SecretServicePresence(bus, await SecretServiceClient.connect(bus, CONNECT_TIMEOUT_MS, CALL_TIMEOUT_MS));
  }

  /** Whether an item with keyring-rs's attributes exists; a locked one counts, since it holds a value even if it cannot be read now. */
  async exists(service: string, account: string): Promise<boolean> {
    const held = await this.client.catch(() => undefined);
    let client = held?.usable ? held : await this.reconnect();
    let found: SearchResult;
    try {
      found = await client.searchItems({ service, username: account });
    } catch (err) {
      // A connection can be gone before its socket says so; one that was already open is made again once.
      if (!(err instanceof BusUnreachable) || err.code === 'timeout' || client !== held) throw err;
      client = await this.reconnect();
      found = await client.searchItems({ service, username: account });
    }
    return found.unlocked.length + found.locked.length > 0;
  }

  private reconnect(): Promise<SecretServiceClient> {
    this.client = SecretServiceClient.connect(this.bus, CONNECT_TIMEOUT_MS, CALL_TIMEOUT_MS);
    return this.client;
  }

  async close(): Promise<void> {
    (await this.client.catch(() => undefined))?.close();
  }
}

export const keyringProvider: BundledProvider = {
  scheme: 'keyring',
  async open(hello, env) {
    const parsed = readProviderUri(hello.uri);
    if (!parsed.ok) return errorBody('invalid_request', parsed.message);
    const template = templateFromUri(parsed.url);
    const account = keyringAccount(env);
    if (account === '') return errorBody('internal', 'cannot determine the OS user name the keyring entries are filed under');
    let presence: SecretServicePresence | undefined;
    if (SECRET_SERVICE_PLATFORM) {
      // Settled before keyring-rs is asked anything: a failed hello ends a check at once, where a failed `exists` per key is retried with back-off.
      const bus = findSessionBus(env);
      if (bus.kind === 'none') return errorBody('unavailable', `the OS keyring (Secret Service) is not reachable: there is no D-Bus session bus (${bus.reason}); ${unreachableAdvice()}`);
      // A bus this client cannot reach (abstract socket, tcp) is left to keyring-rs, presence included.
      if (bus.kind === 'socket') {
        try {
          presence = await SecretServicePresence.open(bus);
        } catch (err) {
          const failure = searchFailure(err);
          return errorBody(failure.kind, failure.message);
        }
      }
    }
    let keyring: KeyringModule;
    try {
      keyring = await loadKeyring();
    } catch (err) {
      await presence?.close();
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      return errorBody('unavailable', `the OS keyring library (@napi-rs/keyring) could not be loaded (${reason}); reinstall the extension for this platform`);
    }
    const service = (at: Coordinates, key: string) => expandTemplate(template, { ...at, key });
    const entry = (at: Coordinates, key: string) => new keyring.AsyncEntry(service(at, key), account, ENTRY_OPTIONS);
    const guarded = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        throw keyringFailure(err, action);
      }
    };
    const exists = presence
      ? async (at: Coordinates, key: string) => {
          try {
            return await presence.exists(service(at, key), account);
          } catch (err) {
            throw searchFailure(err, 'exists');
          }
        }
      : // No search here (macOS, Windows, a bus only keyring-rs reaches): the password is read and dropped right here.
        (at: Coordinates, key: string) => guarded('exists', async () => (await entry(at, key).getPassword()) !== null);
    return createSession('keyring', ['get', 'batch_get', 'exists', 'set', 'delete'], {
      get: (at, key) => guarded('get', () => entry(at, key).getPassword()),
      exists,
      set: (at, key, value) => guarded('set', () => entry(at, key).setPassword(value)),
      delete: (at, key) =>
        guarded('delete', async () => {
          await entry(at, key).deleteCredential();
        }),
      close: async () => {
        await presence?.close();
      },
    });
  },
};
