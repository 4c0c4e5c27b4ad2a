// Shared by the runner suites: `node dist/server.js run …` as a real child
// process (the bundle `npm test` builds first), the reporting command it
// runs (fixtures/child.cjs), and a scan of every process the runner started.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/lspClient';
import { oracleEnv } from '../support/oracle';
import { temporaryDir } from '../support/temporary';

export const SERVER = join(ROOT, 'dist', 'server.js');
export const CHILD = join(__dirname, 'fixtures', 'child.cjs');
export const PLUGINS = join(ROOT, 'test', 'fixtures', 'plugins');

export const sha = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

/** A project folder and a private HOME (no user config, keyring choice or audit log of this machine's user). */
export function sandbox(prefix: string): { dir: string; home: string } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const home = join(dir, 'home');
  mkdirSync(home);
  return { dir, home };
}

/** A sandbox holding `files` (name → text), removed when the test file's process ends. */
export function project(prefix: string, files: Record<string, string>): { dir: string; home: string } {
  const dir = temporaryDir(prefix);
  const home = join(dir, 'home');
  mkdirSync(home);
  const box = { dir, home };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(box.dir, name), text);
  return box;
}

/** A distinctive value per test: no leak check may pass by accident. */
export const secret = (label: string) => `${label}-${randomBytes(9).toString('hex')}`;

/** The environment of a run: the oracle's private one, plus what the test adds. */
export function runEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...oracleEnv(home), ...extra };
}

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The first line the command printed: its report. */
  report?: Record<string, string | string[]>;
}

export interface Running {
  pid: number;
  done: Promise<Ran>;
}

/** Starts `program args` (default: the runner) without waiting for it. */
export function start(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; program?: string }): Running {
  const child = spawn(options.program ?? process.execPath, options.program ? args : [SERVER, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const done = new Promise<Ran>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      resolve({ status, signal, stdout, stderr, ...(line ? { report: JSON.parse(line) as Record<string, string> } : {}) });
    });
  });
  return { pid: child.pid!, done };
}

export function run(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; program?: string }): Promise<Ran> {
  return start(args, options).done;
}

/** The runner's command line for the reporting child. */
export function childCommand(...args: string[]): string[] {
  return ['--', process.execPath, CHILD, ...args];
}

/** Every live descendant of `pid` (itself included), from /proc. */
export function processTree(pid: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(ppid, [...(parents.get(ppid) ?? []), Number(entry)]);
    } catch {
      // Gone meanwhile.
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(parents.get(p) ?? []));
  }
  return out;
}

/** The command lines of `pids` (NULs as spaces); a process gone meanwhile reads as empty. */
export function commandLines(pids: readonly number[]): string[] {
  return pids.map((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      return '';
    }
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` holds, or fails after `ms`. */
export async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
