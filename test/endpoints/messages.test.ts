// The provider application layer (upstream-provider-ipc-v1.md §3–4) as pure
// functions, against SecretSpec's own example messages
// (../shared/upstream-ipc/schema-v1/fixtures, the R1 state): the requests
// the host builds match them, and the R1 results they show are accepted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  addressProblem,
  decodeCredentialParams,
  decodeDiscovery,
  decodeGet,
  decodeGetMany,
  decodeInitializeResult,
  decodeReflect,
  initializeParams,
  wireAddress,
  type Limits,
} from '../../server/src/endpoints/messages';
import { cancelMessage, classify, requestMessage, serverKind } from '../../server/src/endpoints/wire';
import { SHARED, sharedSkipReason } from '../support/shared';
import { convention, native } from './harness';

const FIXTURES = path.join(SHARED, 'upstream-ipc', 'schema-v1', 'fixtures');
const fixture = (name: string) => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown> & { params: Record<string, unknown>; result: unknown; _meta: { deadline_unix_ms: number } };
const skip = sharedSkipReason('upstream-ipc/schema-v1/fixtures');
const OFFER: Limits = { maxFrameBytes: 1_048_576, maxInFlight: 16 };

test('the requests the host builds are the ones in SecretSpec fixtures (R3 initialize application aside)', { skip }, () => {
  const get = fixture('provider/get-request.json');
  assert.deepEqual(requestMessage(3, 'provider.get', get._meta.deadline_unix_ms, { address: wireAddress(native('database', { field: 'password' })) }), get);
  const resolve = fixture('provider/resolve-address-request.json');
  assert.deepEqual(requestMessage(2, 'provider.resolve_address', resolve._meta.deadline_unix_ms, { address: wireAddress(convention('DATABASE_PASSWORD', 'payments', 'production')) }), resolve);
  assert.deepEqual(cancelMessage(2), fixture('wire/cancel.json'));
  const shutdown = fixture('wire/shutdown.json');
  assert.deepEqual(requestMessage(99, 'rpc.shutdown', shutdown._meta.deadline_unix_ms, {}), shutdown);
  const init = fixture('provider/initialize-request.json');
  const ours = initializeParams({
    client: { name: 'secretspec', version: '0.20.0' },
    limits: { maxFrameBytes: 1_048_576, maxInFlight: 8 },
    clientMethods: [],
    scheme: 'factorseal',
    uri: 'factorseal://default?namespace=cache',
    context: { project: 'payments', profile: 'production', baseDir: '/fixture/project', reason: 'conformance test' },
  }) as Record<string, unknown>;
  const { application: r1, ...rest } = init.params;
  const { application: r3, ...ourRest } = ours;
  assert.deepEqual(ourRest, rest);
  assert.deepEqual(r1, { scheme: 'factorseal', uri: 'factorseal://default?namespace=cache', base_dir: '/fixture/project', credentials: {}, reason: 'conformance test' });
  assert.deepEqual(r3, { scheme: 'factorseal', uri: 'factorseal://default?namespace=cache', context: { project: 'payments', profile: 'production', base_dir: '/fixture/project', reason: 'conformance test' } });
  assert.deepEqual(initializeParams({ client: { name: 'a', version: '1' }, limits: OFFER, clientMethods: ['client.credential'], scheme: 's', uri: 's://', context: { project: null, profile: null, baseDir: null, reason: null } }), {
    protocol: 'secretspec.provider',
    versions: [1],
    client: { name: 'a', version: '1' },
    limits: { max_frame_bytes: 1_048_576, max_in_flight: 16 },
    client_methods: ['client.credential'],
    application: { scheme: 's', uri: 's://', context: { project: null, profile: null, base_dir: null, reason: null } },
  });
});

test("SecretSpec's R1 results are accepted: initialize, a found value without expires_at_unix_ms, an error", { skip }, () => {
  const init = classify(readFileSync(path.join(FIXTURES, 'provider', 'initialize-result.json'), 'utf8').trim());
  assert.ok(init.ok && init.message.type === 'response');
  const decoded = decodeInitializeResult(init.message.result, OFFER, 'factorseal');
  assert.ok(decoded.ok, JSON.stringify(decoded));
  assert.deepEqual(decoded.value.metadata, {
    name: 'factorseal',
    displayUri: 'factorseal://default',
    supportedCoordinates: ['field'],
    generatedValuePersistence: 'persist',
    promptedValuePersistence: 'persist',
    storageIdentity: 'factorseal://default',
    entryContainerIdentity: 'factorseal://default',
    physicalStorePath: null,
  });
  assert.deepEqual(decoded.value.limits, { maxFrameBytes: 1_048_576, maxInFlight: 8 });
  assert.deepEqual(decodeGet(fixture('provider/get-result.json').result), { ok: true, value: { found: true, value: 'IPC_CANARY_NOT_A_REAL_SECRET', expiresAtUnixMs: null } });
  const error = classify(readFileSync(path.join(FIXTURES, 'wire', 'error.json'), 'utf8').trim());
  assert.ok(error.ok && error.message.type === 'error');
  assert.equal(serverKind(error.message.error.kind), 'permission_denied');
});

