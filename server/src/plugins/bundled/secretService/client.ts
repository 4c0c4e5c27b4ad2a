// The Secret Service calls presence needs, and nothing that could return a
// secret: SearchItems matches items by their (unencrypted) attributes and
// answers with object paths. No session is opened and no secret is read.
import { statSync } from 'node:fs';
import { sessionBusAddress, type BusAddress } from './address';
import { BusConnection, DBusErrorReply } from './connection';
import type { WireValue } from './wire';

export { BusUnreachable, DBusErrorReply } from './connection';

const DBUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };
const SERVICE = { destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'org.freedesktop.Secret.Service' };

export interface SearchResult {
  unlocked: string[];
  locked: string[];
}

function isPathList(v: WireValue | undefined): v is string[] {
  return Array.isArray(v) && v.every((p) => typeof p === 'string');
}

function isSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/** The session bus `env` points at, asking the file system only whether $XDG_RUNTIME_DIR/bus exists. */
export function findSessionBus(env: NodeJS.ProcessEnv): BusAddress {
  return sessionBusAddress(env, isSocket);
}

export class SecretServiceClient {
  private constructor(private readonly bus: BusConnection) {}

  /**
   * Connects and makes sure something answers for the Secret Service: a
   * running owner, or one the bus can start on the first call. A bus with
   * neither fails here, once, rather than on every search.
   */
  static async connect(address: Extract<BusAddress, { kind: 'socket' }>, connectMs: number, callMs: number): Promise<SecretServiceClient> {
    const bus = await BusConnection.connect(address.socket, address.describe, connectMs, callMs);
    try {
      const [[owned], [activatable]] = await Promise.all([
        bus.call({ ...DBUS, member: 'NameHasOwner', signature: 's', body: [SERVICE.destination] }),
        bus.call({ ...DBUS, member: 'ListActivatableNames' }),
      ]);
      if (owned !== true && !(Array.isArray(activatable) && activatable.includes(SERVICE.destination))) {
        throw new DBusErrorReply('org.freedesktop.DBus.Error.ServiceUnknown', `nothing owns ${SERVICE.destination} on the session bus at ${address.describe} and no service file can start it`);
      }
    } catch (err) {
      bus.close();
      throw err;
    }
    return new SecretServiceClient(bus);
  }

  /** False once the bus connection ended; a new client must then be connected. */
  get usable(): boolean {
    return !this.bus.closed;
  }

  /** Items whose attributes include all of `attributes`, in every collection, locked or not. */
  async searchItems(attributes: Record<string, string>): Promise<SearchResult> {
    const [unlocked, locked] = await this.bus.call({ ...SERVICE, member: 'SearchItems', signature: 'a{ss}', body: [attributes] });
    if (!isPathList(unlocked) || !isPathList(locked)) throw new DBusErrorReply('org.freedesktop.DBus.Error.InvalidSignature', 'SearchItems did not answer with two object path arrays (aoao)');
    return { unlocked, locked };
  }

  close(): void {
    this.bus.close();
  }
}
