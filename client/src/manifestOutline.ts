// What the presence view shows beside a check result and the check result
// does not carry: each secret's description, its provider chain and where it
// is declared. Read from the manifest text, tolerant of half-typed files.
import { parse } from 'smol-toml';

export interface DeclaredSecret {
  description?: string;
  providers?: string[];
}

export interface ManifestOutline {
  project?: string;
  /** `[providers]` aliases → URI. */
  aliases: Record<string, string>;
  profiles: Record<string, { defaults?: string[]; secrets: Record<string, DeclaredSecret> }>;
}

const isTable = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined);

/** The outline of a manifest, or undefined when the text does not parse as TOML. */
export function readOutline(text: string): ManifestOutline | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const project = isTable(doc.project) && typeof doc.project.name === 'string' ? doc.project.name : undefined;
  const aliases: Record<string, string> = {};
  if (isTable(doc.providers)) for (const [k, v] of Object.entries(doc.providers)) if (typeof v === 'string') aliases[k] = v;
  const profiles: ManifestOutline['profiles'] = {};
  if (isTable(doc.profiles)) {
    for (const [profile, body] of Object.entries(doc.profiles)) {
      if (!isTable(body)) continue;
      const secrets: Record<string, DeclaredSecret> = {};
      let defaults: string[] | undefined;
      for (const [name, decl] of Object.entries(body)) {
        if (name === 'defaults') {
          if (isTable(decl)) defaults = strings(decl.providers);
          continue;
        }
        if (!isTable(decl)) continue;
        const providers = strings(decl.providers);
        secrets[name] = {
          ...(typeof decl.description === 'string' ? { description: decl.description } : {}),
          ...(providers ? { providers } : {}),
        };
      }
      profiles[profile] = { ...(defaults ? { defaults } : {}), secrets };
    }
  }
  return { ...(project !== undefined ? { project } : {}), aliases, profiles };
}

/** A profile's declaration of a secret, falling back to `default` as SecretSpec's inheritance does. */
export function declaredSecret(outline: ManifestOutline, profile: string, name: string): DeclaredSecret | undefined {
  return outline.profiles[profile]?.secrets[name] ?? outline.profiles.default?.secrets[name];
}

/** The providers asked, in order, each alias shown with the URI it stands for. */
export function providerChain(outline: ManifestOutline, profile: string, name: string, defaultProvider?: string): string[] {
  const own = outline.profiles[profile]?.secrets[name]?.providers;
  const chain = own ?? outline.profiles[profile]?.defaults ?? outline.profiles.default?.secrets[name]?.providers ?? (defaultProvider ? [defaultProvider] : []);
  return chain.map((p) => (outline.aliases[p] ? `${p} → ${outline.aliases[p]}` : p));
}

const HEADER = /^\s*\[\s*([^\]]+?)\s*\]\s*(#.*)?$/;
const KEY = /^\s*("?)([A-Za-z0-9_\-]+)\1\s*[.=]/;

function splitDotted(key: string): string[] {
  return key.split('.').map((p) => p.trim().replace(/^"(.*)"$/, '$1'));
}

/** Zero-based line of `name`'s declaration in `profile` (key in `[profiles.p]` or its own `[profiles.p.NAME]` table). */
export function declarationLine(text: string, profile: string, name: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = HEADER.exec(line);
    if (header) {
      table = splitDotted(header[1]!);
      if (table.length === 3 && table[0] === 'profiles' && table[1] === profile && table[2] === name) return i;
      continue;
    }
    const key = KEY.exec(line);
    if (key && key[2] === name && table.length === 2 && table[0] === 'profiles' && table[1] === profile) return i;
  }
  return undefined;
}

/** The secret declared on `line`, if the line is a declaration (used to preselect from the cursor). */
export function secretAtLine(text: string, line: number): { profile: string; name: string } | undefined {
  const lines = text.split(/\r?\n/);
  let table: string[] = [];
  for (let i = 0; i <= Math.min(line, lines.length - 1); i++) {
    const header = HEADER.exec(lines[i]!);
    if (header) {
      table = splitDotted(header[1]!);
      if (i === line && table.length === 3 && table[0] === 'profiles' && table[2] !== 'defaults') return { profile: table[1]!, name: table[2]! };
      continue;
    }
    if (i !== line) continue;
    const key = KEY.exec(lines[i]!);
    if (key && key[2] !== 'defaults' && table.length === 2 && table[0] === 'profiles') return { profile: table[1]!, name: key[2]! };
    if (table.length === 3 && table[0] === 'profiles' && table[2] !== 'defaults') return { profile: table[1]!, name: table[2]! };
  }
  return undefined;
}
