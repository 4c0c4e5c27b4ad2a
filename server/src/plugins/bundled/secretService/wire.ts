// The D-Bus wire format (D-Bus specification, "Message Protocol"), as much of
// it as a Secret Service search needs: the SASL EXTERNAL handshake lines and
// signature-driven marshalling of messages. Pure: bytes in, values out.
// Outgoing messages are little-endian; incoming ones may be either.

export const MessageType = { MethodCall: 1, MethodReturn: 2, Error: 3, Signal: 4 } as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A decoded value: numbers (64-bit ones as bigint), booleans, strings, arrays; structs and dict entries are arrays of their members. */
export type WireValue = number | bigint | boolean | string | WireValue[] | Variant;
export interface Variant {
  signature: string;
  value: WireValue;
}

export interface Message {
  type: MessageType;
  flags: number;
  serial: number;
  path?: string;
  interface?: string;
  member?: string;
  errorName?: string;
  replySerial?: number;
  destination?: string;
  sender?: string;
  signature?: string;
  body: WireValue[];
}

/** What the caller provides for a method call; `body` is marshalled by `signature`. */
export interface MethodCall {
  serial: number;
  path: string;
  interface: string;
  member: string;
  destination: string;
  signature?: string;
  /** Values to marshal; an `a{..}` takes a Record or [key, value] pairs. */
  body?: unknown[];
  flags?: number;
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/** The specification's limits: a message is at most 128 MiB, an array 64 MiB. */
const MAX_MESSAGE = 2 ** 27;
const MAX_ARRAY = 2 ** 26;
const FIXED_HEADER = 16;

const FIELD = { path: 1, interface: 2, member: 3, errorName: 4, replySerial: 5, destination: 6, sender: 7, signature: 8, unixFds: 9 } as const;

function alignmentOf(code: string): number {
  switch (code) {
    case 'y':
    case 'g':
    case 'v':
      return 1;
    case 'n':
    case 'q':
      return 2;
    case 'b':
    case 'i':
    case 'u':
    case 'h':
    case 's':
    case 'o':
    case 'a':
      return 4;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
      return 8;
    default:
      throw new WireError(`unknown type code '${code}' in a signature`);
  }
}

/** Index just past the single complete type that starts at `start` of `signature`. */
function endOfType(signature: string, start: number): number {
  const code = signature[start];
  if (code === undefined) throw new WireError(`signature '${signature}' ends inside a type`);
  if (code === 'a') return endOfType(signature, start + 1);
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    let i = start + 1;
    while (signature[i] !== close) {
      if (i >= signature.length) throw new WireError(`signature '${signature}' has an unclosed '${code}'`);
      i = endOfType(signature, i);
    }
    return i + 1;
  }
  alignmentOf(code);
  return start + 1;
}

/** The complete types a signature lists, in order. */
export function splitSignature(signature: string): string[] {
  const types: string[] = [];
  for (let i = 0; i < signature.length; ) {
    const end = endOfType(signature, i);
    types.push(signature.slice(i, end));
    i = end;
  }
  return types;
}

class Writer {
  private buf = Buffer.alloc(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.room(pad);
    this.buf.fill(0, this.length, this.length + pad);
    this.length += pad;
  }

  u8(v: number): void {
    this.room(1);
    this.buf.writeUInt8(v, this.length);
    this.length += 1;
  }

