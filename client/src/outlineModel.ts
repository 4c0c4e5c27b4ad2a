// Questions the views and commands ask of a manifest's outline, the server's
// `secretspec/outline` answer: the client never parses a manifest itself.
// Pure: no VS Code API, unit-tested on plain data.
import type { OutlineResult, OutlineSecret } from '../../protocol/src/index';

export type Outline = OutlineResult;

export function outlineProfile(outline: Outline, profile: string): Outline['profiles'][number] | undefined {
  return outline.profiles.find((p) => p.name === profile);
}

/** The effective declaration of `name` in `profile` (the server already applied inheritance). */
export function outlineSecret(outline: Outline, profile: string, name: string): OutlineSecret | undefined {
  return outlineProfile(outline, profile)?.secrets.find((s) => s.name === name);
}

export function profileNames(outline: Outline): string[] {
  return outline.profiles.map((p) => p.name);
}

export function declaredNames(outline: Outline, profile: string): string[] {
  return outlineProfile(outline, profile)?.secrets.map((s) => s.name) ?? [];
}

/** The providers asked, in order, as the server routes the secret; each alias shown with the URI it stands for. */
export function providerChain(outline: Outline, profile: string, name: string): string[] {
  const aliases = outline.aliases ?? {};
  return (outlineSecret(outline, profile, name)?.route ?? []).map((p) => (aliases[p] ? `${p} → ${aliases[p]}` : p));
}

/** The route entry a write or delete goes to (the primary), as written; undefined when none applies. */
export function primaryProvider(outline: Outline, profile: string, name: string): string | undefined {
  return outlineSecret(outline, profile, name)?.route[0];
}

const within = (range: { start: { line: number }; end: { line: number } }, line: number) => range.start.line <= line && line <= range.end.line;

/**
 * The secret whose own declaration in `uri` spans `line` (to preselect from
 * the cursor). Profiles that inherit it point at the same text; the profile
 * that wrote it is the one meant.
 */
export function secretAt(outline: Outline, uri: string, line: number): { profile: string; name: string } | undefined {
  for (const p of outline.profiles) {
    for (const s of p.secrets) {
      const d = s.declaration;
      if (s.inheritedFrom === undefined && d.uri === uri && within(d.extent ?? d.range, line)) return { profile: p.name, name: s.name };
    }
  }
  return undefined;
}
