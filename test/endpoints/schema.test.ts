// Every frame the host writes, as it is on the pipe (test/fixtures/ipc-faults/
// tee.mjs copies it between the host and the real endpoint), validates
// against SecretSpec's own JSON Schemas: the released 0.21.1 ones shipped in
// the `secretspec-ipc` crate (R3) in full, and the R1 ones in
// ../shared/upstream-ipc/schema-v1 except for the one difference R3 made on
// purpose: `rpc.initialize`'s `application` carries `context`, not
// `base_dir`/`credentials`/`reason`. The callback's answers and `rpc.discover`
// exist only from R2 on, so they are checked against the 0.21.1 schemas.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { checkWritable, describeWriteTarget, presence, read, reflect, remove, resolveAddress, write } from '../../server/src/endpoints/operations';
import { SHARED, sharedSkipReason } from '../support/shared';
import { CONTEXT, convention, endpointSkip, failure, harness, native, realEndpoint, TEE, tempDir, type HarnessInput } from './harness';

const BASE = 'https://secretspec.dev/schema/ipc/v1/';

/** The 0.21.1 schemas as cargo unpacked the crate for the endpoint build. */
function crateSchemas(): string | undefined {
  const registry = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'), 'registry', 'src');
  if (!existsSync(registry)) return undefined;
  for (const index of readdirSync(registry)) {
    const dir = path.join(registry, index, 'secretspec-ipc-0.21.1', 'schema', 'ipc', 'v1');
    if (existsSync(dir)) return dir;
  }
  return undefined;
}

interface Schemas {
  validate(ref: string, value: unknown): ErrorObject[];
  /** Method → params schema ref, from the OpenRPC document. */
  params: Map<string, string>;
  result: Map<string, string>;
}

function schemas(dir: string): Schemas {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  for (const name of ['common.schema.json', 'provider.schema.json']) ajv.addSchema(JSON.parse(readFileSync(path.join(dir, name), 'utf8')));
  const openrpc = JSON.parse(readFileSync(path.join(dir, 'provider.openrpc.json'), 'utf8')) as { methods: Array<{ name: string; params: Array<{ schema: { $ref: string } }>; result?: { schema: { $ref?: string } } }> };
  return {
    validate(ref, value) {
      const check = ajv.getSchema(ref.startsWith('http') ? ref : BASE + ref);
      assert.ok(check, `schema ${ref}`);
      return check(value) ? [] : [...(check.errors ?? [])];
    },
    params: new Map(openrpc.methods.map((m) => [m.name, m.params[0]!.schema.$ref])),
    result: new Map(openrpc.methods.filter((m) => m.result?.schema.$ref).map((m) => [m.name, m.result!.schema.$ref!])),
  };
}

const crateDir = crateSchemas();
const skip = endpointSkip() || sharedSkipReason('upstream-ipc/schema-v1') || (crateDir ? false : 'the secretspec-ipc 0.21.1 sources are not unpacked in the cargo registry');

/** A session whose bytes to the real endpoint are recorded. */
function recorded(vars: Record<string, string>, input: Partial<HarnessInput> = {}) {
  const file = path.join(tempDir(), 'frames');
  const h = harness({ executable: TEE, vars: { IPC_TEE_TARGET: realEndpoint().bin!, IPC_TEE_FILE: file, ...vars }, ...input });
  return { h, frames: () => readFileSync(file, 'utf8').split('\n').filter(Boolean) };
}

