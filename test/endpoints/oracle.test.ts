// The real SecretSpec 0.21.1 CLI as the judge: given the same claim (in
// $XDG_CONFIG_HOME/secretspec/providers.d, where external.rs
// `platform_directories` looks on Linux) and the same real endpoint, its
// `check --json` and our session report the same presence, start the
// endpoint with the same context and environment, and refuse the same
// untrusted claim.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findEndpointClaim, type EndpointClaim } from '../../server/src/endpoints/claims';
import { endpointEnvironment } from '../../server/src/endpoints/environment';
import type { Address } from '../../server/src/endpoints/messages';
import { presence } from '../../server/src/endpoints/operations';
import { EndpointSession } from '../../server/src/endpoints/session';
import { CircuitBreaker } from '../../server/src/plugins/breaker';
import { Redactor } from '../../server/src/plugins/redact';
import { isBuiltinScheme } from '../../server/src/providers/registry';
import { oracleEnv, oracleSkip, runOracle } from '../support/oracle';
import { CLIENT, convention, endpointSkip, MANIFEST, native, realEndpoint, tempDir, traceLines } from './harness';

const skip = endpointSkip() || oracleSkip();

/** Where the manifest's `ref`s point; every other secret is at its convention address. */
const REFS: Record<string, Address> = { D: native('shared/db', { field: 'password' }), E: native('shared/db', { field: 'user' }) };

interface World {
  home: string;
  project: string;
  claimFile: string;
  trace: string;
  env: NodeJS.ProcessEnv;
}

function world(): World {
  const home = tempDir();
  const providers = path.join(home, '.config', 'secretspec', 'providers.d');
  mkdirSync(providers, { recursive: true, mode: 0o700 });
  const claimFile = path.join(providers, 'acme.secretspec.json');
  writeFileSync(claimFile, JSON.stringify({ executable: realEndpoint().bin, environment: ['IPC_ENDPOINT_*'] }), { mode: 0o600 });
  const project = realpathSync(tempDir());
  writeFileSync(path.join(project, 'secretspec.toml'), MANIFEST);
  const store = path.join(home, 'store.json');
  writeFileSync(store, JSON.stringify({ 'app/default/A': 'a-value', 'app/production/B': 'b-value', 'shared/db\u001fpassword': 'db-value' }));
  const trace = path.join(home, 'trace');
  return { home, project, claimFile, trace, env: { IPC_ENDPOINT_STORE: store, IPC_ENDPOINT_TRACE: trace } };
}

function cliCheck(w: World, profile: string, extra: Record<string, string> = {}): { statuses: Record<string, boolean>; trace: string[] } {
  writeFileSync(w.trace, '');
  const r = runOracle(['check', '--json', '--profile', profile, '--reason', 'editor check'], { cwd: w.project, home: w.home, env: { ...w.env, ...extra } });
  assert.ok(r.stdout.trim().startsWith('{'), `secretspec check failed: ${r.stderr}`);
  const report = JSON.parse(r.stdout) as { secrets: Array<{ name: string; status: string }> };
  return { statuses: Object.fromEntries(report.secrets.map((s) => [s.name, s.status === 'resolved'])), trace: traceLines(w.trace) };
}

async function ourCheck(w: World, claim: EndpointClaim, profile: string, names: string[], extra: Record<string, string> = {}): Promise<{ statuses: Record<string, boolean | string>; trace: string[] }> {
  writeFileSync(w.trace, '');
  const redactor = new Redactor();
  const session = new EndpointSession({
    launch: { scheme: claim.scheme, executable: claim.executable, args: claim.args, env: endpointEnvironment(oracleEnv(w.home, { ...w.env, ...extra }), claim.environment) },
    uri: 'acme://main',
    // What the CLI asserts: the project, the profile, the manifest's directory, the reason.
    context: { project: 'app', profile, baseDir: w.project, reason: 'editor check' },
    label: 'endpoint acme',
    client: CLIENT,
    redactor,
    log: () => undefined,
    breaker: new CircuitBreaker({ threshold: 5, cooldownMs: 30_000, now: Date.now }),
    breakerKey: claim.executable,
  });
  try {
    const outcomes = await presence(
      session,
      names.map((name) => ({ name, address: REFS[name] ?? convention(name, 'app', profile) })),
    );
    return { statuses: Object.fromEntries([...outcomes].map(([name, o]) => [name, o.ok ? o.value : o.error.kind])), trace: traceLines(w.trace) };
  } finally {
    await session.close();
  }
}

test('the CLI and the server, given the same claim and endpoint, report the same presence per profile, whichever read method the endpoint offers', { skip }, async () => {
  const w = world();
  const lookup = findEndpointClaim('acme', { env: oracleEnv(w.home), isBuiltin: isBuiltinScheme });
  assert.equal(lookup.status, 'found', JSON.stringify(lookup));
  const claim = (lookup as { claim: EndpointClaim }).claim;
  for (const methods of ['', 'provider.resolve_address,provider.get']) {
    const extra: Record<string, string> = methods ? { IPC_ENDPOINT_METHODS: methods } : {};
    for (const profile of ['default', 'production']) {
      const cli = cliCheck(w, profile, extra);
      const ours = await ourCheck(w, claim, profile, Object.keys(cli.statuses), extra);
      assert.deepEqual(ours.statuses, cli.statuses, `${profile} ${methods || 'all methods'}`);
      // The endpoint saw the same session context and the same environment names from both hosts.
      const started = (t: string[]) => t.filter((l) => l.startsWith('initialize ') || l.startsWith('env '));
      assert.equal(started(cli.trace).length, 2, cli.trace.join('\n'));
      assert.deepEqual(started(ours.trace), started(cli.trace));
    }
  }
  assert.deepEqual(cliCheck(w, 'default').statuses, { A: true, B: false, C: false, D: true, E: false });
});

test('an untrusted claim is refused by both, with the same words', { skip }, async () => {
  const w = world();
  chmodSync(w.claimFile, 0o660);
  const r = runOracle(['check', '--json'], { cwd: w.project, home: w.home, env: w.env });
  assert.notEqual(r.status, 0);
  const lookup = findEndpointClaim('acme', { env: oracleEnv(w.home), isBuiltin: isBuiltinScheme });
  assert.equal(lookup.status, 'rejected');
  const problem = (lookup as { problem: string }).problem;
  assert.equal(problem, 'provider registration is group- or world-writable');
  assert.match(r.stderr.replace(/\s*\n\s*/g, ' '), /provider registration is group- or world- ?writable/);
});
