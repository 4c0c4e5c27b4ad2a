// The unix-socket edge of the D-Bus client: connect, SASL EXTERNAL, Hello,
// then method calls matched to their replies by serial. Calls may be sent
// before earlier ones are answered (the bus keeps their order), so a batch
// of searches costs one round trip's latency, not one per call.
import * as net from 'node:net';
import { BEGIN, MessageType, authAccepted, authExternal, decodeMessage, encodeMethodCall, messageLength, type MethodCall, type WireValue } from './wire';

/** A failure to reach or talk to the bus; `code` is a Node system error code, `timeout` or `protocol`. */
export class BusUnreachable extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'BusUnreachable';
  }
}

/** An error reply: the service's error name and its first string argument. */
export class DBusErrorReply extends Error {
  constructor(
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'DBusErrorReply';
  }
}

interface Pending {
  resolve(body: WireValue[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class BusConnection {
  private serial = 0;
  private readonly pending = new Map<number, Pending>();
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly callTimeoutMs: number,
  ) {}

  /** Connects, authenticates and says Hello within `timeoutMs`; a bus that is not there fails at once. */
  static connect(socketPath: string, describe: string, timeoutMs: number, callTimeoutMs: number): Promise<BusConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ path: socketPath });
      const conn = new BusConnection(socket, callTimeoutMs);
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // Ends the socket and the pending Hello with its timer, so nothing of the attempt lingers.
        conn.end(error);
        reject(error);
      };
      const timer = setTimeout(() => fail(new BusUnreachable(`the session bus at ${describe} did not answer within ${timeoutMs} ms`, 'timeout')), timeoutMs);
      socket.once('error', (error: NodeJS.ErrnoException) => fail(new BusUnreachable(`cannot connect to the session bus at ${describe} (${error.code ?? error.message})`, error.code ?? 'error')));
      socket.once('close', () => fail(new BusUnreachable(`the session bus at ${describe} closed the connection during the handshake`, 'protocol')));
      socket.once('connect', () => {
        socket.write(authExternal(process.getuid?.() ?? 0));
      });
      let line = '';
      const onAuth = (chunk: Buffer) => {
        const end = chunk.indexOf('\r\n');
        if (end === -1) {
          line += chunk.toString('ascii');
          if (line.length > 512) fail(new BusUnreachable(`the session bus at ${describe} sent an overlong authentication line`, 'protocol'));
          return;
        }
        line += chunk.toString('ascii', 0, end);
        socket.off('data', onAuth);
        const verdict = authAccepted(line);
        if (!verdict.ok) {
          fail(new BusUnreachable(`the session bus at ${describe} refused authentication (${verdict.reason})`, 'protocol'));
          return;
        }
        socket.on('data', (data: Buffer) => conn.receive(data));
        socket.on('error', (error) => conn.end(new BusUnreachable(`the session bus connection failed (${(error as NodeJS.ErrnoException).code ?? error.message})`, 'error')));
        socket.on('close', () => conn.end(new BusUnreachable('the session bus closed the connection', 'closed')));
        socket.write(BEGIN);
        conn
          .call({ path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello', destination: 'org.freedesktop.DBus' })
          .then(() => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            // An idle connection must not keep the process alive; a pending call's timer does while it waits.
            socket.unref();
            resolve(conn);
          }, fail);
        const rest = chunk.subarray(end + 2);
        if (rest.length) conn.receive(rest);
      };
      socket.on('data', onAuth);
    });
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  /** Sends a method call; resolves with the reply's body, rejects with DBusErrorReply or BusUnreachable. */
  call(call: Omit<MethodCall, 'serial'>): Promise<WireValue[]> {
    if (this.failure) return Promise.reject(this.failure);
    this.serial = this.serial >= 0xffffffff ? 1 : this.serial + 1;
    const serial = this.serial;
    const bytes = encodeMethodCall({ ...call, serial });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(serial);
        reject(new BusUnreachable(`${call.member} got no reply within ${this.callTimeoutMs} ms`, 'timeout'));
      }, this.callTimeoutMs);
      this.pending.set(serial, { resolve, reject, timer });
      this.socket.write(bytes);
    });
  }

  close(): void {
    this.end(new BusUnreachable('the session bus connection was closed', 'closed'));
  }

  private receive(data: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    try {
      for (;;) {
        const length = messageLength(this.buffer);
        if (length === undefined || this.buffer.length < length) return;
        const bytes = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        this.dispatch(bytes);
      }
    } catch (error) {
      this.end(new BusUnreachable(`the session bus sent a malformed message (${(error as Error).message})`, 'protocol'));
    }
  }

  private dispatch(bytes: Buffer): void {
    const type = bytes[1];
    // Signals (NameAcquired after Hello) and calls to us are not wanted; only replies are decoded.
    if (type !== MessageType.MethodReturn && type !== MessageType.Error) return;
    const message = decodeMessage(bytes);
    const waiting = message.replySerial === undefined ? undefined : this.pending.get(message.replySerial);
    if (!waiting) return;
    this.pending.delete(message.replySerial!);
    clearTimeout(waiting.timer);
    if (message.type === MessageType.MethodReturn) waiting.resolve(message.body);
    else {
      const first = message.body[0];
      waiting.reject(new DBusErrorReply(message.errorName ?? 'unknown', typeof first === 'string' ? first : ''));
    }
  }

  private end(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.socket.destroy();
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    this.pending.clear();
  }
}
