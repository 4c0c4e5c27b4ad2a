// The endpoint wire layer (upstream-provider-ipc-v1.md §1, §2, §5) as pure
// functions: frames, strict JSON, envelopes, error objects and the mapping
// to the server's kinds, with SecretSpec's wire conformance cases
// (../shared/upstream-ipc/cases/wire-*.json) where they apply to a host.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ERROR_KINDS } from '../../protocol/src';
import {
  ABSOLUTE_MAX_FRAME_BYTES,
  FrameDecoder,
  WIRE_ERRORS,
  classify,
  deadlineAfter,
  decodeError,
  encodeFrame,
  parseStrict,
  serverKind,
  type FrameEvent,
  type WireErrorKind,
} from '../../server/src/endpoints/wire';
import { SHARED, sharedSkipReason } from '../support/shared';

const CASES = path.join(SHARED, 'upstream-ipc', 'cases');

function decode(chunks: Buffer[], limit = ABSOLUTE_MAX_FRAME_BYTES): FrameEvent[] {
  const events: FrameEvent[] = [];
  const decoder = new FrameDecoder(limit, (e) => events.push(e));
  for (const c of chunks) decoder.push(c);
  return events;
}

test('wire.fragmented-frame: a frame written in pieces of 1,1,1,1,2,3,5 bytes and the rest is one frame', { skip: sharedSkipReason('upstream-ipc/cases') }, () => {
  const conformance = JSON.parse(readFileSync(path.join(CASES, 'wire-fragmented.json'), 'utf8')) as { actions: Array<{ kind: string; chunks?: number[] }> };
  const sizes = conformance.actions.find((a) => a.kind === 'peer_write')!.chunks!;
  assert.deepEqual(sizes, [1, 1, 1, 1, 2, 3, 5]);
  const frame = Buffer.from('{"jsonrpc":"2.0","id":1,"result":{"ok":"é"}}\n');
  const chunks: Buffer[] = [];
  let at = 0;
  for (const size of [...sizes, frame.length]) {
    chunks.push(frame.subarray(at, at + size));
    at += size;
  }
  const events = decode(chunks.filter((c) => c.length));
  assert.deepEqual(events, [{ type: 'frame', text: frame.toString('utf8').trimEnd() }]);
});

test('wire.strict-rejections: every raw frame of the case is refused by the frame or envelope layer', { skip: sharedSkipReason('upstream-ipc/cases') }, () => {
  const conformance = JSON.parse(readFileSync(path.join(CASES, 'wire-rejections.json'), 'utf8')) as {
    actions: Array<{ payload_hex?: string; payload_utf8?: string; prefix_hex?: string; declared_length?: number }>;
  };
  for (const action of conformance.actions) {
    const payload = action.payload_utf8 !== undefined ? Buffer.from(action.payload_utf8) : Buffer.from(action.payload_hex ?? '', 'hex');
    // R0's length prefixes are plain bytes in front of the frame now: they make it something that is not JSON.
    const prefix = action.declared_length !== undefined ? Buffer.alloc(4) : Buffer.from(action.prefix_hex ?? '', 'hex');
    if (action.declared_length !== undefined) prefix.writeUInt32BE(action.declared_length);
    // Only the first frame counts: a rejection closes the connection (the R0 length 10 is itself an LF byte).
    const [event] = decode([Buffer.concat([prefix, payload, Buffer.from('\n')])]);
    assert.ok(event, JSON.stringify(action));
    // An unsolicited response is a valid envelope; the session refuses it by id (session tests), not the codec.
    if (event!.type === 'frame' && /"id":999/.test(event.text)) {
      const classified = classify(event.text);
      assert.ok(classified.ok && classified.message.type === 'response');
      continue;
    }
    if (event!.type === 'violation') continue;
    assert.equal(classify(event!.text).ok, false, JSON.stringify(action));
  }
});

test('frames: CR anywhere, an empty line, bad UTF-8, and the byte limit before the LF end decoding for good', () => {
  assert.deepEqual(decode([Buffer.from('{"a":1}\r\n{"b":2}\n')]), [{ type: 'violation', reason: 'carriage_return' }]);
  assert.deepEqual(decode([Buffer.from('\n')]), [{ type: 'violation', reason: 'empty' }]);
  assert.deepEqual(decode([Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]), [{ type: 'violation', reason: 'invalid_utf8' }]);
  // Exactly the limit is fine; one more byte, even without an LF yet, is not.
  assert.deepEqual(decode([Buffer.from(`"${'x'.repeat(4094)}"\n`)], 4096).map((e) => e.type), ['frame']);
  assert.deepEqual(decode([Buffer.from('x'.repeat(4097))], 4096), [{ type: 'violation', reason: 'oversize' }]);
  assert.deepEqual(decode([Buffer.from('x'.repeat(3000)), Buffer.from('x'.repeat(1097))], 4096), [{ type: 'violation', reason: 'oversize' }]);
  // After a violation nothing more comes out.
  assert.deepEqual(decode([Buffer.from('\n{"a":1}\n')]), [{ type: 'violation', reason: 'empty' }]);
});

test('frames: the limit changed by the sink holds for the next frame of the same chunk', () => {
  const events: FrameEvent[] = [];
  const decoder = new FrameDecoder(ABSOLUTE_MAX_FRAME_BYTES, (e) => {
    events.push(e);
    decoder.setLimit(4096);
  });
  decoder.push(Buffer.from(`{"first":1}\n"${'y'.repeat(5000)}"\n`));
  assert.deepEqual(events.map((e) => (e.type === 'frame' ? 'frame' : e.reason)), ['frame', 'oversize']);
});

