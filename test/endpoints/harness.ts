// Shared set-up for the SecretSpec 0.21 endpoint tests: the real endpoint
// built from SecretSpec's own `secretspec-ipc` crate (scripts/ipc-endpoint.mjs,
// cached per machine), the misbehaving Node endpoint, sessions with short
// timeouts and a log collector, and process checks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { endpointEnvironment } from '../../server/src/endpoints/environment';
import type { Address, ApplicationContext } from '../../server/src/endpoints/messages';
import { EndpointSession, type CredentialSource, type SessionOptions } from '../../server/src/endpoints/session';
import { CircuitBreaker } from '../../server/src/plugins/breaker';
import { Redactor } from '../../server/src/plugins/redact';
import { ProviderError } from '../../server/src/providers/store';
import { ROOT } from '../support/lspClient';
import { temporaryDir } from '../support/temporary';

export const FAULT_ENDPOINT = path.join(ROOT, 'test', 'fixtures', 'ipc-faults', 'endpoint.mjs');
export const TEE = path.join(ROOT, 'test', 'fixtures', 'ipc-faults', 'tee.mjs');
export const CLIENT = { name: 'secretspec-vscode-tests', version: '0.0.0' };
export const CONTEXT: ApplicationContext = { project: 'app', profile: 'default', baseDir: '/work/app', reason: 'test' };

let built: { bin?: string; reason?: string } | undefined;

/** The real endpoint's binary, built on first use; undefined with the reason when cargo cannot build it here (fatal on CI). */
export function realEndpoint(): { bin?: string; reason?: string } {
  if (built) return built;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'ipc-endpoint.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const bin = r.stdout.trim().split('\n').pop();
  built = r.status === 0 && bin ? { bin } : { reason: `the SecretSpec IPC test endpoint could not be built: ${(r.stderr || '').trim().split('\n').slice(-5).join(' ')}` };
  if (process.env.CI && !built.bin) throw new Error(built.reason);
  return built;
}

export function endpointSkip(): string | false {
  return realEndpoint().bin ? false : realEndpoint().reason!;
}

export function tempDir(): string {
  return temporaryDir('secretspec-endpoints');
}

export interface Harness {
  session: EndpointSession;
  logs: string[];
  redactor: Redactor;
  breaker: CircuitBreaker;
  options: SessionOptions;
}

export interface HarnessInput {
  executable: string;
  /** Variables for the endpoint, on top of the base set that passes the R3 filter. */
  vars?: Record<string, string>;
  scheme?: string;
  uri?: string;
  context?: ApplicationContext;
  credentials?: CredentialSource;
  requestMs?: number;
  startupMs?: number;
  cancelGraceMs?: number;
  discoverFirst?: boolean;
  args?: string[];
  breaker?: CircuitBreaker;
}

/** A session as the server will build one: the claim's launch contract and the R3 environment (base set plus `IPC_*`, which the test claims allow). */
export function harness(input: HarnessInput): Harness {
  const logs: string[] = [];
  const redactor = new Redactor();
  const breaker = input.breaker ?? new CircuitBreaker({ threshold: 5, cooldownMs: 30_000, now: Date.now });
  const scheme = input.scheme ?? 'acme';
  const options: SessionOptions = {
    launch: {
      scheme,
      executable: input.executable,
      args: input.args ?? ['provider'],
      env: endpointEnvironment({ ...process.env, ...input.vars }, ['IPC_*']),
    },
    uri: input.uri ?? `${scheme}://main`,
    context: input.context ?? CONTEXT,
    label: `endpoint ${scheme}`,
    client: CLIENT,
    startupMs: input.startupMs ?? 5_000,
    requestMs: input.requestMs ?? 5_000,
    cancelGraceMs: input.cancelGraceMs ?? 1_000,
    ...(input.credentials ? { credentials: input.credentials } : {}),
    ...(input.discoverFirst ? { discoverFirst: true } : {}),
    redactor,
    log: (line) => logs.push(line),
    showStderr: () => true,
    breaker,
    breakerKey: input.executable,
  };
  return { session: new EndpointSession(options), logs, redactor, breaker, options };
}

export const convention = (key: string, project = 'app', profile = 'default'): Address => ({ kind: 'convention', project, profile, key });
export const native = (item: string, extra: Record<string, string> = {}): Address => ({ kind: 'native', coordinates: { item, ...extra } });

export function traceLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Alive and not a zombie (a container's init may not reap what it inherits). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** Whether any live process still belongs to process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  const r = spawnSync('ps', ['-e', '-o', 'pgid=,stat='], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .some(([group, stat]) => group === String(pgid) && !stat?.startsWith('Z'));
}

/** Waits until `predicate` holds, for at most `ms`; whether it did. */
export async function until(predicate: () => boolean, ms = 3000): Promise<boolean> {
  for (let waited = 0; waited < ms && !predicate(); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return predicate();
}

export async function gone(pid: number, ms = 3000): Promise<boolean> {
  for (let waited = 0; waited < ms && isAlive(pid); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return !isAlive(pid);
}

/** The ProviderError a call failed with; fails the test when it succeeded or threw anything else. */
export async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected the request to fail');
}

/** The project both the CLI comparison and the server suite check: every presence case, in two profiles, by convention and at native addresses. */
export const MANIFEST = `[project]
name = "app"
revision = "1.0"

[profiles.default]
A = { description = "present by convention", providers = ["acme://main"] }
B = { description = "missing, required", providers = ["acme://main"] }
C = { description = "missing, optional", required = false, providers = ["acme://main"] }
D = { description = "present at a native address", providers = ["acme://main"], ref = { item = "shared/db", field = "password" } }
E = { description = "missing at a native address", required = false, providers = ["acme://main"], ref = { item = "shared/db", field = "user" } }

[profiles.production]
A = { description = "missing in production", providers = ["acme://main"] }
B = { description = "present in production", providers = ["acme://main"] }
`;
