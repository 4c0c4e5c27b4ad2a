// The runner over a SecretSpec 0.21 provider endpoint: the real endpoint
// built from SecretSpec's own `secretspec-ipc` crate, claimed in the user's
// providers.d, answers by convention and at a native `ref` address; the
// values reach the command as `secretspec run` gives them, and the endpoint
// is gone before the command starts.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { oracle, oracleSkip } from '../support/oracle';
import { endpointSkip, realEndpoint, tempDir } from '../endpoints/harness';
import { CHILD, childCommand, commandLines, processTree, run, runEnv, sha, start, until } from './support';

const FIELD = '\u001f';

/** Endpoint processes whose environment names `trace`. */
function endpointPids(trace: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const endpoint = readFileSync(`/proc/${entry}/cmdline`, 'latin1').split('\0')[0] === realEndpoint().bin;
      if (endpoint && readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(`IPC_ENDPOINT_TRACE=${trace}`)) out.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

test('values from a claimed SecretSpec 0.21 endpoint, by convention and at a ref address', { skip: endpointSkip() }, async () => {
  const home = realpathSync(tempDir());
  const providers = path.join(home, '.config', 'secretspec', 'providers.d');
  mkdirSync(providers, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(providers, 'acme.secretspec.json'), JSON.stringify({ executable: realEndpoint().bin, environment: ['IPC_ENDPOINT_*'] }), { mode: 0o600 });
  const project = realpathSync(tempDir());
  writeFileSync(
    path.join(project, 'secretspec.toml'),
    '[project]\nname = "app"\nrevision = "1.0"\n\n[profiles.default]\nA = { description = "by convention", providers = ["acme://main"] }\nD = { description = "at a native address", providers = ["acme://main"], ref = { item = "shared/db", field = "password" } }\nE = { description = "absent", required = false, providers = ["acme://main"], ref = { item = "shared/db", field = "user" } }\n',
  );
  const a = `a-${Math.random().toString(36).slice(2)}`;
  const d = `d-${Math.random().toString(36).slice(2)}`;
  const store = path.join(home, 'store.json');
  writeFileSync(store, JSON.stringify({ 'app/default/A': a, [`shared/db${FIELD}password`]: d }));
  const trace = path.join(home, 'trace');
  const env = runEnv(home, { IPC_ENDPOINT_STORE: store, IPC_ENDPOINT_TRACE: trace, CHILD_REPORT: 'A,D,E' });

  const signals = path.join(home, 'signals');
  mkdirSync(signals);
  const running = start(['run', ...childCommand('wait', signals)], { cwd: project, env });
  await until(() => existsSync(path.join(signals, 'ready')));
  assert.deepEqual(endpointPids(trace), [], 'the endpoint was ended before the command ran');
  for (const line of commandLines(processTree(running.pid))) assert.ok(!line.includes(a) && !line.includes(d));
  process.kill(running.pid, 'SIGTERM');
  const r = await running.done;
  assert.equal(r.status, 42, r.stderr);
  assert.deepEqual(r.report, { A: sha(a), D: sha(d), E: 'unset' });
  assert.ok(![a, d].some((v) => r.stdout.includes(v) || r.stderr.includes(v)));
  // D is stored only at its native address: its hash proves it was read there, in one batch with the others.
  assert.match(readFileSync(trace, 'utf8'), /^call provider\.get_many n=3$/m);

  if (!oracleSkip()) {
    const cli = await run(['run', '--', process.execPath, CHILD, 'exit', '0'], { cwd: project, env, program: oracle().bin! });
    assert.equal(cli.status, 0, cli.stderr);
    assert.deepEqual(cli.report, r.report);
  }
});
