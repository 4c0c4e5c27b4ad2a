// The real SecretSpec 0.21.1 CLI as the judge (scripts/secretspec-oracle.mjs
// builds it once per machine into a cache). Suites that compare with it call
// `oracle()` and skip with its reason only where it truly cannot be had.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './lspClient';

export interface Oracle {
  bin?: string;
  reason?: string;
}

let cached: Oracle | undefined;

export function oracle(): Oracle {
  if (cached) return cached;
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'secretspec-oracle.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const bin = r.stdout.trim().split('\n').pop();
  cached = r.status === 0 && bin ? { bin } : { reason: `SecretSpec 0.21.1 is not available: ${(r.stderr || '').trim().split('\n').slice(-5).join(' ')}` };
  if (process.env.CI && !cached.bin) throw new Error(cached.reason);
  return cached;
}

/** The oracle's skip reason for `test(..., { skip })`, false when it is here. */
export function oracleSkip(): string | false {
  return oracle().bin ? false : oracle().reason!;
}

export interface OracleRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment for a CLI run: a private HOME and XDG dirs so the user's
 * own config, audit log and keyring choice never leak into a comparison,
 * unless `env` says otherwise.
 */
export function oracleEnv(home: string, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    NO_COLOR: '1',
    ...env,
  };
}

function oracleBin(): string {
  const { bin } = oracle();
  if (!bin) throw new Error('oracle unavailable');
  return bin;
}

export function runOracle(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; home: string }): OracleRun {
  const r = spawnSync(oracleBin(), args, { cwd: options.cwd, env: oracleEnv(options.home, options.env), input: options.input ?? '', encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `runOracle` without blocking, for suites that keep a few runs in flight at once. */
export function runOracleAsync(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; home: string }): Promise<OracleRun> {
  const bin = oracleBin();
  return new Promise((resolve, reject) => {
    const child = execFile(bin, args, { cwd: options.cwd, env: oracleEnv(options.home, options.env), encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}
