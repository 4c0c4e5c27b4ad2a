// Validation cost against the floor it cannot beat: smol-toml's parse of the
// same text in the same process, and against other TOML language servers
// (taplo, Tombi) driven over stdio exactly as ours is. Every figure of
// issue 15's table is printed as a ratio measured in this run. Runs are
// interleaved and warmed up, and medians are reported, so a GC pause or a JIT
// tier-up skews no single side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'smol-toml';
import { buildSync } from 'esbuild';
import { SourceMap } from '../server/src/manifest/locate';
import { largeManifest, typicalManifest } from './generate';
import { installPeers, StdioServer, type PeerCommand } from './peers';

// Measure the code that ships: the validator bundled by esbuild exactly as
// dist/server.js bundles it, not the TypeScript sources run through tsx.
const ROOT = join(__dirname, '..');
const bundle = join(ROOT, 'out', 'bench', 'analyze.cjs');
buildSync({ entryPoints: [join(ROOT, 'test', 'support', 'analyze.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, external: ['@napi-rs/keyring'], logLevel: 'warning' });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { analyze } = require(bundle) as typeof import('../test/support/analyze');

const PATH = join(tmpdir(), 'secretspec-bench', 'secretspec.toml');

interface Subject {
  name: string;
  text: string;
  /** Interleaved in-process rounds (after warm-up). */
  rounds: number;
}

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
  /** The source map asked for one path, as validation asks for a problem's: the header pass and that path's key/values. */
  locateOne: number;
  diagnostics: number;
}

async function inProcess(s: Subject): Promise<InProcess> {
  const samples = { parse: [] as number[], analyze: [] as number[], locate: [] as number[], locateOne: [] as number[] };
  const warmup = Math.max(3, Math.round(s.rounds / 5));
  let diagnostics = 0;
  for (let i = 0; i < warmup + s.rounds; i++) {
    const p = await time(() => parse(s.text));
    const a = await time(async () => {
      diagnostics = (await analyze(s.text, PATH, {})).diagnostics.length;
    });
    const l = await time(() => new SourceMap(s.text).all());
    const one = await time(() => new SourceMap(s.text).get(['profiles', 'default', 'PROBLEM_0']));
    if (i < warmup) continue;
    samples.parse.push(p);
    samples.analyze.push(a);
    samples.locate.push(l);
    samples.locateOne.push(one);
  }
  return { parse: median(samples.parse), analyze: median(samples.analyze), locate: median(samples.locate), locateOne: median(samples.locateOne), diagnostics };
}

/** `count` problems (a declaration without its description) spread over the profiles, appended as sub-tables. */
function withProblems(text: string, count: number): string {
  const tables: string[] = [];
  for (let i = 0; i < count; i++) tables.push(`[profiles.${i % 10 === 0 ? 'default' : `env${i % 10}`}.PROBLEM_${i}]`, 'required = true', '');
  return `${text}\n${tables.join('\n')}`;
}

/** A one-character edit in the middle of the text, inside a description (so it stays valid): toggles the case of a letter. */
function oneCharEdit(text: string, round: number) {
  const at = text.indexOf('description = "', text.length >> 1) + 'description = "'.length;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = at - before.lastIndexOf('\n') - 1;
  const original = text[at]!;
  const replacement = round % 2 === 0 ? (original === original.toUpperCase() ? original.toLowerCase() : original.toUpperCase()) : original;
  return { range: { start: { line, character }, end: { line, character: character + 1 } }, text: replacement };
}

interface Server {
  name: string;
  languageId: string;
  server: StdioServer;
  /** Median ms per measured figure. */
  figures: Map<string, number[]>;
}

const OURS: PeerCommand = { name: 'secretspec', command: process.execPath, args: [join(ROOT, 'dist', 'server.js'), '--stdio'], languageId: 'secretspec' };

async function overStdio(peers: PeerCommand[], large: string, typical: string, largeWithProblem: string, workspace: string): Promise<Server[]> {
  const servers: Server[] = [];
  for (const p of [OURS, ...peers]) {
    try {
      servers.push({ name: p.name, languageId: p.languageId, server: await StdioServer.start(p.command, p.args, workspace), figures: new Map() });
    } catch (err) {
      console.log(`  skipping ${p.name}: it did not start (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const record = (s: Server, figure: string, ms: number) => s.figures.set(figure, [...(s.figures.get(figure) ?? []), ms]);
  const dir = (s: Server) => join(workspace, s.name);
  // Rounds interleave the servers; taplo needs seconds for the large file, so it gets fewer of those.
  for (let round = 0; round < 2 + 40; round++) {
    for (const s of servers) {
      const t = await time(() => s.server.open(s.server.fresh(dir(s)), typical, s.languageId));
      if (round >= 2) record(s, 'open typical', t);
    }
  }
  for (let round = 0; round < 1 + 7; round++) {
    for (const s of servers) {
      if (s.name === 'taplo' && round > 3) continue;
      const t = await time(() => s.server.open(s.server.fresh(dir(s)), large, s.languageId));
      if (round >= 1) record(s, 'open large', t);
    }
  }
  for (const s of servers) {
    for (const [name, text, rounds] of [['edit large', large, 20], ['edit typical', typical, 50], ['edit large + 1 problem', largeWithProblem, 20]] as const) {
      // Seconds per large document: a handful of taplo's edits would take minutes.
      if (s.name === 'taplo' && text !== typical) continue;
      const uri = s.server.openOnly(s.server.fresh(dir(s)), text, s.languageId);
      await s.server.pushedFor(uri, 1).catch(() => undefined);
      for (let round = 0; round < 3 + rounds; round++) {
        const t = await time(() => s.server.edit(uri, round + 2, oneCharEdit(text, round)));
        if (round >= 3) record(s, name, t);
      }
    }
  }
  for (const s of servers) await s.server.stop();
  return servers;
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const ratio = (x: number) => `${x.toFixed(2)}×`;
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const large = largeManifest();
  const typical = typicalManifest();
  const subjects: Subject[] = [
    { name: 'large', text: large, rounds: 15 },
    // One problem at the very end: the locator must reach the last table.
    { name: 'large + 1 problem', text: `${large}\n[profiles.default.LAST_ONE]\nrequired = true\n`, rounds: 15 },
    { name: 'large + 100 problems', text: withProblems(large, 100), rounds: 15 },
    { name: 'typical', text: typical, rounds: 300 },
  ];
  console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
  for (const s of subjects) console.log(`${s.name.padEnd(22)} ${(s.text.length / 1e6).toFixed(2)} MB, ${s.text.split('\n').length} lines`);

  const results = new Map<string, InProcess>();
  for (const s of subjects) results.set(s.name, await inProcess(s));

  const { peers, skipped } = installPeers();
  for (const reason of skipped) console.log(`  skipping peer ${reason}`);
  const workspace = mkdtempSync(join(tmpdir(), 'secretspec-bench-'));
  let servers: Server[];
  try {
    servers = await overStdio(peers, large, typical, subjects[1]!.text, workspace);
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
  const figure = (server: string, name: string) => {
    const xs = servers.find((s) => s.name === server)?.figures.get(name);
    return xs?.length ? median(xs) : undefined;
  };

  const parseOf = (name: string) => results.get(name)!.parse;
  console.log('\n(a) in process (bundled validator), median, ratio to a smol-toml parse of the same text');
  for (const s of subjects) {
    const r = results.get(s.name)!;
    console.log(`  ${s.name.padEnd(22)} parse ${ms(r.parse).padStart(9)}   analyze ${ms(r.analyze).padStart(9)} = ${ratio(r.analyze / r.parse).padStart(6)}   (${r.diagnostics} diagnostics)   locator, every node ${ms(r.locate).padStart(9)} = ${ratio(r.locate / r.parse)}, one path ${ms(r.locateOne).padStart(9)} = ${ratio(r.locateOne / r.parse)}`);
  }

  console.log('\n(b) over stdio, one LSP client, median: didOpen → diagnostics, and a one-character didChange (incremental sync) → diagnostics');
  const figures = ['open typical', 'open large', 'edit typical', 'edit large'];
  console.log(`  ${'server'.padEnd(12)}${figures.map((f) => f.padStart(15)).join('')}`);
  for (const s of servers) {
    console.log(`  ${s.name.padEnd(12)}${figures.map((f) => (figure(s.name, f) === undefined ? '—' : ms(figure(s.name, f)!)).padStart(15)).join('')}`);
  }

  const largeParse = parseOf('large');
  const rows: Array<[string, number | undefined, string, boolean | undefined]> = [];
  const inProc = (name: string) => results.get(name)!.analyze / parseOf(name);
  rows.push(['in-process validation ÷ parse, clean large', inProc('large'), '≤ 1.5×', inProc('large') <= 1.5]);
  const worstProblem = Math.max(inProc('large + 1 problem'), inProc('large + 100 problems'));
  rows.push(['same with 1 problem / 100 problems (worst)', worstProblem, '≤ 2×', worstProblem <= 2]);
  const openLarge = figure('secretspec', 'open large');
  rows.push(['didOpen → diagnostics over stdio, large ÷ parse', openLarge && openLarge / largeParse, '≤ 2.5×', openLarge === undefined ? undefined : openLarge / largeParse <= 2.5]);
  const editLarge = figure('secretspec', 'edit large');
  rows.push(['one-char edit of large → diagnostics ÷ parse', editLarge && editLarge / largeParse, '≤ 1×', editLarge === undefined ? undefined : editLarge / largeParse <= 1]);
  for (const peer of servers.filter((s) => s.name !== 'secretspec')) {
    for (const f of figures) {
      const ours = figure('secretspec', f);
      const theirs = figure(peer.name, f);
      if (ours === undefined || theirs === undefined) continue;
      rows.push([`ours ÷ ${peer.name}, ${f}`, ours / theirs, '≤ 1×', ours / theirs <= 1]);
    }
  }
  console.log('\n(c) issue 15, every figure as a ratio measured in this run');
  for (const [name, value, goal, ok] of rows) {
    console.log(`  ${name.padEnd(48)} ${(value === undefined ? '—' : ratio(value)).padStart(8)}   goal ${goal.padEnd(7)} ${ok === undefined ? 'not measured' : verdict(ok)}`);
  }
  console.log(`  typical manifest, edit → diagnostics over stdio: ${ms(figure('secretspec', 'edit typical') ?? NaN)}`);
  const editProblem = figure('secretspec', 'edit large + 1 problem');
  if (editProblem !== undefined) console.log(`  one-char edit of large with 1 problem → diagnostics: ${ms(editProblem)} = ${ratio(editProblem / largeParse)} a parse (the locator runs on every such edit)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : String(err));
  process.exitCode = 1;
});
