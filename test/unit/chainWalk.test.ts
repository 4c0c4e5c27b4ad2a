// The chain rules shared by the check and the runner (check/walk.ts), in
// process over stores that answer from a table: SecretSpec 0.21.1's
// `read_fallback_chain` and `resolve_provider_backed_values`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { routeFor } from '../../server/src/check/route';
import { runCheck } from '../../server/src/check/run';
import { walkChains, type Walked } from '../../server/src/check/walk';
import { ProviderError, type KeyOutcome, type Store, type Stores } from '../../server/src/providers/store';
import { analyze } from '../support/analyze';

type Answer = 'value' | 'miss' | 'error' | 'not-installed';

/** One secret per case, its chain `a://`, `b://`, `c://`… answering as the case says. */
async function walk(cases: Record<string, Answer[]>): Promise<{ outcomes: Record<string, Walked<string | null> | undefined>; asked: string[] }> {
  const lines = Object.entries(cases).map(
    ([name, answers]) => `${name} = { description = "d", providers = [${answers.map((_, i) => `"${String.fromCharCode(97 + i)}://x"`).join(', ')}] }`,
  );
  const text = `[project]\nname = "p"\nrevision = "1.0"\n\n[profiles.default]\n${lines.join('\n')}\n`;
  const analysis = await analyze(text, null);
  const manifest = analysis.load.merged!;
  const secrets = [...analysis.validation.profiles!.get('default')!.secrets.values()];
  const asked: string[] = [];
  const outcomes = await walkChains<string | null>({
    secrets,
    routes: secrets.map((s) => routeFor(s, manifest, undefined)),
    manifest,
    where: { project: 'p', profile: 'default' },
    hit: (v) => v !== null,
    takesNative: () => false,
    delegable: () => true,
    ask: async (endpoint, keys) => {
      const link = endpoint.uri.charCodeAt(0) - 97;
      const out: Record<string, KeyOutcome<string | null>> = {};
      for (const key of keys) {
        asked.push(`${key}@${endpoint.uri}`);
        const answer = cases[key]![link]!;
        out[key] =
          answer === 'value'
            ? { ok: true, value: 'v' }
            : answer === 'miss'
              ? { ok: true, value: null }
              : { ok: false, error: new ProviderError(answer === 'error' ? 'auth_failed' : 'plugin_not_installed', `${answer} at ${endpoint.uri}`) };
      }
      return out;
    },
  });
  return { outcomes: Object.fromEntries(secrets.map((s, i) => [s.name, outcomes[i]])), asked };
}

test('a value anywhere in the chain answers, past misses and failures', async () => {
  const { outcomes, asked } = await walk({ A: ['value', 'value'], B: ['miss', 'value'], C: ['error', 'value'], D: ['error', 'error', 'value'] });
  for (const name of ['A', 'B', 'C', 'D']) assert.equal(outcomes[name]?.kind, 'found', name);
  assert.equal(outcomes.C?.kind === 'found' && outcomes.C.endpoint.uri, 'b://x');
  assert.ok(!asked.includes('A@b://x'), 'a link after a value is never asked');
});

test('no value: a failed primary is the answer; else a later miss makes it missing; else the last failure', async () => {
  const { outcomes } = await walk({
    PRIMARY_FAILED: ['error', 'miss'],
    ONLY_FAILED: ['error'],
    PLAIN_MISS: ['miss'],
    MISS_THEN_FAIL: ['miss', 'error'],
    MISS_FAIL_MISS: ['miss', 'error', 'miss'],
    MISS_MISS_FAIL: ['miss', 'miss', 'error'],
  });
  const failedAt = (name: string) => {
    const o = outcomes[name];
    return o?.kind === 'failed' ? o.provider : o?.kind;
  };
  assert.equal(failedAt('PRIMARY_FAILED'), 'a://x', 'an outage is never turned into missing');
  assert.equal(failedAt('ONLY_FAILED'), 'a://x');
  assert.equal(outcomes.PLAIN_MISS?.kind, 'missing');
  assert.equal(failedAt('MISS_THEN_FAIL'), 'b://x', 'a primary miss does not count as a healthy fallback');
  assert.equal(outcomes.MISS_FAIL_MISS?.kind, 'missing');
  assert.equal(outcomes.MISS_MISS_FAIL?.kind, 'missing');
});

test('a store only the CLI answers ends the walk: the CLI walks the whole chain', async () => {
  const { outcomes, asked } = await walk({ A: ['not-installed', 'value'], B: ['miss', 'not-installed', 'value'] });
  assert.equal(outcomes.A?.kind, 'delegated');
  assert.equal(outcomes.B?.kind, 'delegated');
  assert.ok(!asked.includes('A@b://x') && !asked.includes('B@c://x'));
});

test('the check hands a secret to the CLI with every composition built on it, through chains of compositions', async () => {
  const depth = 3000;
  const lines = ['X = { description = "x", providers = ["cli://store"] }', 'Y = { description = "y", providers = ["own://store"] }', 'ON_Y = { description = "c", composed = "${Y}" }'];
  for (let i = 1; i <= depth; i++) lines.push(`C${i} = { description = "c", composed = "\${${i === 1 ? 'X' : `C${i - 1}`}}" }`);
  const analysis = await analyze(`[project]\nname = "p"\nrevision = "1.0"\n\n[profiles.default]\n${lines.join('\n')}\n`, null);
  const stores: Stores = {
    open: async (uri) =>
      ({
        presence: async (_at: unknown, keys: readonly string[]) =>
          Object.fromEntries(keys.map((k) => [k, uri.startsWith('cli:') ? { ok: false, error: new ProviderError('plugin_not_installed', 'no plugin') } : { ok: false, error: new ProviderError('timeout', 'slow') }])),
      }) as unknown as Store,
  };
  const { results } = await runCheck({ manifest: analysis.load.merged!, profiles: analysis.validation.profiles!, stores, configFile: null, delegable: (uri) => uri.startsWith('cli:') });
  const delegated = new Set(results[0]!.delegated);
  assert.equal(delegated.size, depth + 1, 'X and every composition on it');
  assert.ok(delegated.has('X') && delegated.has(`C${depth}`));
  assert.ok(!delegated.has('Y') && !delegated.has('ON_Y'), 'a failure the CLI cannot help with stays ours');
});
