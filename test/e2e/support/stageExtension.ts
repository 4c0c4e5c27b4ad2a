// Lays the built extension out as an installed, unpacked extension folder
// (<publisher>.<name>-<version>) in a code-server extensions dir.
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './codeServer';

export function stageExtension(extensionsDir: string): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  const dest = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  mkdirSync(dest, { recursive: true });
  for (const entry of ['package.json', 'dist', 'media', 'syntaxes', 'README.md', 'node_modules/@napi-rs']) {
    if (existsSync(join(ROOT, entry))) cpSync(join(ROOT, entry), join(dest, entry), { recursive: true });
  }
  return dest;
}
