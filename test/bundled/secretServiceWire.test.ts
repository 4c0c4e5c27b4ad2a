// The D-Bus codec of the keyring presence search, against byte vectors: one
// computed by hand from the specification (Hello), and messages captured with
// `dbus-monitor --binary` on a private bus while `busctl` asked gnome-keyring
// SearchItems (its call, and the daemon's replies: one item, and none).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseBusAddress, sessionBusAddress } from '../../server/src/plugins/bundled/secretService/address';
import { MessageType, WireError, authAccepted, authExternal, decodeMessage, encodeMethodCall, messageLength, splitSignature } from '../../server/src/plugins/bundled/secretService/wire';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string) => Buffer.from(s, 'ascii').toString('hex');

/** busctl's call, as the bus delivered it (flags 0x04 ALLOW_INTERACTIVE_AUTHORIZATION, SENDER ":1.6" added by the bus). */
const CAPTURED_CALL = hex(
  '6c0104015100000002000000a500000001016f00180000002f6f72672f667265656465736b746f702f736563726574730000000000000000030173000b0000005365617263684974656d730000000000020173001e0000006f72672e667265656465736b746f702e5365637265742e53657276696365000006017300170000006f72672e667265656465736b746f702e73656372657473000801670005617b73737d00000000000007017300040000003a312e360000000049000000000000000700000073657276696365001b000000736563726574737065632f683370726f6a2f64656661756c742f41000000000008000000757365726e616d650000000004000000726f6f7400',
);
/** The same call as busctl wrote it: flags 0, no SENDER field, the header array shortened to match. */
const CAPTURED_CALL_AS_SENT = hex(
  '6c01000151000000020000009300000001016f00180000002f6f72672f667265656465736b746f702f736563726574730000000000000000030173000b0000005365617263684974656d730000000000020173001e0000006f72672e667265656465736b746f702e5365637265742e53657276696365000006017300170000006f72672e667265656465736b746f702e73656372657473000801670005617b73737d00000000000049000000000000000700000073657276696365001b000000736563726574737065632f683370726f6a2f64656661756c742f41000000000008000000757365726e616d650000000004000000726f6f7400',
);
/** gnome-keyring's answer: one unlocked item, no locked one. */
const CAPTURED_REPLY_ONE = hex(
  '6c020101380000001d0000003500000006017300040000003a312e36000000000801670004616f616f00000000000000050175000200000007017300040000003a312e3000000000300000002b0000002f6f72672f667265656465736b746f702f736563726574732f636f6c6c656374696f6e2f6c6f67696e2f310000000000',
);
/** gnome-keyring's answer for a service with no item: two empty arrays. */
const CAPTURED_REPLY_NONE = hex(
  '6c020101080000001e0000003500000006017300040000003a312e37000000000801670004616f616f00000000000000050175000200000007017300040000003a312e30000000000000000000000000',
);