test('frames: EOF in the middle of a frame is a truncation, between frames it is clean', () => {
  const decoder = new FrameDecoder(4096, () => undefined);
  decoder.push(Buffer.from('{"a":1}\n'));
  assert.equal(decoder.truncated(), false);
  decoder.push(Buffer.from('{"b":'));
  assert.equal(decoder.truncated(), true);
});

test('encodeFrame: one line, refused above the limit', () => {
  assert.equal(encodeFrame({ value: 'a\nb\rc' }, 4096), '{"value":"a\\nb\\rc"}\n');
  assert.equal(encodeFrame({ value: 'é'.repeat(3000) }, 4096), undefined, 'the limit counts UTF-8 bytes');
});

test('strict JSON: malformed is parse_error; duplicate keys and deep nesting are invalid_request', () => {
  assert.deepEqual(parseStrict('{"a":'), { ok: false, kind: 'parse_error' });
  assert.deepEqual(parseStrict('{"a":1,"a":2}'), { ok: false, kind: 'invalid_request' });
  assert.deepEqual(parseStrict('{"a":{"b":1,"c":{"b":2}},"d":"{\\"a\\":1,\\"a\\":2}"}').ok, true, 'keys repeat only within one object; strings are not scanned');
  assert.deepEqual(parseStrict('{"\\u0061":1,"a":2}'), { ok: false, kind: 'invalid_request' }, 'keys compare decoded');
  const nested = (n: number, inner = '') => `${'['.repeat(n)}${inner}${']'.repeat(n)}`;
  assert.equal(parseStrict(nested(65)).ok, true, 'the 65th container may exist while empty');
  assert.deepEqual(parseStrict(nested(65, '1')), { ok: false, kind: 'invalid_request' });
  assert.deepEqual(parseStrict(nested(66)), { ok: false, kind: 'invalid_request' });
});

test('envelopes: responses tolerate members a later revision adds; requests and notifications from the endpoint are closed', () => {
  const response = classify('{"jsonrpc":"2.0","id":3,"result":{"exists":true,"later":1},"later":true}');
  assert.deepEqual(response, { ok: true, message: { type: 'response', id: 3, result: { exists: true, later: 1 } } });
  const callback = '{"jsonrpc":"2.0","id":1,"method":"client.credential","_meta":{"deadline_unix_ms":5,"parent_request_id":2},"params":{}}';
  assert.ok(classify(callback).ok);
  for (const bad of [
    callback.replace('"params"', '"extra":1,"params"'),
    callback.replace('"parent_request_id":2', '"parent_request_id":2,"x":1'),
    callback.replace('"_meta":{"deadline_unix_ms":5,"parent_request_id":2},', ''),
    '{"jsonrpc":"2.0","method":"rpc.cancel","params":{"id":1},"extra":true}',
    '{"jsonrpc":"2.0","id":1,"result":{},"error":{}}',
    '{"jsonrpc":"1.0","id":1,"result":{}}',
    '[]',
    '{"jsonrpc":"2.0"}',
  ]) {
    assert.deepEqual(classify(bad), { ok: false, kind: 'invalid_request' }, bad);
  }
  for (const id of ['0', '-1', '1.5', '"1"', '9007199254740992', 'null']) {
    assert.equal(classify(`{"jsonrpc":"2.0","id":${id},"result":{}}`).ok, false, id);
  }
  assert.deepEqual(classify('{"jsonrpc":"2.0","method":"future.notice","params":{}}'), { ok: true, message: { type: 'notification', method: 'future.notice', params: {} } });
  const nullId = classify('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error","data":{"kind":"parse_error","retryable":false}}}');
  assert.ok(nullId.ok && nullId.message.type === 'error' && nullId.message.id === null);
});

test('errors (§5): known code with its kind, unknown code with an unknown kind; anything else is a peer defect', () => {
  const error = (code: number, kind: string, extra = {}) => ({ code, message: 'm', data: { kind, retryable: false, ...extra } });
  assert.deepEqual(decodeError(error(-32005, 'permission_denied')), { code: -32005, kind: 'permission_denied', retryable: false });
  assert.deepEqual(decodeError(error(-32011, 'dynamic_session_required')), { code: -32011, kind: 'unrecognized', retryable: false });
  assert.equal(decodeError(error(-32005, 'something_else')), undefined);
  assert.equal(decodeError(error(-32005, 'unavailable')), undefined);
  assert.deepEqual(decodeError(error(-32004, 'unavailable', { retry_after_ms: 50 }))?.retryAfterMs, 50);
  assert.equal(decodeError(error(-32005, 'permission_denied', { retry_after_ms: 50 })), undefined);
  assert.equal(decodeError(error(-32005, 'permission_denied', { interaction: { kind: 'authorization', id: 'a', expires_at_unix_ms: null } })), undefined);
  assert.equal(decodeError({ code: -32005, message: '', data: { kind: 'permission_denied', retryable: false } }), undefined);
  assert.ok(decodeError({ ...error(-32005, 'permission_denied'), later: 1 }), 'unknown members of the error are ignored');
});

test('every endpoint error kind maps to one of the server unresolved kinds', () => {
  for (const kind of [...(Object.keys(WIRE_ERRORS) as WireErrorKind[]), 'unrecognized' as const]) {
    assert.ok((ERROR_KINDS as readonly string[]).includes(serverKind(kind)), kind);
  }
  assert.equal(serverKind('interaction_required'), 'auth_failed');
  assert.equal(serverKind('unavailable'), 'unavailable');
  assert.equal(serverKind('deadline_exceeded'), 'timeout');
  assert.equal(serverKind('unrecognized'), 'internal');
});

test('deadlines are absolute and clamped to 300 s ahead', () => {
  assert.equal(deadlineAfter(1_000, 10_000), 11_000);
  assert.equal(deadlineAfter(10_000_000, 10_000), 310_000);
});
