// Keyring presence (issue 15), side by side in one run against a real
// gnome-keyring on a private session bus (test/oracle/stores.ts), 100
// secrets of which half are stored:
// - presence of the 100 the old way (one keyring-rs read per key, each
//   decrypting the value) and the new way (one Secret Service SearchItems per
//   key over the session's one bus connection, no value read), both through
//   the provider's own `exists`, interleaved rounds, medians;
// - a check that cannot reach the Secret Service, through the plugin host as
//   the server runs it, with no session bus at all and with a bus on which
//   nothing provides org.freedesktop.secrets: the old provider (open
//   succeeds, every `exists` fails `unavailable` and is retried with
//   back-off) against the new one (hello answers `unavailable` at once).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSession } from '../server/src/plugins/bundled/session';
import { keyringAccount, keyringFailure, keyringProvider } from '../server/src/plugins/bundled/keyring';
import { PluginHost } from '../server/src/plugins/host';
import type { BundledProvider, BundledSession } from '../server/src/plugins/types';
import { keyringPackages, startKeyring } from '../test/oracle/stores';

const SECRETS = 100;
const ROUNDS = 7;
const PROJECT = 'bench-keyring';
const UNREACHABLE_CHILD = '--unreachable-rounds';
const HELLO = { op: 'hello' as const, protocol_version: 1, uri: 'keyring', config_file: null, context: {} };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;
const ratio = (old: number, now: number) => `${(old / now).toFixed(1)}×`;

/** The keyring provider as it was before issue 15: presence by reading the value through keyring-rs. */
const oldKeyringProvider: BundledProvider = {
  scheme: 'keyring',
  async open(_hello, env) {
    const keyring = await import('@napi-rs/keyring');
    const account = keyringAccount(env);
    const entry = (project: string, profile: string, key: string) => new keyring.AsyncEntry(`secretspec/${project}/${profile}/${key}`, account, { linux: { store: 'secret-service' } });
    return createSession('keyring', ['get', 'exists'], {
      get: async (at, key) => {
        try {
          return await entry(at.project, at.profile, key).getPassword();
        } catch (err) {
          throw keyringFailure(err, 'get');
        }
      },
      exists: async (at, key) => {
        try {
          return (await entry(at.project, at.profile, key).getPassword()) !== null;
        } catch (err) {
          throw keyringFailure(err, 'exists');
        }
      },
    });
  },
};

async function open(provider: BundledProvider, env: NodeJS.ProcessEnv): Promise<BundledSession> {
  const opened = await provider.open(HELLO, env);
  if ('ok' in opened) throw new Error(`${opened.error.kind}: ${opened.error.message}`);
  return opened;
}

/** Milliseconds for `exists` of every key, in order, on an open session; checks the answers. */
async function presence(session: BundledSession, keys: string[]): Promise<number> {
  const start = performance.now();
  for (const key of keys) {
    const r = await session.handle({ op: 'exists', project: PROJECT, profile: 'default', key });
    const stored = Number(key.slice(-3)) % 2 === 0;
    if (!r.ok || r.exists !== stored) throw new Error(`wrong presence for ${key}: ${JSON.stringify(r)}`);
  }
  return performance.now() - start;
}

function hostFor(provider: BundledProvider): PluginHost {
  return new PluginHost({ trusted: true, bundled: new Map([['keyring', provider]]), env: process.env });
}

/** Milliseconds for the host's presence of every key (its session kept between checks, as the server keeps it). */
async function hostPresence(host: PluginHost, keys: string[]): Promise<number> {
  const start = performance.now();
  const session = await host.open('keyring://', { configFile: null, project: PROJECT, command: 'check' });
  const outcomes = await session.presence({ project: PROJECT, profile: 'default' }, keys);
  const elapsed = performance.now() - start;
  keys.forEach((key, i) => {
    const o = outcomes[key];
    if (!o?.ok || o.value !== (i % 2 === 0)) throw new Error(`wrong presence for ${key} through the host: ${JSON.stringify(o)}`);
  });
  return elapsed;
}

/** Milliseconds until a check through the host has its answer for `keys` when the Secret Service cannot be reached. */
async function unreachableCheck(provider: BundledProvider, keys: string[]): Promise<{ ms: number; kinds: string }> {
  const env = process.env;
  const host = new PluginHost({ trusted: true, bundled: new Map([['keyring', provider]]), env, breaker: { threshold: 1_000 } });
  try {
    const start = performance.now();
    let kinds: string[];
    try {
      const session = await host.open('keyring://', { configFile: null, project: PROJECT, command: 'check' });
      const outcomes = await session.presence({ project: PROJECT, profile: 'default' }, keys);
      kinds = Object.values(outcomes).map((o) => (o.ok ? 'answered' : o.error.kind));
    } catch (err) {
      kinds = keys.map(() => (err as { kind?: string }).kind ?? 'thrown');
    }
    return { ms: performance.now() - start, kinds: [...new Set(kinds)].join(', ') };
  } finally {
    await host.dispose();
  }
}

