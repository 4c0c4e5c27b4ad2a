// Builds a .vsix with vsce 3.x. The bundles carry every JS dependency; the
// only thing left outside them is @napi-rs/keyring (native), which is copied
// with its prebuilt for this platform into a staging folder, so the .vsix
// holds node_modules/@napi-rs/** and nothing else from node_modules.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stage = join(root, '.cache', 'vsix-stage');
const out = join(root, 'secretspec-vscode.vsix');

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const entry of ['dist', 'media', 'syntaxes', 'README.md', 'LICENSE', '.vscodeignore']) {
  if (existsSync(join(root, entry))) cpSync(join(root, entry), join(stage, entry), { recursive: true });
}
const napi = join(root, 'node_modules', '@napi-rs');
const kept = readdirSync(napi).filter((d) => d === 'keyring' || d.startsWith('keyring-'));
if (!kept.includes('keyring') || kept.length < 2) throw new Error('node_modules/@napi-rs/keyring or its prebuilt is missing; run npm ci');
for (const d of kept) cpSync(join(napi, d), join(stage, 'node_modules', '@napi-rs', d), { recursive: true });
// The staged manifest depends on the native module alone, so vsce's `npm list --production` sees exactly it.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
pkg.dependencies = { '@napi-rs/keyring': pkg.dependencies['@napi-rs/keyring'] };
delete pkg.devDependencies;
delete pkg.scripts;
writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
execFileSync(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--skip-license', '-o', out], { cwd: stage, stdio: 'inherit' });
console.log(`packaged ${out}`);
