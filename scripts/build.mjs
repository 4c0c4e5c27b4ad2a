// Bundles the client (extension host, CommonJS) and the language server
// (stand-alone Node program) with esbuild. `--outdir=<dir>` (default dist):
// packaging builds into its staging folder, so tests running from dist/
// meanwhile never see a half-written bundle.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const production = process.argv.includes('--production');
const outdir = process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist';
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: `${outdir}/client.js`, external: ['vscode'] }),
  build({
    ...common,
    entryPoints: ['server/src/main.ts'],
    outfile: `${outdir}/server.js`,
    banner: { js: '#!/usr/bin/env node' },
    external: ['@napi-rs/keyring'],
  }),
  build({
    ...common,
    entryPoints: ['server/src/plugins/bundled/standalone.ts'],
    outfile: `${outdir}/provider.js`,
    banner: { js: '#!/usr/bin/env node' },
    external: ['@napi-rs/keyring'],
  }),
]);

// The formatter's WebAssembly module is read at run time from beside the bundle (`@dprint/toml`'s getPath()
// resolves against the bundle's own directory), so it ships next to server.js.
mkdirSync(outdir, { recursive: true });
copyFileSync(createRequire(import.meta.url).resolve('@dprint/toml/plugin.wasm'), `${outdir}/plugin.wasm`);
