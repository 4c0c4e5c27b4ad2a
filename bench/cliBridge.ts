// CLI check latency through the bridge (issue 11): `secretspec check --json`
// for 100 secrets in SecretSpec's `age` store (an encrypted dotenv blob, half
// of them present), run by CliBridge with the cache bypassed, against two
// floors measured the same way: the bare CLI run without the bridge, and
// `secretspec --version` (process start alone). Rounds interleave the three,
// medians reported. Then the same check as a user gets it: `secretspec/check`
// with `force` (Check Now) over stdio to the built server, which finds the
// CLI on PATH and merges its answer into the native check. Needs the oracle CLI (scripts/secretspec-oracle.mjs) and
// Debian's `age`; prints why when either is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { CheckResult } from '../protocol/src';
import { CliBridge } from '../server/src/cliBridge/bridge';
import { readCliVersion } from '../server/src/engine/cli';
import { LspClient } from '../test/support/lspClient';
import { oracle, oracleEnv } from '../test/support/oracle';
import { ensureDebianPackages } from '../test/support/systemPackages';

const SECRETS = 100;
const ROUNDS = 7;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const { bin, reason } = oracle();
  const packages = ensureDebianPackages(['age']);
  if (!bin || !packages.ok) {
    console.log(`CLI bridge latency: skipped (${reason ?? packages.reason})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'secretspec-bench-clibridge-'));
  try {
    const home = join(dir, 'home');
    mkdirSync(home);
    const env = oracleEnv(home);
    const identity = join(dir, 'id.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity], { encoding: 'utf8' }).trim();
    const blob = join(dir, 'secrets.age');
    const names = Array.from({ length: SECRETS }, (_, i) => `SECRET_${String(i).padStart(3, '0')}`);
    const plaintext = names
      .filter((_, i) => i % 2 === 0)
      .map((n) => `${n}=bench-value-${n.toLowerCase()}`)
      .join('\n');
    execFileSync('age', ['-r', recipient, '-a', '-o', blob], { input: `${plaintext}\n` });
    const manifest = join(dir, 'secretspec.toml');
    const manifestText = `[project]\nname = "bench"\nrevision = "1.0"\n\n[providers]\nsealed = ${JSON.stringify(`age://${blob}?identity=${identity}`)}\n\n[profiles.default]\n${names.map((n) => `${n} = { description = "bench", providers = ["sealed"] }`).join('\n')}\n`;
    writeFileSync(manifest, manifestText);

    const version = await readCliVersion(bin);
    if (!version) throw new Error(`${bin} --version printed no version`);
    const bridge = new CliBridge({ cli: bin, version, trusted: () => true, env: () => env });
    const request = { manifest, manifestText, profile: 'default', project: 'bench', force: true };
    const bare = ['--file', manifest, '--reason', 'bench', 'check', '--json', '--no-prompt', '--profile', 'default'];

    const samples = { bridge: [] as number[], inRun: [] as number[], bare: [] as number[], version: [] as number[] };
    let resolved = 0;
    for (let round = -1; round < ROUNDS; round++) {
      const t0 = performance.now();
      const answer = await bridge.check(request);
      const t1 = performance.now();
      if (!answer.outcome.ok) throw new Error(answer.outcome.failure.message);
      resolved = answer.outcome.report.secrets.filter((s) => s.status === 'resolved').length;
      const t2 = performance.now();
      spawnSync(bin, bare, { cwd: dir, env, encoding: 'utf8' });
      const t3 = performance.now();
      spawnSync(bin, ['--version'], { env });
      const t4 = performance.now();
      // Round -1 warms the page cache and the JIT.
      if (round < 0) continue;
      samples.bridge.push(t1 - t0);
      samples.inRun.push(answer.durationMs);
      samples.bare.push(t3 - t2);
      samples.version.push(t4 - t3);
    }
    const cached0 = performance.now();
    const cached = await bridge.check({ ...request, force: false });
    const cachedMs = performance.now() - cached0;

    console.log(`\nCLI check through the bridge: ${SECRETS} secrets in one age blob (${resolved} present), secretspec ${version.major}.${version.minor}.${version.patch}, median of ${ROUNDS} after 1 warm-up, interleaved`);
    console.log(`${'bridge.check (cache bypassed), end to end'.padEnd(48)} ${ms(median(samples.bridge)).padStart(10)}`);
    console.log(`${'  of which the CLI run (spawn to exit)'.padEnd(48)} ${ms(median(samples.inRun)).padStart(10)}`);
    console.log(`${'bare secretspec check --json (spawnSync)'.padEnd(48)} ${ms(median(samples.bare)).padStart(10)}`);
    console.log(`${'secretspec --version (process start floor)'.padEnd(48)} ${ms(median(samples.version)).padStart(10)}`);
    console.log(`${'bridge.check, cached answer'.padEnd(48)} ${ms(cachedMs).padStart(10)}${cached.cached ? '' : '  (not cached!)'}`);
    console.log(`${'secretspec/check, Check Now, over LSP'.padEnd(48)} ${ms(await overLsp(dir, bin, env, manifest, manifestText)).padStart(10)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Median of `secretspec/check` with `force` through the built server, the CLI on a PATH entry outside the workspace. */
async function overLsp(dir: string, bin: string, env: NodeJS.ProcessEnv, manifest: string, text: string): Promise<number> {
  const path = mkdtempSync(join(tmpdir(), 'secretspec-bench-clibridge-path-'));
  try {
    symlinkSync(bin, join(path, 'secretspec'));
    const client = await LspClient.start({ env: { ...env, PATH: `${path}:${env['PATH'] ?? ''}` }, rootUri: pathToFileURL(dir).href, initializationOptions: { trusted: true } });
    try {
      const uri = client.open(manifest, text);
      const samples: number[] = [];
      const deadline = Date.now() + 20_000;
      for (let round = -1; round < ROUNDS; round++) {
        const t0 = performance.now();
        const result = await client.request<CheckResult>('secretspec/check', { textDocument: { uri }, force: true });
        const t1 = performance.now();
        // The server finds the CLI after `initialized`: warm-up rounds last until it answers through it.
        if (!result.results[0]?.cli || result.results[0].cli.cached) {
          if (Date.now() > deadline) throw new Error('the server never answered through the CLI');
          round--;
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        if (round >= 0) samples.push(t1 - t0);
      }
      return median(samples);
    } finally {
      await client.stop();
    }
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

void main();
