// The line codec and answer validation, without processes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineDecoder, MAX_LINE_BYTES, decodeHelloAnswer, decodeOpAnswer, encodeMessage } from '../../server/src/plugins/codec';

const ADDRESS = { project: 'p', profile: 'default' };

test('encodes one message per line, escaping newlines inside strings', () => {
  const line = encodeMessage({ op: 'set', ...ADDRESS, key: 'K', value: 'a\nb' });
  assert.equal(line.split('\n').length, 2);
  assert.ok(line.endsWith('\n'));
  assert.equal(JSON.parse(line).value, 'a\nb');
});

test('reassembles lines split across chunks and splits several lines in one chunk', () => {
  const d = new LineDecoder();
  assert.deepEqual(d.push(Buffer.from('{"a":')), []);
  assert.deepEqual(d.push(Buffer.from('1}\n{"b":2}\n{"c"')), [
    { type: 'line', text: '{"a":1}' },
    { type: 'line', text: '{"b":2}' },
  ]);
  assert.deepEqual(d.push(Buffer.from(':3}\n')), [{ type: 'line', text: '{"c":3}' }]);
});

test('a multi-byte character split between chunks survives', () => {
  const bytes = Buffer.from('{"v":"é€"}\n');
  const d = new LineDecoder();
  assert.deepEqual([...d.push(bytes.subarray(0, 8)), ...d.push(bytes.subarray(8))], [{ type: 'line', text: '{"v":"é€"}' }]);
});

test('a line over the cap is reported as soon as it crosses it, even without a newline', () => {
  const d = new LineDecoder(16);
  assert.deepEqual(d.push(Buffer.from('0123456789')), []);
  assert.deepEqual(d.push(Buffer.from('0123456789')), [{ type: 'oversized' }]);
  assert.deepEqual(d.push(Buffer.from('\n{}\n')), [], 'a broken stream yields nothing more');
  const exact = new LineDecoder(4);
  assert.deepEqual(exact.push(Buffer.from('1234\n12345\n')), [{ type: 'line', text: '1234' }, { type: 'oversized' }]);
  assert.equal(MAX_LINE_BYTES, 1024 * 1024);
});

test('invalid UTF-8 is reported, not decoded into replacement characters', () => {
  assert.deepEqual(new LineDecoder().push(Buffer.from([0x7b, 0xff, 0x7d, 0x0a])), [{ type: 'invalid_utf8' }]);
});

test('hello answers: unknown fields and capabilities ignored, missing fields invalid', () => {
  assert.deepEqual(decodeHelloAnswer({ ok: true, protocol_version: 1, name: 'x', capabilities: ['get', 'teleport', 'set'], extra: 1 }), {
    ok: true,
    value: { protocolVersion: 1, name: 'x', capabilities: ['get', 'set'] },
  });
  assert.equal(decodeHelloAnswer({ ok: true, name: 'x', capabilities: [] }).ok, 'invalid');
  assert.equal(decodeHelloAnswer({ ok: true, protocol_version: 1 }).ok, 'invalid');
  assert.equal(decodeHelloAnswer([1]).ok, 'invalid');
  assert.equal(decodeHelloAnswer('hi').ok, 'invalid');
  assert.deepEqual(decodeHelloAnswer({ ok: false, error: { kind: 'unsupported_version', message: 'v7 only' } }), {
    ok: false,
    failure: { kind: 'unsupported_version', message: 'v7 only' },
  });
});

test('error answers: unknown kinds become internal, retry_after_ms kept, extra fields ignored', () => {
  const req = { op: 'get' as const, ...ADDRESS, key: 'K' };
  assert.deepEqual(decodeOpAnswer(req, { ok: false, error: { kind: 'quota_exploded', message: 'm', extra: 1 } }), { ok: false, failure: { kind: 'internal', message: 'm' } });
  assert.deepEqual(decodeOpAnswer(req, { ok: false, error: { kind: 'rate_limited', message: 'm', retry_after_ms: 250 } }), {
    ok: false,
    failure: { kind: 'rate_limited', message: 'm', retryAfterMs: 250 },
  });
  assert.deepEqual(decodeOpAnswer(req, { ok: false, error: { kind: 'rate_limited', retry_after_ms: 'soon' } }), { ok: false, failure: { kind: 'rate_limited', message: '' } });
  assert.equal(decodeOpAnswer(req, { ok: false }).ok, 'invalid');
});

test('operation answers are validated per operation; problems never quote values', () => {
  const get = { op: 'get' as const, ...ADDRESS, key: 'K' };
  assert.deepEqual(decodeOpAnswer(get, { ok: true, value: null, more: 1 }), { ok: true, value: null });
  assert.deepEqual(decodeOpAnswer(get, { ok: true, value: 'v' }), { ok: true, value: 'v' });
  const wrong = decodeOpAnswer(get, { ok: true, value: 42424242 });
  assert.equal(wrong.ok, 'invalid');
  assert.ok(wrong.ok === 'invalid' && !wrong.problem.includes('42424242'));
  assert.equal(decodeOpAnswer(get, { ok: true }).ok, 'invalid', 'a get without value cannot be read as a miss');

  const batch = { op: 'batch_get' as const, ...ADDRESS, keys: ['A', 'B'] };
  assert.deepEqual(decodeOpAnswer(batch, { ok: true, values: { A: 'a', B: null, C: 'unasked' } }), { ok: true, value: { A: 'a', B: null } });
  const partial = decodeOpAnswer(batch, { ok: true, values: { A: 'a' } });
  assert.ok(partial.ok === 'invalid' && partial.problem.includes('B'));

  assert.deepEqual(decodeOpAnswer({ op: 'exists', ...ADDRESS, key: 'K' }, { ok: true, exists: true }), { ok: true, value: true });
  assert.equal(decodeOpAnswer({ op: 'exists', ...ADDRESS, key: 'K' }, { ok: true, exists: 'yes' }).ok, 'invalid');
  assert.deepEqual(decodeOpAnswer({ op: 'set', ...ADDRESS, key: 'K', value: 'v' }, { ok: true, stored: 1 }), { ok: true, value: undefined });
  assert.deepEqual(decodeOpAnswer({ op: 'reflect', project: 'p' }, { ok: true, secrets: { A: { description: 'd', required: false, x: 1 } } }), {
    ok: true,
    value: { A: { description: 'd', required: false, x: 1 } },
  });
  assert.equal(decodeOpAnswer({ op: 'reflect', project: 'p' }, { ok: true, secrets: { A: { required: 'yes' } } }).ok, 'invalid');
});
