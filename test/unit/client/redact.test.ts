// Log redaction of values in flight, raw and JSON-escaped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../../client/src/redact';
import { InternalSecrets, INTERNAL_PREFIX } from '../../../client/src/secretStorage';

test('held values are masked in raw and JSON form until released', () => {
  const r = new Redactor();
  const release = r.hold('p"ss\\word');
  const trace = `Params: ${JSON.stringify({ value: 'p"ss\\word' })}`;
  assert.ok(!r.redact(trace).includes('ss'), r.redact(trace));
  assert.equal(r.redact('raw p"ss\\word here'), 'raw «redacted» here');
  release();
  assert.equal(r.redact('raw p"ss\\word'), 'raw p"ss\\word');
});

test('overlapping holds: the longer value is masked whole and each release counts', () => {
  const r = new Redactor();
  const a = r.hold('abc');
  const b = r.hold('abcdef');
  assert.equal(r.redact('xabcdefx abc'), 'x«redacted»x «redacted»');
  b();
  assert.equal(r.redact('abcdef'), '«redacted»def');
  a();
  assert.equal(r.redact('abcdef'), 'abcdef');
});

test('internal secret storage stays inside its namespace', async () => {
  const backing = new Map<string, string>();
  const backend = {
    get: async (k: string) => backing.get(k),
    store: async (k: string, v: string) => void backing.set(k, v),
    delete: async (k: string) => void backing.delete(k),
  };
  const internal = new InternalSecrets(backend);
  await internal.store('token', 'v');
  assert.deepEqual([...backing.keys()], [`${INTERNAL_PREFIX}token`]);
  assert.equal(await internal.get('token'), 'v');
  for (const bad of ['', '../x', 'a/b', 'x\n', '.hidden']) assert.throws(() => internal.get(bad), /invalid secret storage key/);
  await internal.delete('token');
  assert.equal(backing.size, 0);
});