test('initialize results: the §3 rules are checked, what a later revision adds is ignored', () => {
  const good = {
    protocol: 'secretspec.provider',
    version: 1,
    server: { name: 'x', version: '1' },
    methods: ['provider.resolve_address', 'provider.get', 'provider.get_many'],
    limits: { max_frame_bytes: 8192, max_in_flight: 4 },
    application: {
      provider: { name: 'acme', display_uri: 'acme://', supported_coordinates: ['field', 'planet'], generated_value_persistence: 'persist', prompted_value_persistence: 'ephemeral', storage_identity: '', entry_container_identity: '', later: 1 },
      later: 2,
    },
    later: 3,
  };
  const ok = decodeInitializeResult(good, OFFER, 'acme');
  assert.ok(ok.ok);
  assert.deepEqual(ok.value.metadata.supportedCoordinates, ['field'], 'a coordinate this host cannot send is left out');
  assert.equal(ok.value.metadata.physicalStorePath, null, 'absent is null');
  const variants: Array<[string, Record<string, unknown>, RegExp]> = [
    ['another scheme', { application: { provider: { ...good.application.provider, name: 'other' } } }, /not the scheme "acme"/],
    ['no resolve_address', { methods: ['provider.get'] }, /resolve_address/],
    ['nothing to read or write', { methods: ['provider.resolve_address', 'provider.delete'] }, /none of provider\.get/],
    ['get_many alone', { methods: ['provider.resolve_address', 'provider.exists', 'provider.get_many'] }, /get_many without provider\.get/],
    ['repeated methods', { methods: ['provider.resolve_address', 'provider.get', 'provider.get'] }, /distinct/],
    ['a bigger frame than offered', { limits: { max_frame_bytes: 2_000_000, max_in_flight: 4 } }, /max_frame_bytes/],
    ['more in flight than offered', { limits: { max_frame_bytes: 8192, max_in_flight: 17 } }, /max_in_flight/],
    ['another protocol', { protocol: 'secretspec.resolver' }, /protocol/],
    ['version 2', { version: 2 }, /version/],
    ['a relative store path', { application: { provider: { ...good.application.provider, physical_store_path: 'store.json' } } }, /physical_store_path/],
    ['an unknown persistence', { application: { provider: { ...good.application.provider, generated_value_persistence: 'maybe' } } }, /generated_value_persistence/],
  ];
  for (const [what, change, problem] of variants) {
    const result = decodeInitializeResult({ ...good, ...change }, OFFER, 'acme');
    assert.ok(!result.ok, what);
    assert.match(result.problem, problem, what);
  }
});

test('get_many results come back one per name, in the order asked', () => {
  const found = (name: string) => ({ name, status: 'found', value: 'v', expires_at_unix_ms: 5 });
  assert.deepEqual(decodeGetMany({ results: [found('A'), { name: 'B', status: 'missing' }] }, ['A', 'B']), {
    ok: true,
    value: [{ found: true, value: 'v', expiresAtUnixMs: 5 }, { found: false }],
  });
  assert.match((decodeGetMany({ results: [{ name: 'B', status: 'missing' }, found('A')] }, ['A', 'B']) as { problem: string }).problem, /order asked/);
  assert.match((decodeGetMany({ results: [found('A')] }, ['A', 'B']) as { problem: string }).problem, /1 entries for 2/);
  const bad = decodeGetMany({ results: [{ name: 'A', status: 'found', value: 7 }] }, ['A']) as { problem: string };
  assert.ok(!bad.problem.includes('7'), 'problems never quote a value');
});

test('reflect, discovery and the credential callback params', () => {
  assert.deepEqual(decodeReflect({ schema_version: 1, declarations: { API: { description: 'd', required: false, ref: { item: 'x', field: null } } } }), {
    ok: true,
    value: { API: { description: 'd', required: false, ref: { item: 'x' } } },
  });
  assert.equal(decodeReflect({ schema_version: 2, declarations: {} }).ok, false);
  assert.equal(decodeReflect({ schema_version: 1, declarations: { API: { description: 'd', required: true, ref: { item: '' } } } }).ok, false);
  assert.ok(decodeDiscovery({ 'x-secretspec': { protocol: 'secretspec.provider', versions: [1], server: { name: 'e', version: '1' }, methods: [] } }).ok);
  assert.equal(decodeDiscovery({ 'x-secretspec': { protocol: 'secretspec.resolver', versions: [1], server: { name: 'e', version: '1' }, methods: [] } }).ok, false);
  assert.equal(decodeDiscovery({ ok: false }).ok, false);
  assert.deepEqual(decodeCredentialParams({ name: 'client_secret_2', scope: 'https://svc/team', required: true }), { name: 'client_secret_2', scope: 'https://svc/team', required: true });
  for (const params of [
    { name: 'ClientSecret', scope: 's', required: true },
    { name: 'client-secret', scope: 's', required: true },
    { name: 'token', scope: '', required: true },
    { name: 'token', scope: 'x'.repeat(4097), required: true },
    { name: 'token', scope: 's', required: 'yes' },
    { name: 'token', scope: 's', required: true, extra: 1 },
  ]) {
    assert.equal(decodeCredentialParams(params), undefined, JSON.stringify(params).slice(0, 80));
  }
});

test('addresses: bounds, and native coordinates outside supported_coordinates', () => {
  assert.equal(addressProblem(native('db', { field: 'pw' }), ['field']), undefined);
  assert.deepEqual(addressProblem(native('db', { version: '3' }), ['field']), { coordinate: 'version', problem: 'the endpoint does not support the `version` coordinate' });
  assert.match(addressProblem(native(''), [])!.problem, /item must be/);
  assert.match(addressProblem(native('x'.repeat(4097)), [])!.problem, /item must be/);
  assert.match(addressProblem(convention('K'.repeat(4097)), [])!.problem, /key is longer/);
  assert.deepEqual(wireAddress(native('db', { field: 'pw' })), { kind: 'native', coordinates: { item: 'db', field: 'pw' } });
});
