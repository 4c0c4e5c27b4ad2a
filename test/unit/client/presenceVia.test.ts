// The presence rows name the CLI run that answered them (issue 11): only the
// secrets the check entry lists under `cli.names` say "via secretspec …".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CheckResult } from '../../../protocol/src';
import { buildProfiles, cliVia } from '../../../client/src/views/presenceModel';

const secret = (name: string, source_provider?: string) => ({ name, status: 'resolved' as const, required: true, ...(source_provider ? { source_provider } : {}), default_applied: false, generated: false, as_path: false });

test('rows answered through the CLI say so, with the run duration; the others do not', () => {
  const result: CheckResult = {
    results: [
      {
        profile: 'default',
        report: { schema_version: 1, provider: 'dotenv', profile: 'default', secrets: [secret('LOCAL', 'dotenv:/w/.env'), secret('OP', 'onepassword://Prod')] },
        unresolved: [{ name: 'VAULT', provider: 'secretspec 0.21.1', kind: 'timeout', message: 'secretspec check (profile default) did not finish within 30 s' }],
        cli: { version: '0.21.1', names: ['OP', 'VAULT'], durationMs: 412, cached: false },
      },
    ],
  };
  const rows = Object.fromEntries(buildProfiles(result, 'default')[0]!.secrets.map((r) => [r.name, r.via]));
  assert.deepEqual(rows, { LOCAL: undefined, OP: 'via secretspec 0.21.1 in 412 ms', VAULT: 'via secretspec 0.21.1 in 412 ms' });
  assert.match(cliVia({ version: '0.21.1', names: [], durationMs: 9, cached: true }), /kept from an earlier run/);
});