test('every request, notification and callback answer the host sends validates against SecretSpec 0.21.1 schemas, and against R1 but for the R3 initialize application', { skip }, async () => {
  const r3 = schemas(crateDir!);
  const r1 = schemas(path.join(SHARED, 'upstream-ipc', 'schema-v1'));
  // The validators do refuse: an unknown member, a missing deadline.
  assert.notDeepEqual(r3.validate(r3.params.get('provider.get')!, { address: { kind: 'convention', project: 'a', profile: 'b', key: 'c', extra: 1 } }), []);
  assert.notDeepEqual(r1.validate('common.schema.json#/$defs/RequestEnvelope', { jsonrpc: '2.0', id: 1, method: 'provider.get', _meta: {}, params: {} }), []);
  const all: string[] = [];

  // Every operation, the credential callback answered, a cancellation, discover first, and shutdown.
  const one = recorded(
    { IPC_ENDPOINT_CREDENTIAL: 'api_token', IPC_ENDPOINT_CREDENTIAL_EXPECT: 'tok-123456' },
    { credentials: async () => ({ status: 'found', value: 'tok-123456' }), discoverFirst: true, requestMs: 200 },
  );
  try {
    const db = native('shared/db', { field: 'password' });
    await write(one.h.session, convention('A'), 'value-a');
    await write(one.h.session, db, 'value-db');
    await presence(one.h.session, [{ name: 'A', address: convention('A') }, { name: 'DB', address: db }]);
    await read(one.h.session, convention('A'));
    await resolveAddress(one.h.session, db);
    await describeWriteTarget(one.h.session, db);
    await checkWritable(one.h.session, convention('A'));
    await reflect(one.h.session, 'app', 'default');
    await remove(one.h.session, convention('A'));
    // Under load the endpoint may answer deadline_exceeded itself before the host gives up and cancels; ask again until a cancellation went out.
    for (let attempt = 0; attempt < 5 && !one.frames().some((f) => f.includes('"rpc.cancel"')); attempt++) {
      await failure(read(one.h.session, convention('FAULT_HANG')));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await one.h.session.close();
  }
  all.push(...one.frames());

  // Presence by get_many, and refused credential requests (over 64 distinct) answered with errors.
  const two = recorded(
    { IPC_ENDPOINT_METHODS: 'provider.resolve_address,provider.get,provider.get_many', IPC_ENDPOINT_CREDENTIAL_FLOOD: '70' },
    { credentials: async () => ({ status: 'missing' }), context: { ...CONTEXT, baseDir: null, reason: null } },
  );
  try {
    await presence(two.h.session, [{ name: 'A', address: convention('A') }, { name: 'B', address: convention('B') }]);
  } finally {
    await two.h.session.close();
  }
  all.push(...two.frames());

  const seen = new Set<string>();
  for (const text of all) {
    const frame = JSON.parse(text) as Record<string, unknown>;
    if (typeof frame.method === 'string' && 'id' in frame) {
      const method = frame.method;
      seen.add(method);
      assert.deepEqual(r3.validate('common.schema.json#/$defs/RequestEnvelope', frame), [], method);
      assert.deepEqual(r3.validate(r3.params.get(method)!, frame.params), [], `${method} params (0.21.1)`);
      assert.deepEqual(r1.validate('common.schema.json#/$defs/RequestEnvelope', frame), [], `${method} envelope (R1)`);
      if (method === 'rpc.discover') continue;
      const errors = r1.validate(r1.params.get(method)!, frame.params);
      if (method === 'rpc.initialize') {
        // The accepted R1/R3 difference, and only that.
        assert.ok(errors.length > 0 && errors.every((e) => e.instancePath === '/application'), JSON.stringify(errors));
      } else {
        assert.deepEqual(errors, [], `${method} params (R1)`);
      }
    } else if (typeof frame.method === 'string') {
      seen.add(frame.method);
      assert.deepEqual(r1.validate('common.schema.json#/$defs/NotificationEnvelope', frame), []);
      assert.deepEqual(r3.validate('common.schema.json#/$defs/CancelParams', frame.params), []);
    } else if ('result' in frame) {
      seen.add('client.credential result');
      assert.deepEqual(r3.validate('common.schema.json#/$defs/SuccessResponseEnvelope', frame), []);
      assert.deepEqual(r3.validate(r3.result.get('client.credential')!, frame.result), []);
    } else {
      seen.add(`error ${(frame.error as { data: { kind: string } }).data.kind}`);
      assert.deepEqual(r3.validate('common.schema.json#/$defs/ErrorResponseEnvelope', frame), []);
    }
  }
  assert.deepEqual([...seen].sort(), [
    'client.credential result',
    'error invalid_params',
    'provider.check_deletable',
    'provider.check_writable',
    'provider.delete',
    'provider.describe_write_target',
    'provider.exists',
    'provider.get',
    'provider.get_many',
    'provider.reflect',
    'provider.resolve_address',
    'provider.set',
    'rpc.cancel',
    'rpc.discover',
    'rpc.initialize',
    'rpc.shutdown',
  ]);
  assert.ok(!all.some((f) => f.includes('"_meta":{}')), 'every request has its deadline');
});