async function main(): Promise<void> {
  const packages = keyringPackages();
  if (!packages.ok) {
    console.log(`Keyring presence: skipped (${packages.reason})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-bench-keyring-'));
  const store = await startKeyring(dir);
  try {
    process.env.DBUS_SESSION_BUS_ADDRESS = store.env.DBUS_SESSION_BUS_ADDRESS;
    const keys = Array.from({ length: SECRETS }, (_, i) => `SECRET_${String(i).padStart(3, '0')}`);
    const seeder = await open(keyringProvider, process.env);
    for (const key of keys.filter((_, i) => i % 2 === 0)) {
      const r = await seeder.handle({ op: 'set', project: PROJECT, profile: 'default', key, value: `bench-value-${key}` });
      if (!r.ok) throw new Error(r.error.message);
    }
    await seeder.close();

    const oldSession = await open(oldKeyringProvider, process.env);
    const newSession = await open(keyringProvider, process.env);
    // A warm-up round each, so neither pays for loading code.
    await presence(oldSession, keys);
    await presence(newSession, keys);
    const old: number[] = [];
    const now: number[] = [];
    const opened: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      old.push(await presence(oldSession, keys));
      now.push(await presence(newSession, keys));
      const start = performance.now();
      const fresh = await open(keyringProvider, process.env);
      await presence(fresh, keys);
      opened.push(performance.now() - start);
      await fresh.close();
    }
    await oldSession.close();
    await newSession.close();
    const hostOld = hostFor(oldKeyringProvider);
    const hostNew = hostFor(keyringProvider);
    const checkOld: number[] = [];
    const checkNew: number[] = [];
    try {
      await hostPresence(hostOld, keys);
      await hostPresence(hostNew, keys);
      for (let round = 0; round < ROUNDS; round++) {
        checkOld.push(await hostPresence(hostOld, keys));
        checkNew.push(await hostPresence(hostNew, keys));
      }
    } finally {
      await hostOld.dispose();
      await hostNew.dispose();
    }
    console.log(`Keyring presence of ${SECRETS} secrets (${SECRETS / 2} stored), gnome-keyring, median of ${ROUNDS} interleaved rounds:`);
    console.log(`  provider exists, old: keyring-rs read per key (values decrypted): ${ms(median(old))}`);
    console.log(`  provider exists, new: SearchItems per key on one connection:      ${ms(median(now))}  (${ratio(median(old), median(now))} faster)`);
    console.log(`  provider exists, new, the session's connection made too:          ${ms(median(opened))}  (${ratio(median(old), median(opened))} faster)`);
    console.log(`  through the plugin host as a check asks, old:                     ${ms(median(checkOld))}`);
    console.log(`  through the plugin host as a check asks, new:                     ${ms(median(checkNew))}  (${ratio(median(checkOld), median(checkNew))} faster)`);

    // keyring-rs keeps the bus connection it made in a process, so the unreachable cases run in fresh ones.
    const unreachable = (env: NodeJS.ProcessEnv) =>
      JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', __filename, UNREACHABLE_CHILD], { env: { ...process.env, ...env }, encoding: 'utf8' })) as {
        old: number[];
        now: number[];
        kindsOld: string;
        kindsNew: string;
      };
    const runtime = join(dir, 'empty-runtime');
    mkdirSync(runtime);
    const cases: Array<[string, NodeJS.ProcessEnv]> = [['no session bus at all', { DBUS_SESSION_BUS_ADDRESS: undefined, XDG_RUNTIME_DIR: runtime }]];
    const bare = await startBareBus(dir);
    try {
      cases.push(['a session bus but no keyring daemon', { DBUS_SESSION_BUS_ADDRESS: bare.address }]);
      for (const [label, env] of cases) {
        const r = unreachable(env);
        console.log(`Check of 10 keyring secrets with ${label}, through the plugin host, median of ${ROUNDS}:`);
        console.log(`  old: ${ms(median(r.old))} (${r.kindsOld})`);
        console.log(`  new: ${ms(median(r.now))} (${r.kindsNew})  (${ratio(median(r.old), median(r.now))} faster)`);
      }
    } finally {
      bare.stop();
    }
  } finally {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The unreachable rounds, in a process that has never reached a bus; prints their figures as JSON. */
async function unreachableRounds(): Promise<void> {
  const keys = Array.from({ length: 10 }, (_, i) => `SECRET_${String(i).padStart(3, '0')}`);
  const result = { old: [] as number[], now: [] as number[], kindsOld: '', kindsNew: '' };
  for (let round = 0; round < ROUNDS; round++) {
    const o = await unreachableCheck(oldKeyringProvider, keys);
    const n = await unreachableCheck(keyringProvider, keys);
    result.old.push(o.ms);
    result.now.push(n.ms);
    result.kindsOld = o.kinds;
    result.kindsNew = n.kinds;
  }
  process.stdout.write(JSON.stringify(result));
}

/** A session bus with Debian's configuration but no service directory: nothing provides or can start the Secret Service. */
async function startBareBus(dir: string): Promise<{ address: string; stop(): void }> {
  const socket = join(dir, 'bare-bus');
  const services = join(dir, 'no-services');
  mkdirSync(services);
  const config = join(dir, 'bare-bus.conf');
  writeFileSync(
    config,
    readFileSync('/usr/share/dbus-1/session.conf', 'utf8')
      .replace(/<listen>[^<]*<\/listen>/, `<listen>unix:path=${socket}</listen>`)
      .replace(/<standard_session_servicedirs\s*\/>/, `<servicedir>${services}</servicedir>`),
  );
  const daemon = spawn('dbus-daemon', ['--nofork', '--nopidfile', `--config-file=${config}`, '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((resolve, reject) => {
    daemon.stdout!.once('data', () => resolve());
    daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
  });
  return { address: `unix:path=${socket}`, stop: () => daemon.kill() };
}

(process.argv.includes(UNREACHABLE_CHILD) ? unreachableRounds() : main()).catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
