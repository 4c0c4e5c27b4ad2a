// Presence-check speed through the plugin host (issue 3). 10,000 declared
// secrets behind one stdio plugin, checked end to end with runCheck in each
// way the session can ask (batch_get, exists per key, get per key), against a
// floor: a plugin that does no work but answers the same round trips with
// lines of the same size. Then 100 secrets over the six bundled providers.
// Every sample uses a fresh PluginHost; modes are interleaved round by round
// and medians reported, so drift or a GC pause skews no single mode.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CheckResult } from '../protocol/src';
import { runCheck } from '../server/src/check/run';
import { analyze } from '../test/support/analyze';
import { bundledProviders } from '../server/src/plugins/bundled';
import { DEFAULT_RETRY, PluginHost, type PluginSettings } from '../server/src/plugins/host';
import { MAX_BATCH_KEYS } from '../server/src/plugins/session';
import type { Store, Stores } from '../server/src/providers/store';

const SECRETS = 10_000;
const ROUNDS = 5;
/** Checks per sample after the cold one, on the session the cold one opened. */
const WARM_CHECKS = 2;
const BUNDLED_SECRETS = 100;
/** Length of every stored value; the floor answers with values of the same length. */
const VALUE_BYTES = 40;
const PROJECT = 'bench-check';
const ROOT = join(__dirname, '..');
const MEMORY_PLUGIN = join(ROOT, 'test', 'fixtures', 'plugins', 'secretspec-provider-memory');
const FLOOR_PLUGIN = join(__dirname, 'fixtures', 'secretspec-provider-echofloor');

type Analyzed = { manifest: NonNullable<Awaited<ReturnType<typeof analyze>>['load']['merged']>; profiles: NonNullable<Awaited<ReturnType<typeof analyze>>['validation']['profiles']> };

interface Mode {
  id: string;
  label: string;
  uri: string;
  /** Requests after hello for one check of SECRETS keys. */
  roundTrips: number;
}

interface Sample {
  cold: number;
  /** WARM_CHECKS checks on the open session. */
  warm: number[];
  /** Of each warm check: time spent in the host (opening the store and asking it). */
  warmInHost: number[];
}

