// `npm run package`: builds secretspec-vscode.vsix with vsce 3.x (4.x needs
// Node 22) from a staging folder that holds only what the package ships: the
// production bundles, the grammar, media, README, CHANGELOG, LICENSE, and
// @napi-rs/keyring with its prebuilt for this platform — the one dependency
// the bundles leave outside, since it is native. The native prebuilt makes
// the package platform-specific, so it is marked with that vsce target.
//
// README images: the repository's README links them relatively (right on a
// code host); VS Code's extension page resolves no relative image and loads
// only https: and data: ones. So the packaged README carries each image as a
// data: URI: it shows offline, from the package alone, and names no
// repository (vsce's --no-rewrite-relative-links keeps vsce from demanding
// one). Publishing to a marketplace, whose web page wants https images,
// would instead pass --baseImagesUrl with the published repository.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stage = join(root, '.cache', 'vsix-stage');
const out = process.env.SECRETSPEC_VSIX ?? join(root, 'secretspec-vscode.vsix');

/** vsce's target for the prebuilt npm installed here (`keyring-<platform>-<arch>[-abi]`). */
const VSCE_TARGETS = { 'linux-x64-gnu': 'linux-x64', 'linux-arm64-gnu': 'linux-arm64', 'linux-x64-musl': 'alpine-x64', 'linux-arm64-musl': 'alpine-arm64', 'darwin-x64': 'darwin-x64', 'darwin-arm64': 'darwin-arm64', 'win32-x64-msvc': 'win32-x64', 'win32-arm64-msvc': 'win32-arm64' };

/** Markdown images with a relative PNG path become data: URIs; any other relative image is an error. */
function inlineImages(markdown) {
  return markdown.replace(/!\[([^\]]*)\]\(([^)\s]+)\)/g, (all, alt, src) => {
    if (/^(https|data):/.test(src)) return all;
    if (!src.endsWith('.png')) throw new Error(`README.md: image ${src} is neither https nor a PNG in the repository`);
    return `![${alt}](data:image/png;base64,${readFileSync(join(root, src)).toString('base64')})`;
  });
}

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production', `--outdir=${join(stage, 'dist')}`], { cwd: root, stdio: 'inherit' });
for (const entry of ['media', 'syntaxes', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) cpSync(join(root, entry), join(stage, entry), { recursive: true });
writeFileSync(join(stage, 'README.md'), inlineImages(readFileSync(join(root, 'README.md'), 'utf8')));

const napi = join(root, 'node_modules', '@napi-rs');
const prebuilts = readdirSync(napi).filter((d) => d.startsWith('keyring-'));
const target = prebuilts.map((d) => VSCE_TARGETS[d.slice('keyring-'.length)]).find(Boolean);
if (!readdirSync(napi).includes('keyring') || prebuilts.length !== 1 || !target) {
  throw new Error(`need node_modules/@napi-rs/keyring and exactly one prebuilt vsce can target (found: ${prebuilts.join(', ') || 'none'}); run npm ci`);
}
for (const d of ['keyring', ...prebuilts]) cpSync(join(napi, d), join(stage, 'node_modules', '@napi-rs', d), { recursive: true });

// The staged manifest depends on the native module alone, so vsce's `npm list --production` sees exactly it.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
pkg.dependencies = { '@napi-rs/keyring': pkg.dependencies['@napi-rs/keyring'] };
delete pkg.devDependencies;
delete pkg.scripts;
writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2));

execFileSync(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--target', target, '--no-rewrite-relative-links', '--allow-missing-repository', '-o', out], {
  cwd: stage,
  // vsce prompts on a TTY for what it can only warn about otherwise; a build never waits for an answer.
  stdio: ['ignore', 'inherit', 'inherit'],
});
console.log(`packaged ${out} for ${target} (${(statSync(out).size / 1024).toFixed(0)} KB)`);
