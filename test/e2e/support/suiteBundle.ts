// Builds the extension and bundles an in-editor suite (suite/<name>.ts) into
// .cache/e2e/<name>.js, the module code-server loads as extensionTestsPath.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { CACHE, ROOT } from './codeServer';

export async function buildExtensionAndSuite(name = 'suite'): Promise<string> {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  const out = join(CACHE, 'e2e', `${name}.js`);
  await build({
    entryPoints: [join(ROOT, 'test', 'e2e', 'suite', `${name}.ts`)],
    outfile: out,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['vscode', '@napi-rs/keyring'],
    logLevel: 'warning',
  });
  return out;
}
