// Where the session bus is (D-Bus specification, "Server Addresses"):
// DBUS_SESSION_BUS_ADDRESS, else $XDG_RUNTIME_DIR/bus when that socket
// exists. Only `unix:path=` sockets are spoken here: Node pads an abstract
// socket's name to the full address length, so it never reaches the
// exact-length name dbus-daemon listens on. Such a bus (or a tcp one) is
// still a bus, reported as `other` so the caller can leave it to keyring-rs;
// no bus at all is `none`, said at once with no autolaunch.

export type BusAddress =
  | { kind: 'socket'; socket: string; describe: string }
  | { kind: 'other'; describe: string }
  | { kind: 'none'; reason: string };

function unescape(value: string): string {
  return value.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** The first `unix:path=` transport of an address list, else the list as a bus this client cannot reach. */
export function parseBusAddress(list: string): BusAddress {
  const transports: string[] = [];
  for (const entry of list.split(';')) {
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    const transport = colon === -1 ? entry : entry.slice(0, colon);
    const keys = new Map<string, string>();
    for (const pair of entry.slice(colon + 1).split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) keys.set(pair.slice(0, eq), unescape(pair.slice(eq + 1)));
    }
    const path = transport === 'unix' ? keys.get('path') : undefined;
    if (path) return { kind: 'socket', socket: path, describe: path };
    transports.push(transport === 'unix' && keys.has('abstract') ? 'unix:abstract' : transport);
  }
  return transports.length ? { kind: 'other', describe: transports.join(', ') } : { kind: 'none', reason: 'DBUS_SESSION_BUS_ADDRESS names no transport' };
}

/** The session bus for `env`; `isSocket` says whether a path is a socket (the one file-system question asked). */
export function sessionBusAddress(env: NodeJS.ProcessEnv, isSocket: (path: string) => boolean): BusAddress {
  const configured = env.DBUS_SESSION_BUS_ADDRESS;
  if (configured) return parseBusAddress(configured);
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime) {
    const path = `${runtime.replace(/\/+$/, '')}/bus`;
    if (isSocket(path)) return { kind: 'socket', socket: path, describe: path };
    return { kind: 'none', reason: `DBUS_SESSION_BUS_ADDRESS is unset and there is no ${path}` };
  }
  return { kind: 'none', reason: 'DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are both unset' };
}
