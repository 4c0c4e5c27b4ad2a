// End to end with a second, independent LSP client: headless Neovim starts
// `node dist/server.js --stdio`, opens a manifest and records what the server
// published. It must be exactly what our own stdio client receives for the
// same text, so the server behaves the same for every editor.
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient, ROOT, SERVER, type Diagnostic } from '../support/lspClient';
import { ensureDebianPackages } from '../support/systemPackages';

const NVIM_CLIENT = join(__dirname, 'client.lua');

/** A TOML syntax error (unclosed inline table) plus semantic errors (missing description, required with a default). */
const BROKEN_MANIFEST = `[project]
name = "nvim-e2e"
revision = "1.0"

[profiles.default]
API_KEY = { required = true }
DB_URL = { description = "database", required = true, default = "postgres://localhost" }
BROKEN = { description = "unterminated"
`;

/** Valid TOML whose problems are only semantic. */
const SEMANTIC_MANIFEST = `[project]
name = "nvim-e2e"
revision = "1.0"

[profiles.default]
API_KEY = { required = true }
DB_URL = { description = "database", required = true, default = "postgres://localhost" }
`;

interface Comparable {
  range: Diagnostic['range'];
  severity: number | null;
  code: string | number | null;
  source: string | null;
  message: string;
}

interface NvimResult {
  ok: boolean;
  nvim: string;
  published: Array<Partial<Comparable> & { range: Diagnostic['range']; message: string }>;
  displayed: Array<{ lnum: number; col: number; end_lnum: number; end_col: number; severity: number; message: string }>;
}

function comparable(d: Partial<Comparable> & { range: Diagnostic['range']; message: string }): Comparable {
  return { range: d.range, severity: d.severity ?? null, code: d.code ?? null, source: d.source ?? null, message: d.message };
}

function hasNvim(): boolean {
  return spawnSync('nvim', ['--version'], { stdio: 'ignore' }).status === 0;
}

let skipReason: string | undefined;
let workDir: string;
let stdioClient: LspClient | undefined;

before(async () => {
  if (!existsSync(SERVER)) execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (!hasNvim()) {
    const installed = ensureDebianPackages(['neovim']);
    if (!installed.ok) skipReason = `Neovim is not available: ${installed.reason}`;
    else if (!hasNvim()) skipReason = 'the Debian neovim package is installed but `nvim` is not on PATH';
  }
  workDir = mkdtempSync(join(tmpdir(), 'secretspec-nvim-'));
  stdioClient = await LspClient.start({ initializationOptions: { trusted: false } });
});

after(async () => {
  await stdioClient?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** Opens `text` as `<dir>/secretspec.toml` in headless Neovim and returns what it received. */
function runNeovim(name: string, text: string): { file: string; result: NvimResult } {
  const dir = join(workDir, name);
  const file = join(dir, 'secretspec.toml');
  const out = join(dir, 'nvim-result.json');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text);
  // Keep Neovim's cache, state and log files (lsp.log) out of $HOME.
  const xdg = join(dir, 'xdg');
  const run = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', file, '-c', 'lua dofile(vim.env.SECRETSPEC_NVIM_SCRIPT)'], {
    cwd: dir,
    env: {
      ...process.env,
      SECRETSPEC_NVIM_SCRIPT: NVIM_CLIENT,
      SECRETSPEC_NVIM_FILE: file,
      SECRETSPEC_NVIM_NODE: process.execPath,
      SECRETSPEC_NVIM_SERVER: SERVER,
      SECRETSPEC_NVIM_OUT: out,
      XDG_CONFIG_HOME: join(xdg, 'config'),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      XDG_DATA_HOME: join(xdg, 'data'),
      XDG_STATE_HOME: join(xdg, 'state'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 40_000,
  });
  assert.ok(existsSync(out), `Neovim wrote no result (exit ${run.status}, signal ${run.signal}):\n${run.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as NvimResult;
  assert.equal(result.ok, true, `Neovim saw no diagnostics within its wait (exit ${run.status}):\n${run.stderr}`);
  assert.equal(run.status, 0, `nvim exited with ${run.status}:\n${run.stderr}`);
  return { file, result };
}

async function compareWithStdioClient(t: TestContext, name: string, text: string): Promise<Comparable[]> {
  const { file, result } = runNeovim(name, text);
  t.diagnostic(`Neovim ${result.nvim}`);
  const expected = (await stdioClient!.diagnose(file, text)).map(comparable);
  const fromNeovim = result.published.map(comparable);
  assert.deepEqual(fromNeovim, expected);

  // Neovim took them in: vim.diagnostic holds one entry per published diagnostic (ASCII text, so UTF-16 columns are byte columns).
  const key = (d: { lnum: number; col: number; end_lnum: number; end_col: number; severity: number | null; message: string }): string =>
    JSON.stringify([d.lnum, d.col, d.end_lnum, d.end_col, d.severity, d.message]);
  const wanted = expected.map((d) =>
    key({ lnum: d.range.start.line, col: d.range.start.character, end_lnum: d.range.end.line, end_col: d.range.end.character, severity: d.severity, message: d.message }),
  );
  assert.deepEqual(result.displayed.map(key).sort(), wanted.sort());
  return expected;
}

test('Neovim receives exactly the diagnostics the stdio client receives for a broken manifest', async (t) => {
  if (skipReason) return t.skip(skipReason);
  const diagnostics = await compareWithStdioClient(t, 'broken', BROKEN_MANIFEST);
  assert.ok(diagnostics.length >= 1, 'a manifest with a TOML syntax error has at least one diagnostic');
  for (const d of diagnostics) {
    assert.equal(d.source, 'secretspec');
    assert.ok(d.code !== null, `diagnostic without a code: ${d.message}`);
    assert.ok(d.severity !== null && d.severity >= 1 && d.severity <= 4, `severity ${d.severity}`);
  }
  assert.ok(
    diagnostics.some((d) => d.severity === 1 && d.range.start.line >= 7),
    `the unterminated inline table on line 8 is an error at or after it: ${JSON.stringify(diagnostics)}`,
  );
});

test('Neovim and the stdio client agree on a manifest with only semantic problems', async (t) => {
  if (skipReason) return t.skip(skipReason);
  await compareWithStdioClient(t, 'semantic', SEMANTIC_MANIFEST);
});
