// Opens a bundled provider the way the host does, failing the test on an open error.
import assert from 'node:assert/strict';
import type { BundledProvider, BundledSession, ErrorBody, OpResponse } from '../../server/src/plugins/types';

export async function openSession(provider: BundledProvider, uri: string, configFile: string | null = null, env: NodeJS.ProcessEnv = process.env): Promise<BundledSession> {
  const opened = await provider.open({ op: 'hello', protocol_version: 1, uri, config_file: configFile, context: { reason: 'secretspec:test:check' } }, env);
  if ('ok' in opened) assert.fail(`open ${uri} failed: ${opened.error.kind}: ${opened.error.message}`);
  return opened;
}

export async function openError(provider: BundledProvider, uri: string, configFile: string | null = null, env: NodeJS.ProcessEnv = process.env): Promise<ErrorBody> {
  const opened = await provider.open({ op: 'hello', protocol_version: 1, uri, config_file: configFile, context: {} }, env);
  assert.ok('ok' in opened, `open ${uri} should fail`);
  return opened.error;
}

export function expectOk(r: OpResponse): Extract<OpResponse, { ok: true }> {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.kind}: ${r.error.message}`);
  return r;
}

export function expectError(r: OpResponse, kind: string): ErrorBody {
  assert.equal(r.ok, false, 'expected an error response');
  if (r.ok) throw new Error('unreachable');
  assert.equal(r.error.kind, kind, r.error.message);
  return r.error;
}

/** Every bundled op addressed at one project/profile. */
export function at(project: string, profile: string) {
  return {
    get: (key: string) => ({ op: 'get' as const, project, profile, key }),
    batch: (keys: string[]) => ({ op: 'batch_get' as const, project, profile, keys }),
    exists: (key: string) => ({ op: 'exists' as const, project, profile, key }),
    set: (key: string, value: string) => ({ op: 'set' as const, project, profile, key, value }),
    del: (key: string) => ({ op: 'delete' as const, project, profile, key }),
  };
}

/** Values that break naive quoting, encoding or line handling. */
export const TRICKY_VALUES = [
  'plain',
  '',
  'with space',
  '  leading and trailing  ',
  'a"double"quote',
  "a'single'quote",
  `both ' and " quotes`,
  'line1\nline2\n',
  'crlf\r\nline',
  'hash # not a comment',
  '#starts-with-hash',
  'a=b=c',
  '$HOME and ${HOME} stay literal',
  'back\\slash\\',
  'tab\there',
  'ünïcødé ✓ 日本語 🔑',
  'ends with backslash \\',
  "'",
  '"',
  'export X=1',
];