const perKey = SECRETS;
const batched = Math.ceil(SECRETS / MAX_BATCH_KEYS);
const MODES: Mode[] = [
  { id: 'a', label: '(a) memory caps=batch_get', uri: 'memory://bench?caps=batch_get', roundTrips: batched },
  { id: 'b', label: '(b) memory caps=exists', uri: 'memory://bench?caps=exists', roundTrips: perKey },
  { id: 'c', label: '(c) memory caps=get (forced per-key get)', uri: 'memory://bench?caps=get', roundTrips: perKey },
  { id: 'e', label: '(e) memory caps=get,batch_get,exists', uri: 'memory://bench?caps=get,batch_get,exists', roundTrips: perKey },
  { id: 'fa', label: 'floor(a) echofloor caps=batch_get', uri: `echofloor://bench?caps=batch_get&bytes=${VALUE_BYTES}`, roundTrips: batched },
  { id: 'fb', label: 'floor(b) echofloor caps=exists', uri: `echofloor://bench?caps=exists&bytes=${VALUE_BYTES}`, roundTrips: perKey },
  { id: 'fc', label: 'floor(c) echofloor caps=get', uri: `echofloor://bench?caps=get&bytes=${VALUE_BYTES}`, roundTrips: perKey },
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const ms = (x: number) => `${x.toFixed(x < 100 ? 1 : 0)} ms`;
const times = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)}×`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

/** A deterministic stand-in value; only its length matters to the bench. */
function valueFor(i: number): string {
  return `bench-value-${i}-`.padEnd(VALUE_BYTES, 'x');
}

function secretName(i: number): string {
  return `BENCH_SECRET_${String(i).padStart(5, '0')}`;
}

function largeManifest(uri: string): string {
  const lines = ['[project]', `name = "${PROJECT}"`, 'revision = "1.0"', '', '[providers]', `bench = "${uri}"`, '', '[profiles.default]'];
  for (let i = 0; i < SECRETS; i++) lines.push(`${secretName(i)} = { description = "Benchmark secret ${i}", required = true, providers = ["bench"] }`);
  return `${lines.join('\n')}\n`;
}

async function analyzed(text: string, configFile: string): Promise<Analyzed> {
  const analysis = await analyze(text, configFile, {});
  const errors = analysis.diagnostics.filter((d) => d.severity === 1);
  const { merged } = analysis.load;
  const { profiles } = analysis.validation;
  if (errors.length || !merged || !profiles) {
    throw new Error(`the generated manifest does not validate: ${errors.slice(0, 3).map((d) => d.message).join('; ') || 'no merged manifest'}`);
  }
  return { manifest: merged, profiles };
}

/** Time spent opening stores and asking them: in total, and per provider URI (calls for different URIs overlap). */
interface Spent {
  ms: number;
  byUri: Map<string, number>;
}

/** The plugin host as the check sees it, timing what it spends in the host. */
function timedStores(host: PluginHost, spent: Spent): Stores {
  const record = (uri: string, since: number): void => {
    const elapsed = performance.now() - since;
    spent.ms += elapsed;
    spent.byUri.set(uri, (spent.byUri.get(uri) ?? 0) + elapsed);
  };
  return {
    async open(uri, context) {
      const t0 = performance.now();
      const store = await host.open(uri, context).finally(() => record(uri, t0));
      const timed = Object.create(store) as Store;
      timed.presence = async (address, keys) => {
        const t1 = performance.now();
        try {
          return await store.presence(address, keys);
        } finally {
          record(uri, t1);
        }
      };
      return timed;
    },
  };
}

interface Tally {
  resolved: number;
  missing: number;
  unresolved: number;
  unresolvedKinds: Map<string, number>;
}

function tally(result: CheckResult, only?: (name: string) => boolean): Tally {
  const t: Tally = { resolved: 0, missing: 0, unresolved: 0, unresolvedKinds: new Map() };
  for (const { report, unresolved } of result.results) {
    for (const s of report.secrets) {
      if (only && !only(s.name)) continue;
      if (s.status === 'resolved') t.resolved++;
      else t.missing++;
    }
    for (const u of unresolved) {
      if (only && !only(u.name)) continue;
      t.unresolved++;
      t.unresolvedKinds.set(u.kind, (t.unresolvedKinds.get(u.kind) ?? 0) + 1);
    }
  }
  return t;
}

/** A check that does not see half present and half missing measured something else: fail loudly. */
function expectHalf(label: string, result: CheckResult): void {
  const t = tally(result);
  const half = SECRETS / 2;
  if (t.resolved !== half || t.missing !== half || t.unresolved !== 0) {
    const kinds = [...t.unresolvedKinds].map(([k, n]) => `${n} ${k}`).join(', ');
    throw new Error(`${label}: expected ${half} resolved and ${half} missing, got ${t.resolved} resolved, ${t.missing} missing, ${t.unresolved} unresolved${kinds ? ` (${kinds})` : ''}`);
  }
}

function newHost(settings: PluginSettings): PluginHost {
  return new PluginHost({ trusted: true, settings, bundled: bundledProviders(), pathEnv: '', workspaceFolders: [] });
}

async function timedCheck(host: PluginHost, subject: Analyzed, configFile: string): Promise<{ ms: number; inHost: number; byUri: Map<string, number>; result: CheckResult }> {
  const spent: Spent = { ms: 0, byUri: new Map() };
  const t0 = performance.now();
  const result = await runCheck({ manifest: subject.manifest, profiles: subject.profiles, stores: timedStores(host, spent), configFile });
  return { ms: performance.now() - t0, inHost: spent.ms, byUri: spent.byUri, result };
}

/** One cold check (spawn + hello + check) and one warm check (session already open) in a fresh host. */
async function sample(mode: Mode, subject: Analyzed, configFile: string, settings: PluginSettings): Promise<Sample> {
  const host = newHost(settings);
  try {
    const cold = await timedCheck(host, subject, configFile);
    expectHalf(mode.label, cold.result);
    const s: Sample = { cold: cold.ms, warm: [], warmInHost: [] };
    for (let i = 0; i < WARM_CHECKS; i++) {
      const warm = await timedCheck(host, subject, configFile);
      expectHalf(mode.label, warm.result);
      s.warm.push(warm.ms);
      s.warmInHost.push(warm.inHost);
    }
    return s;
  } finally {
    await host.dispose();
    if (host.livePids().length) throw new Error(`${mode.label}: plugin processes outlived dispose(): ${host.livePids().join(', ')}`);
  }
}

/** Counts the requests the memory plugin really received for one check, so the round-trip column is measured, not assumed. */
async function countRoundTrips(mode: Mode, subject: Analyzed, configFile: string, settings: PluginSettings, dir: string): Promise<number> {
  const opsFile = join(dir, `ops-${mode.id}.log`);
  const memory = settings.memory as { path: string; env: Record<string, string> };
  const host = newHost({ ...settings, memory: { ...memory, env: { ...memory.env, FIXTURE_OPS_FILE: opsFile } } });
  try {
    expectHalf(mode.label, (await timedCheck(host, subject, configFile)).result);
  } finally {
    await host.dispose();
  }
  const ops = readFileSync(opsFile, 'utf8').split('\n').filter((op) => op !== '' && op !== 'hello' && op !== 'bye');
  return ops.length;
}

async function largeCheck(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-bench-check-'));
  try {
    const configFile = join(dir, 'secretspec.toml');
    const storeFile = join(dir, 'store.json');
    const store: Record<string, string> = {};
    for (let i = 0; i < SECRETS; i += 2) store[`${PROJECT}/default/${secretName(i)}`] = valueFor(i);
    writeFileSync(storeFile, JSON.stringify(store));
    const settings: PluginSettings = {
      memory: { path: MEMORY_PLUGIN, env: { FIXTURE_STORE: storeFile } },
      echofloor: { path: FLOOR_PLUGIN },
    };

    const subjects = new Map<string, Analyzed>();
    for (const mode of MODES) {
      const text = largeManifest(mode.uri);
      writeFileSync(configFile, text);
      subjects.set(mode.id, await analyzed(text, configFile));
    }

    const measured = new Map<string, number>();
    for (const mode of MODES.filter((m) => m.uri.startsWith('memory:'))) {
      const n = await countRoundTrips(mode, subjects.get(mode.id)!, configFile, settings, dir);
      if (n !== mode.roundTrips) throw new Error(`${mode.label}: expected ${mode.roundTrips} requests, the plugin received ${n}`);
      measured.set(mode.id, n);
    }

    const samples = new Map<string, Sample[]>(MODES.map((m) => [m.id, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      // Rotate the order so no mode always runs first (or right after the slowest).
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) {
        const s = await sample(mode, subjects.get(mode.id)!, configFile, settings);
        if (round > 0) samples.get(mode.id)!.push(s);
      }
      process.stderr.write(round === 0 ? 'warm-up done\n' : `round ${round}/${ROUNDS} done\n`);
    }

    const med = (id: string, k: keyof Sample) => median(samples.get(id)!.flatMap((s) => s[k]));
    console.log(`\nPresence check of ${SECRETS.toLocaleString('en-US')} secrets (half present, ${VALUE_BYTES}-byte values) through one stdio plugin`);
    console.log(`runCheck end to end after 1 warm-up round; ${ROUNDS} rounds, each mode in a fresh PluginHost per round, modes interleaved.`);
    console.log(`cold = first check of the host (spawn + hello + check), median of ${ROUNDS}; warm = the next ${WARM_CHECKS} checks on the open session, median of ${ROUNDS * WARM_CHECKS}.`);
    console.log('in host = part of the warm check spent in host.open() + session.presence(); the rest is routing and the report.\n');
    const header = `${'mode'.padEnd(42)} ${'requests'.padStart(9)} ${'cold'.padStart(10)} ${'warm'.padStart(10)} ${'in host'.padStart(10)}`;
    console.log(header);
    console.log('-'.repeat(header.length));
    for (const mode of MODES) {
      const trips = measured.has(mode.id) ? `${measured.get(mode.id)!.toLocaleString('en-US')}` : `${mode.roundTrips.toLocaleString('en-US')}*`;
      console.log(`${mode.label.padEnd(42)} ${trips.padStart(9)} ${ms(med(mode.id, 'cold')).padStart(10)} ${ms(med(mode.id, 'warm')).padStart(10)} ${ms(med(mode.id, 'warmInHost')).padStart(10)}`);
    }
    console.log('requests: counted by the memory plugin in an untimed check (hello and bye excluded); * = the floor, driven by the same session code with the same capabilities.');
    console.log('(e) is what a plugin advertising all three reads gets: the protocol prefers exists, so it asks per key like (b).\n');

    const ratioRow = (name: string, num: string, den: string, target?: { text: string; ok: (r: number) => boolean }) => {
      const cold = med(num, 'cold') / med(den, 'cold');
      const warm = med(num, 'warm') / med(den, 'warm');
      const judged = target ? `  target ${target.text}: warm ${verdict(target.ok(warm))}, cold ${verdict(target.ok(cold))}` : '';
      console.log(`${name.padEnd(32)} warm ${times(warm).padStart(7)}   cold ${times(cold).padStart(7)}${judged}`);
    };
    ratioRow('(c)/(a) per-key get vs batch', 'c', 'a', { text: '≥ 20×', ok: (r) => r >= 20 });
    ratioRow('(a)/floor(a)', 'a', 'fa', { text: '≤ 2×', ok: (r) => r <= 2 });
    ratioRow('(b)/floor(b)', 'b', 'fb');
    ratioRow('(c)/floor(c)', 'c', 'fc');
    ratioRow('(c)/(b) per-key get vs exists', 'c', 'b');
    ratioRow('(e)/(a) all caps vs batch only', 'e', 'a');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const BUNDLED = ['dotenv', 'env', 'file', 'keyring', 'pass', 'null'] as const;
type Bundled = (typeof BUNDLED)[number];
const BUNDLED_URI: Record<Bundled, string> = {
  dotenv: 'dotenv:.env',
  env: 'env://',
  file: 'file:./.secrets',
  keyring: 'keyring://',
  pass: 'pass://?store_dir=./.password-store',
  null: 'null://',
};

/**
 * Fills half of each provider's share where the provider can be written
 * without a daemon: .env lines, environment variables (through the env
 * plugin's settings), store files, and pass entries (pass presence is
 * whether `<entry>.gpg` exists, so nothing is encrypted or decrypted).
 * The keyring needs a Secret Service on a session bus: it gets nothing.
 */
function bundledWorkspace(dir: string): { text: string; settings: PluginSettings; owner: Map<string, Bundled> } {
  const owner = new Map<string, Bundled>();
  const lines = ['[project]', `name = "${PROJECT}"`, 'revision = "1.0"', '', '[profiles.default]'];
  const dotenv: string[] = [];
  const envVars: Record<string, string> = {};
  for (let i = 0; i < BUNDLED_SECRETS; i++) {
    const provider = BUNDLED[i % BUNDLED.length]!;
    const name = `${provider.toUpperCase()}_SECRET_${String(i).padStart(3, '0')}`;
    owner.set(name, provider);
    lines.push(`${name} = { description = "Bundled benchmark secret ${i}", required = true, providers = ["${BUNDLED_URI[provider]}"] }`);
    if (Math.floor(i / BUNDLED.length) % 2 === 1) continue;
    if (provider === 'dotenv') dotenv.push(`${name}=${valueFor(i)}`);
    if (provider === 'env') envVars[name] = valueFor(i);
    if (provider === 'file') {
      mkdirSync(join(dir, '.secrets', PROJECT, 'default'), { recursive: true });
      writeFileSync(join(dir, '.secrets', PROJECT, 'default', name), valueFor(i));
    }
    if (provider === 'pass') {
      mkdirSync(join(dir, '.password-store', 'secretspec', PROJECT, 'default'), { recursive: true });
      writeFileSync(join(dir, '.password-store', 'secretspec', PROJECT, 'default', `${name}.gpg`), '');
    }
  }
  writeFileSync(join(dir, '.env'), `${dotenv.join('\n')}\n`);
  return { text: `${lines.join('\n')}\n`, settings: { env: { env: envVars } }, owner };
}

async function bundledCheck(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-bench-bundled-'));
  try {
    const configFile = join(dir, 'secretspec.toml');
    const { text, settings, owner } = bundledWorkspace(dir);
    writeFileSync(configFile, text);
    const subject = await analyzed(text, configFile);
    const cold: number[] = [];
    const warm: number[] = [];
    const latency = new Map<string, number[]>();
    let last: CheckResult | undefined;
    for (let round = 0; round <= ROUNDS; round++) {
      const host = newHost(settings);
      try {
        const c = await timedCheck(host, subject, configFile);
        const w = await timedCheck(host, subject, configFile);
        last = w.result;
        if (round > 0) {
          cold.push(c.ms);
          warm.push(w.ms);
          for (const [uri, t] of w.byUri) latency.set(uri, [...(latency.get(uri) ?? []), t]);
        }
      } finally {
        await host.dispose();
        if (host.livePids().length) throw new Error(`bundled providers: processes outlived dispose(): ${host.livePids().join(', ')}`);
      }
    }

    console.log(`\nPresence check of ${BUNDLED_SECRETS} secrets spread over the six bundled providers (in-process), after 1 warm-up round, median of ${ROUNDS}`);
    console.log(`cold (fresh host) ${ms(median(cold))}   warm (sessions open) ${ms(median(warm))}`);
    console.log('The providers are asked concurrently, so the check takes as long as the slowest one (latency = its warm presence call).\n');
    console.log(`${'provider'.padEnd(9)} ${'uri'.padEnd(37)} ${'secrets'.padStart(7)} ${'resolved'.padStart(8)} ${'missing'.padStart(7)} ${'unresolved'.padStart(10)} ${'latency'.padStart(9)}`);
    for (const provider of BUNDLED) {
      const t = tally(last!, (name) => owner.get(name) === provider);
      const total = [...owner.values()].filter((p) => p === provider).length;
      const expected = provider === 'keyring' ? undefined : provider === 'null' ? 0 : Math.ceil(total / 2);
      if (expected !== undefined && (t.resolved !== expected || t.unresolved !== 0)) {
        throw new Error(`${provider}: expected ${expected} resolved and none unresolved, got ${t.resolved} resolved, ${t.unresolved} unresolved`);
      }
      const kinds = [...t.unresolvedKinds].map(([k, n]) => `${n} ${k}`).join(', ');
      const took = latency.get(BUNDLED_URI[provider]);
      console.log(
        `${provider.padEnd(9)} ${BUNDLED_URI[provider].padEnd(37)} ${String(total).padStart(7)} ${String(t.resolved).padStart(8)} ${String(t.missing).padStart(7)} ${String(t.unresolved).padStart(10)} ${(took ? ms(median(took)) : '-').padStart(9)}${kinds ? `  (${kinds})` : ''}`,
      );
    }
    const keyring = last!.results.flatMap((r) => r.unresolved).find((u) => owner.get(u.name) === 'keyring');
    if (keyring) {
      console.log(`\nkeyring: unavailable here (no Secret Service on a session bus), so its secrets are reported unresolved (${keyring.kind}), never missing.`);
      console.log(`  Its latency is the host retrying an \`${keyring.kind}\` read with backoff (${DEFAULT_RETRY.attempts} attempts from ${DEFAULT_RETRY.initialDelayMs} ms), and it bounds the whole check.`);
      console.log(`  It said: ${keyring.message.slice(0, 160)}…`);
    } else {
      console.log('\nkeyring: a Secret Service answered; nothing was stored there, so its secrets are missing.');
    }
    console.log('pass: entries are placeholder <entry>.gpg files; a presence check only looks for the file, so no key or gpg-agent is involved.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await largeCheck();
  await bundledCheck();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
