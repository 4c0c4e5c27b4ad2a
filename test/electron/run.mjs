// `npm run test:electron`: the same in-editor suite in desktop VS Code via
// @vscode/test-electron, for machines that can download VS Code (not part of
// `npm test`: this one needs update.code.visualstudio.com).
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = new URL('../..', import.meta.url).pathname;
const suite = join(root, '.cache', 'electron', 'suite.js');
await build({ entryPoints: [join(root, 'test', 'e2e', 'suite', 'suite.ts')], outfile: suite, bundle: true, platform: 'node', format: 'cjs', external: ['vscode', '@napi-rs/keyring'] });
const scratch = mkdtempSync(join(tmpdir(), 'secretspec-electron-'));
const ws = join(scratch, 'shop');
cpSync(join(root, 'examples', 'shop'), ws, { recursive: true });
const results = join(scratch, 'results.json');
await runTests({
  extensionDevelopmentPath: root,
  extensionTestsPath: suite,
  launchArgs: [ws, '--disable-workspace-trust', '--disable-extensions'],
  extensionTestsEnv: { SECRETSPEC_E2E_RESULTS: results, SECRETSPEC_E2E_MODE: 'trusted' },
});
const { readFileSync } = await import('node:fs');
const r = JSON.parse(readFileSync(results, 'utf8'));
for (const x of r) console.log(`${x.ok ? 'ok  ' : 'FAIL'} ${x.name}${x.error ? `\n     ${x.error.split('\n')[0]}` : ''}`);
process.exit(r.every((x) => x.ok) ? 0 : 1);
