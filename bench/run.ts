// Validation cost against the floor it cannot beat: smol-toml's parse of the
// same text in the same process. Runs are interleaved and warmed up, and
// medians are reported, so a GC pause or a JIT tier-up skews neither side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'smol-toml';
import { buildSync } from 'esbuild';
import { SourceMap } from '../server/src/manifest/locate';
import { LspClient } from '../test/support/lspClient';
import { largeManifest, typicalManifest } from './generate';

// Measure the code that ships: the validator bundled by esbuild exactly as
// dist/server.js bundles it, not the TypeScript sources run through tsx.
const bundle = join(__dirname, '..', 'out', 'bench', 'analyze.cjs');
buildSync({ entryPoints: [join(__dirname, '..', 'test', 'support', 'analyze.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, external: ['@napi-rs/keyring'], logLevel: 'warning' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyze } = require(bundle) as typeof import('../test/support/analyze');

interface Subject {
  name: string;
  text: string;
  /** Interleaved in-process rounds (after warm-up). */
  rounds: number;
}

const STDIO_ROUNDS = 20;
const PATH = join(tmpdir(), 'secretspec-bench', 'secretspec.toml');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function time(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

interface InProcess {
  parse: number;
  analyze: number;
  locate: number;
  diagnostics: number;
}

async function inProcess(s: Subject): Promise<InProcess> {
  const samples = { parse: [] as number[], analyze: [] as number[], locate: [] as number[] };
  const warmup = Math.max(3, Math.round(s.rounds / 5));
  let diagnostics = 0;
  for (let i = 0; i < warmup + s.rounds; i++) {
    const p = await time(() => parse(s.text));
    const a = await time(async () => {
      diagnostics = (await analyze(s.text, PATH, {})).diagnostics.length;
    });
    const l = await time(() => new SourceMap(s.text).all());
    if (i < warmup) continue;
    samples.parse.push(p);
    samples.analyze.push(a);
    samples.locate.push(l);
  }
  return { parse: median(samples.parse), analyze: median(samples.analyze), locate: median(samples.locate), diagnostics };
}

/** didChange → publishDiagnostics over stdio, each change a new text so nothing is served from a cache. */
async function overStdio(client: LspClient, s: Subject, index: number): Promise<number> {
  const dir = join(tmpdir(), 'secretspec-bench', String(index));
  const uri = client.open(join(dir, 'secretspec.toml'), s.text);
  await client.waitForDiagnostics(uri, { version: 1, timeoutMs: 60_000 });
  const samples: number[] = [];
  for (let i = 0; i < 3 + STDIO_ROUNDS; i++) {
    const text = `${s.text}\n# edit ${i}\n`;
    const t0 = performance.now();
    const version = client.change(uri, text);
    await client.waitForDiagnostics(uri, { version, timeoutMs: 60_000 });
    if (i >= 3) samples.push(performance.now() - t0);
  }
  client.close(uri);
  return median(samples);
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const ratio = (x: number) => `${x.toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

async function main(): Promise<void> {
  const large = largeManifest();
  const typical = typicalManifest();
  const subjects: Subject[] = [
    { name: 'large', text: large, rounds: 15 },
    { name: 'typical', text: typical, rounds: 300 },
  ];
  // One problem at the very end forces the locator to build every position.
  const largeWithProblem: Subject = { name: 'large + 1 problem', text: `${large}\n[profiles.default.LAST_ONE]\nrequired = true\n`, rounds: 15 };

  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const s of [...subjects, largeWithProblem]) {
    console.log(`${s.name.padEnd(18)} ${(s.text.length / 1e6).toFixed(2)} MB, ${s.text.split('\n').length} lines`);
  }

  const results = new Map<string, InProcess>();
  for (const s of [...subjects, largeWithProblem]) results.set(s.name, await inProcess(s));

  const workspace = mkdtempSync(join(tmpdir(), 'secretspec-bench-'));
  const client = await LspClient.start({ rootUri: `file://${workspace}` });
  const stdio = new Map<string, number>();
  try {
    for (const [i, s] of subjects.entries()) stdio.set(s.name, await overStdio(client, s, i));
    if (client.exited) throw new Error(`the server exited:\n${client.stderr.join('')}`);
  } finally {
    await client.stop();
    rmSync(workspace, { recursive: true, force: true });
  }

  console.log('\n(a) in-process, median (ratio to smol-toml parse of the same text)');
  for (const s of [...subjects, largeWithProblem]) {
    const r = results.get(s.name)!;
    const target = s.name === 'large' ? `  target ≤ 2.00×: ${verdict(r.analyze / r.parse <= 2)}` : '';
    console.log(`  ${s.name.padEnd(18)} smol-toml parse ${ms(r.parse).padStart(10)}   analyze ${ms(r.analyze).padStart(10)} = ${ratio(r.analyze / r.parse).padStart(6)}   (${r.diagnostics} diagnostics)${target}`);
  }
  console.log('\n    source locator alone (new SourceMap(text).all()); clean validation never builds it');
  for (const s of [...subjects, largeWithProblem]) {
    const r = results.get(s.name)!;
    console.log(`  ${s.name.padEnd(18)} ${ms(r.locate).padStart(10)} = ${ratio(r.locate / r.parse).padStart(6)} of a parse`);
  }

  console.log(`\n(b) didChange → publishDiagnostics over stdio (dist/server.js), median of ${STDIO_ROUNDS}`);
  for (const s of subjects) {
    const r = results.get(s.name)!;
    const e2e = stdio.get(s.name)!;
    const target =
      s.name === 'large' ? `target ≤ 3.00×: ${verdict(e2e / r.parse <= 3)}` : `target ≤ 10 ms: ${verdict(e2e <= 10)}`;
    console.log(`  ${s.name.padEnd(18)} ${ms(e2e).padStart(10)} = ${ratio(e2e / r.parse).padStart(6)} of an in-process parse   ${target}`);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