test('Hello encodes to the bytes the specification gives', () => {
  const expected = hex(
    [
      // 'l', METHOD_CALL, no flags, version 1; body length 0; serial 1; header array of 0x6d bytes
      '6c010001 00000000 01000000 6d000000',
      // PATH 'o' "/org/freedesktop/DBus" (21 bytes), then padding to 8
      `01016f00 15000000 ${ascii('/org/freedesktop/DBus')}00 0000`,
      // MEMBER 's' "Hello"
      `03017300 05000000 ${ascii('Hello')}00 0000`,
      // INTERFACE 's' "org.freedesktop.DBus" (20 bytes)
      `02017300 14000000 ${ascii('org.freedesktop.DBus')}00 000000`,
      // DESTINATION 's' "org.freedesktop.DBus", then the header is padded to 8 (no body)
      `06017300 14000000 ${ascii('org.freedesktop.DBus')}00 000000`,
    ].join(''),
  );
  const encoded = encodeMethodCall({ serial: 1, path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello', destination: 'org.freedesktop.DBus' });
  assert.equal(encoded.length, 128);
  assert.equal(encoded.toString('hex'), expected.toString('hex'));
});

test('SearchItems encodes byte for byte as busctl sent it', () => {
  const encoded = encodeMethodCall({
    serial: 2,
    path: '/org/freedesktop/secrets',
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    destination: 'org.freedesktop.secrets',
    signature: 'a{ss}',
    body: [{ service: 'secretspec/h3proj/default/A', username: 'root' }],
  });
  assert.equal(encoded.toString('hex'), CAPTURED_CALL_AS_SENT.toString('hex'));
  // The same dictionary given as pairs marshals the same.
  const pairs = encodeMethodCall({
    serial: 2,
    path: '/org/freedesktop/secrets',
    interface: 'org.freedesktop.Secret.Service',
    member: 'SearchItems',
    destination: 'org.freedesktop.secrets',
    signature: 'a{ss}',
    body: [[['service', 'secretspec/h3proj/default/A'], ['username', 'root']]],
  });
  assert.deepEqual(pairs, encoded);
});

test('the captured call decodes, with the SENDER the bus added', () => {
  assert.equal(messageLength(CAPTURED_CALL), CAPTURED_CALL.length);
  const m = decodeMessage(CAPTURED_CALL);
  assert.equal(m.type, MessageType.MethodCall);
  assert.equal(m.flags, 4);
  assert.equal(m.serial, 2);
  assert.equal(m.path, '/org/freedesktop/secrets');
  assert.equal(m.interface, 'org.freedesktop.Secret.Service');
  assert.equal(m.member, 'SearchItems');
  assert.equal(m.destination, 'org.freedesktop.secrets');
  assert.equal(m.sender, ':1.6');
  assert.equal(m.signature, 'a{ss}');
  assert.deepEqual(m.body, [
    [
      ['service', 'secretspec/h3proj/default/A'],
      ['username', 'root'],
    ],
  ]);
});

test("gnome-keyring's replies decode to (unlocked, locked) path lists", () => {
  const one = decodeMessage(CAPTURED_REPLY_ONE);
  assert.equal(one.type, MessageType.MethodReturn);
  assert.equal(one.replySerial, 2);
  assert.equal(one.sender, ':1.0');
  assert.equal(one.destination, ':1.6');
  assert.equal(one.signature, 'aoao');
  assert.deepEqual(one.body, [['/org/freedesktop/secrets/collection/login/1'], []]);
  const none = decodeMessage(CAPTURED_REPLY_NONE);
  assert.equal(none.replySerial, 2);
  assert.deepEqual(none.body, [[], []]);
});

test('a big-endian error reply decodes (a bus relays the sender’s byte order)', () => {
  const bytes = hex(
    [
      // 'B', ERROR, no flags, version 1; body 9 bytes; serial 7; header array of 0x47 bytes
      '42030001 00000009 00000007 00000047',
      // ERROR_NAME 's' "org.freedesktop.DBus.Error.ServiceUnknown" (41 bytes), then padding to 8
      `04017300 00000029 ${ascii('org.freedesktop.DBus.Error.ServiceUnknown')}00 000000000000`,
      // REPLY_SERIAL 'u' 3
      '05017500 00000003',
      // SIGNATURE 'g' "s", then padding to 8
      '08016700 017300 00',
      // body: "gone" as 's'
      `00000004 ${ascii('gone')}00`,
    ].join(''),
  );
  const m = decodeMessage(bytes);
  assert.equal(m.type, MessageType.Error);
  assert.equal(m.serial, 7);
  assert.equal(m.replySerial, 3);
  assert.equal(m.errorName, 'org.freedesktop.DBus.Error.ServiceUnknown');
  assert.deepEqual(m.body, ['gone']);
});

test('incomplete and malformed input is told apart', () => {
  assert.equal(messageLength(CAPTURED_REPLY_ONE.subarray(0, 15)), undefined);
  assert.equal(messageLength(CAPTURED_REPLY_ONE.subarray(0, 16)), CAPTURED_REPLY_ONE.length, 'the length is known from the fixed header alone');
  assert.throws(() => decodeMessage(CAPTURED_REPLY_ONE.subarray(0, CAPTURED_REPLY_ONE.length - 1)), WireError);
  const badMark = Buffer.from(CAPTURED_REPLY_ONE);
  badMark[0] = 0x78;
  assert.throws(() => messageLength(badMark), /endianness/);
  const overlong = Buffer.from(CAPTURED_REPLY_NONE);
  overlong.writeUInt32LE(0x7fffffff, 4);
  assert.throws(() => messageLength(overlong), /limit/);
  // An array length that runs past the body.
  const runaway = Buffer.from(CAPTURED_REPLY_ONE);
  runaway.writeUInt32LE(0x1000, 0x48);
  assert.throws(() => decodeMessage(runaway), WireError);
});

test('signatures split into complete types', () => {
  assert.deepEqual(splitSignature('aoao'), ['ao', 'ao']);
  assert.deepEqual(splitSignature('a{ss}s(aoao)v'), ['a{ss}', 's', '(aoao)', 'v']);
  assert.throws(() => splitSignature('a{ss'), WireError);
  assert.throws(() => splitSignature('z'), WireError);
});

test('SASL EXTERNAL: the uid as hex of its decimal text; OK carries the server guid', () => {
  assert.equal(authExternal(1000).toString('latin1'), '\0AUTH EXTERNAL 31303030\r\n');
  assert.equal(authExternal(0).toString('latin1'), '\0AUTH EXTERNAL 30\r\n');
  assert.deepEqual(authAccepted('OK 03d43a9aed0d4785a51115396b1079f8'), { ok: true, guid: '03d43a9aed0d4785a51115396b1079f8' });
  assert.equal(authAccepted('REJECTED EXTERNAL').ok, false);
  assert.equal(authAccepted('OK nothex').ok, false);
});

test('bus addresses: the first unix path socket; abstract and tcp ones are a bus this client leaves to keyring-rs', () => {
  assert.deepEqual(parseBusAddress('unix:path=/run/user/1000/bus,guid=03d43a9aed0d4785a51115396b1079f8'), { kind: 'socket', socket: '/run/user/1000/bus', describe: '/run/user/1000/bus' });
  assert.deepEqual(parseBusAddress('tcp:host=localhost,port=1;unix:path=/tmp/with%20space'), { kind: 'socket', socket: '/tmp/with space', describe: '/tmp/with space' });
  assert.deepEqual(parseBusAddress('unix:abstract=/tmp/dbus-ABC,guid=0'), { kind: 'other', describe: 'unix:abstract' });
  assert.deepEqual(parseBusAddress('unix:abstract=/tmp/dbus-ABC;tcp:host=localhost,port=1'), { kind: 'other', describe: 'unix:abstract, tcp' });
  assert.equal(parseBusAddress(';').kind, 'none');
});

test('the session bus: the variable, else $XDG_RUNTIME_DIR/bus only when that socket exists', () => {
  const asked: string[] = [];
  const none = (p: string) => (asked.push(p), false);
  assert.deepEqual(sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x/bus' }, none), { kind: 'socket', socket: '/x/bus', describe: '/x/bus' });
  assert.deepEqual(asked, [], 'the file system is not asked when the variable is set');
  assert.deepEqual(sessionBusAddress({ XDG_RUNTIME_DIR: '/run/user/7/' }, none), { kind: 'none', reason: 'DBUS_SESSION_BUS_ADDRESS is unset and there is no /run/user/7/bus' });
  assert.deepEqual(asked, ['/run/user/7/bus']);
  assert.deepEqual(sessionBusAddress({ XDG_RUNTIME_DIR: '/run/user/7' }, () => true), { kind: 'socket', socket: '/run/user/7/bus', describe: '/run/user/7/bus' });
  assert.deepEqual(sessionBusAddress({}, () => true), { kind: 'none', reason: 'DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are both unset' });
});
