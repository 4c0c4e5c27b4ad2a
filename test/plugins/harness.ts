// Shared set-up for the plugin host tests: hosts wired to the fixture
// plugins in test/fixtures/plugins, with short timeouts, a log collector and
// a pid file that every fixture process appends to.
import { readFileSync, existsSync } from 'node:fs';
import { temporaryDir } from '../support/temporary';
import * as path from 'node:path';
import assert from 'node:assert/strict';
import { PluginHost, type PluginHostOptions } from '../../server/src/plugins/host';
import { ProviderError } from '../../server/src/providers/store';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'plugins');
export const ADDRESS = { project: 'app', profile: 'default' };

export function fixture(name: string): string {
  return path.join(FIXTURES, `secretspec-provider-${name}`);
}

export function tempDir(): string {
  return temporaryDir('secretspec-plugins');
}

export interface Harness {
  host: PluginHost;
  logs: string[];
  dir: string;
  pidFile: string;
  configFile: string;
  pids(): number[];
}

export function harness(overrides: Partial<PluginHostOptions> & { pluginEnv?: Record<string, string> } = {}): Harness {
  const dir = tempDir();
  const pidFile = path.join(dir, 'pids');
  const logs: string[] = [];
  const env = { FIXTURE_PID_FILE: pidFile, ...overrides.pluginEnv };
  const settings = {
    memory: { path: fixture('memory'), env },
    sink: { path: fixture('sink'), env },
    echo: { path: fixture('echo'), env },
  };
  const host = new PluginHost({
    trusted: true,
    settings,
    workspaceFolders: [dir],
    timeouts: { helloMs: 5000, requestMs: 1000, batchGetMs: 1000, shutdownGraceMs: 300, killGraceMs: 300 },
    retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 50 },
    log: (line) => logs.push(line),
    // As with the server trace on: these tests read what plugins wrote to stderr in the log.
    showPluginStderr: () => true,
    ...overrides,
  });
  return {
    host,
    logs,
    dir,
    pidFile,
    configFile: path.join(dir, 'secretspec.toml'),
    pids: () => (existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split('\n').filter(Boolean).map(Number) : []),
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sessionOptions = (configFile: string | null) => ({ configFile, project: 'app', command: 'check' });

/** The ProviderError a call failed with; fails the test when it succeeded or threw anything else. */
export async function providerFailure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  return assert.fail('expected the request to fail');
}
