// Bundles the client (extension host, CommonJS) and the language server
// (stand-alone Node program) with esbuild.
import { build } from 'esbuild';

const production = process.argv.includes('--production');
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
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({
    ...common,
    entryPoints: ['server/src/main.ts'],
    outfile: 'dist/server.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['@napi-rs/keyring'],
  }),
  build({
    ...common,
    entryPoints: ['server/src/plugins/bundled/standalone.ts'],
    outfile: 'dist/provider.js',
    banner: { js: '#!/usr/bin/env node' },
    external: ['@napi-rs/keyring'],
  }),
]);