  u32(v: number): void {
    this.align(4);
    this.room(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }

  setU32(at: number, v: number): void {
    this.buf.writeUInt32LE(v, at);
  }

  raw(bytes: Buffer): void {
    this.room(bytes.length);
    bytes.copy(this.buf, this.length);
    this.length += bytes.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  value(type: string, v: unknown): void {
    const code = type[0]!;
    switch (code) {
      case 'y':
        this.u8(Number(v));
        return;
      case 'b':
        this.u32(v ? 1 : 0);
        return;
      case 'u':
        this.u32(Number(v));
        return;
      case 's':
      case 'o': {
        const text = Buffer.from(String(v), 'utf8');
        this.u32(text.length);
        this.raw(text);
        this.u8(0);
        return;
      }
      case 'g': {
        const text = Buffer.from(String(v), 'ascii');
        if (text.length > 255) throw new WireError('a signature is at most 255 bytes');
        this.u8(text.length);
        this.raw(text);
        this.u8(0);
        return;
      }
      case 'v': {
        const variant = v as Variant;
        this.value('g', variant.signature);
        this.value(variant.signature, variant.value);
        return;
      }
      case 'a': {
        const element = type.slice(1);
        const items: unknown[] = element[0] === '{' && !Array.isArray(v) ? Object.entries(v as Record<string, unknown>) : (v as unknown[]);
        this.u32(0);
        const lengthAt = this.length - 4;
        // The length excludes the padding before the first element, even when the array is empty.
        this.align(alignmentOf(element[0]!));
        const start = this.length;
        for (const item of items) this.value(element, item);
        this.setU32(lengthAt, this.length - start);
        return;
      }
      case '(':
      case '{': {
        this.align(8);
        const members = splitSignature(type.slice(1, -1));
        const values = v as unknown[];
        members.forEach((member, i) => this.value(member, values[i]));
        return;
      }
      default:
        throw new WireError(`marshalling type '${code}' is not needed for the Secret Service and not implemented`);
    }
  }
}

/** A method call, little-endian, ready to write to the bus. */
export function encodeMethodCall(call: MethodCall): Buffer {
  const w = new Writer();
  const body = new Writer();
  const signature = call.signature ?? '';
  const types = splitSignature(signature);
  const args = call.body ?? [];
  if (args.length !== types.length) throw new WireError(`signature '${signature}' takes ${types.length} value(s), got ${args.length}`);
  types.forEach((type, i) => body.value(type, args[i]));
  w.u8(0x6c);
  w.u8(MessageType.MethodCall);
  w.u8(call.flags ?? 0);
  w.u8(1);
  w.u32(body.length);
  w.u32(call.serial);
  // Field order as sd-bus writes it, so an encoded call can be compared with one captured from busctl.
  const fields: [number, string, string][] = [
    [FIELD.path, 'o', call.path],
    [FIELD.member, 's', call.member],
    [FIELD.interface, 's', call.interface],
    [FIELD.destination, 's', call.destination],
  ];
  if (signature !== '') fields.push([FIELD.signature, 'g', signature]);
  w.value(
    'a(yv)',
    fields.map(([code, sig, value]) => [code, { signature: sig, value }]),
  );
  w.align(8);
  w.raw(body.bytes());
  return Buffer.from(w.bytes());
}

class Reader {
  pos: number;

  constructor(
    private readonly buf: Buffer,
    private readonly little: boolean,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new WireError('a message ends in the middle of a value');
  }

  align(n: number): void {
    const pad = (n - (this.pos % n)) % n;
    this.need(pad);
    this.pos += pad;
  }

  u8(): number {
    this.need(1);
    return this.buf.readUInt8(this.pos++);
  }

  private fixed<T>(size: number, read: (at: number) => T): T {
    this.align(size);
    this.need(size);
    const v = read(this.pos);
    this.pos += size;
    return v;
  }

  u32(): number {
    return this.fixed(4, (at) => (this.little ? this.buf.readUInt32LE(at) : this.buf.readUInt32BE(at)));
  }

  private text(length: number): string {
    this.need(length + 1);
    const s = this.buf.toString('utf8', this.pos, this.pos + length);
    if (this.buf[this.pos + length] !== 0) throw new WireError('a string is not followed by its NUL byte');
    this.pos += length + 1;
    return s;
  }

  value(type: string): WireValue {
    const code = type[0]!;
    const b = this.buf;
    const le = this.little;
    switch (code) {
      case 'y':
        return this.u8();
      case 'b': {
        const v = this.u32();
        if (v > 1) throw new WireError(`a boolean is ${v}, not 0 or 1`);
        return v === 1;
      }
      case 'n':
        return this.fixed(2, (at) => (le ? b.readInt16LE(at) : b.readInt16BE(at)));
      case 'q':
        return this.fixed(2, (at) => (le ? b.readUInt16LE(at) : b.readUInt16BE(at)));
      case 'i':
        return this.fixed(4, (at) => (le ? b.readInt32LE(at) : b.readInt32BE(at)));
      case 'u':
      case 'h':
        return this.u32();
      case 'x':
        return this.fixed(8, (at) => (le ? b.readBigInt64LE(at) : b.readBigInt64BE(at)));
      case 't':
        return this.fixed(8, (at) => (le ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at)));
      case 'd':
        return this.fixed(8, (at) => (le ? b.readDoubleLE(at) : b.readDoubleBE(at)));
      case 's':
      case 'o':
        return this.text(this.u32());
      case 'g':
        return this.text(this.u8());
      case 'v': {
        const signature = this.value('g') as string;
        if (endOfType(signature, 0) !== signature.length) throw new WireError(`a variant's signature '${signature}' is not one complete type`);
        return { signature, value: this.value(signature) };
      }
      case 'a': {
        const length = this.u32();
        if (length > MAX_ARRAY) throw new WireError(`an array of ${length} bytes is over the specification's limit`);
        const element = type.slice(1);
        this.align(alignmentOf(element[0]!));
        const stop = this.pos + length;
        if (stop > this.end) throw new WireError('an array runs past the end of its message');
        const items: WireValue[] = [];
        while (this.pos < stop) items.push(this.value(element));
        if (this.pos !== stop) throw new WireError('an array element runs past the array');
        return items;
      }
      case '(':
      case '{':
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((member) => this.value(member));
      default:
        throw new WireError(`unknown type code '${code}'`);
    }
  }
}

function endianOf(buf: Buffer, at: number): boolean {
  const mark = buf[at];
  if (mark === 0x6c) return true;
  if (mark === 0x42) return false;
  throw new WireError(`a message starts with byte 0x${(mark ?? 0).toString(16)}, not an endianness mark`);
}

/** Bytes the message at `at` occupies, or undefined while fewer than its fixed header have arrived. */
export function messageLength(buf: Buffer, at = 0): number | undefined {
  if (buf.length - at < FIXED_HEADER) return undefined;
  const little = endianOf(buf, at);
  const body = little ? buf.readUInt32LE(at + 4) : buf.readUInt32BE(at + 4);
  const fields = little ? buf.readUInt32LE(at + 12) : buf.readUInt32BE(at + 12);
  const header = FIXED_HEADER + fields + ((8 - ((FIXED_HEADER + fields) % 8)) % 8);
  const total = header + body;
  if (total > MAX_MESSAGE) throw new WireError(`a message of ${total} bytes is over the specification's limit`);
  return total;
}

/** Decodes one complete message (the whole of `buf`). */
export function decodeMessage(buf: Buffer): Message {
  const little = endianOf(buf, 0);
  const total = messageLength(buf);
  if (total === undefined || total !== buf.length) throw new WireError(`a message is ${buf.length} bytes but its header says ${total ?? 'more'}`);
  const r = new Reader(buf, little, 1, buf.length);
  const type = r.u8() as MessageType;
  const flags = r.u8();
  const version = r.u8();
  if (version !== 1) throw new WireError(`protocol version ${version} is not 1`);
  const bodyLength = r.u32();
  const serial = r.u32();
  const message: Message = { type, flags, serial, body: [] };
  for (const [code, variant] of r.value('a(yv)') as [number, Variant][]) {
    const v = variant.value;
    switch (code) {
      case FIELD.path:
        message.path = v as string;
        break;
      case FIELD.interface:
        message.interface = v as string;
        break;
      case FIELD.member:
        message.member = v as string;
        break;
      case FIELD.errorName:
        message.errorName = v as string;
        break;
      case FIELD.replySerial:
        message.replySerial = v as number;
        break;
      case FIELD.destination:
        message.destination = v as string;
        break;
      case FIELD.sender:
        message.sender = v as string;
        break;
      case FIELD.signature:
        message.signature = v as string;
        break;
      // Unknown fields must be ignored (specification); UNIX_FDS never comes to a client that did not negotiate them.
    }
  }
  r.align(8);
  if (r.pos + bodyLength !== buf.length) throw new WireError('a message body does not end where its header says');
  if (message.signature) {
    for (const type of splitSignature(message.signature)) message.body.push(r.value(type));
  }
  if (r.pos !== buf.length) throw new WireError('a message body is longer than its signature');
  return message;
}

/** The SASL EXTERNAL opening: the NUL credentials byte, then AUTH with the uid as hex-encoded decimal text. */
export function authExternal(uid: number): Buffer {
  return Buffer.from(`\0AUTH EXTERNAL ${Buffer.from(String(uid), 'ascii').toString('hex')}\r\n`, 'ascii');
}

export const BEGIN = Buffer.from('BEGIN\r\n', 'ascii');

/** The server's answer to AUTH: `OK <guid>` accepts; anything else (REJECTED, ERROR) says why not. */
export function authAccepted(line: string): { ok: true; guid: string } | { ok: false; reason: string } {
  const match = /^OK ([0-9a-f]{32})$/.exec(line);
  return match ? { ok: true, guid: match[1]! } : { ok: false, reason: line.slice(0, 120) };
}
