// What package.json promises the editor, checked as data: icons and
// walkthrough media exist, walkthrough links name real commands, commands
// are called by one title everywhere, and settings never leave "profile"
// ambiguous between SecretSpec's profiles and VS Code's.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

interface Manifest {
  icon: string;
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    languages: Array<{ id: string; icon?: { light: string; dark: string } }>;
    walkthroughs: Array<{ steps: Array<{ title: string; description: string; media: { image?: string; markdown?: string } }> }>;
    configuration: { properties: Record<string, { scope?: string; description?: string; markdownDescription?: string }> };
  };
}
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const titles = pkg.contributes.commands.map((c) => c.title);

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('the extension icon is a PNG of at least 128 px, and secretspec.toml has a file icon', () => {
  const png = readFileSync(join(ROOT, pkg.icon));
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.ok(png.readUInt32BE(16) >= 128 && png.readUInt32BE(20) >= 128, 'width and height from the IHDR chunk');
  const icon = pkg.contributes.languages.find((l) => l.id === 'secretspec')?.icon;
  assert.ok(icon, 'contributes.languages[secretspec].icon');
  for (const f of [icon.light, icon.dark]) assert.ok(existsSync(join(ROOT, f)), f);
});

test('the walkthrough has steps whose media exist and whose links run contributed or built-in commands', () => {
  const [walkthrough] = pkg.contributes.walkthroughs;
  assert.ok(walkthrough && walkthrough.steps.length >= 3);
  const ours = new Set([...pkg.contributes.commands.map((c) => c.command), 'secretspec.presence.focus']);
  for (const step of walkthrough.steps) {
    const media = step.media.image ?? step.media.markdown;
    assert.ok(media && existsSync(join(ROOT, media)), `${step.title}: media ${media}`);
    for (const [, command] of step.description.matchAll(/\(command:([\w.]+)\)/g)) {
      assert.ok(ours.has(command!) || command!.startsWith('workbench.'), `${step.title}: unknown command ${command}`);
    }
  }
});

test('commands are called by their one title wherever the client, README or walkthrough names them', () => {
  const texts: Array<[string, string]> = [
    // What users read: the client's code without its comments.
    ...filesUnder(join(ROOT, 'client', 'src')).map((f): [string, string] => [f, readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '')]),
    ['README.md', readFileSync(join(ROOT, 'README.md'), 'utf8')],
    ['walkthrough', JSON.stringify(pkg.contributes.walkthroughs)],
  ];
  const wrong: string[] = [];
  for (const [file, text] of texts) {
    for (const title of titles) {
      // The title with any capitalisation, as a whole phrase; only the contributed spelling may appear.
      const re = new RegExp(`(?<![\\w-])${title.replace(/…$/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'gi');
      for (const m of text.matchAll(re)) if (m[0] !== title.replace(/…$/, '')) wrong.push(`${file}: "${m[0]}" should read "${title}"`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('settings say which profiles they mean: application-scoped ones name VS Code profiles, none leaves "profile" bare', () => {
  for (const [key, s] of Object.entries(pkg.contributes.configuration.properties)) {
    const text = s.markdownDescription ?? s.description ?? '';
    // VS Code adds "(Applies to all profiles)" to these in the Settings editor, meaning its own profiles.
    if (s.scope === 'application') assert.match(text, /VS Code profiles/, key);
    for (const m of text.matchAll(/\bprofiles?\b/g)) {
      const before = text.slice(Math.max(0, m.index! - 'SecretSpec '.length), m.index);
      assert.ok(/(SecretSpec|VS Code|editor's) $/.test(before) || /^profiles?\.</.test(text.slice(m.index!)), `${key}: "profile" without saying whose: …${text.slice(Math.max(0, m.index! - 30), m.index! + 20)}…`);
    }
  }
});
