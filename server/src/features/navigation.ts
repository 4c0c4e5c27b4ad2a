// Go to definition and find references: alias uses ↔ `[providers]` entry
// (or the user config's `[defaults.providers]` entry),
// `${NAME}` → the declaration its profile uses, scope entries and `refs`
// keys → their targets, a redeclared secret → its `[profiles.default]`
// declaration, an `extends` entry → the parent file.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Location } from 'vscode-languageserver/node';
import { resolveExtends } from '../manifest/load';
import type { SourceMap } from '../manifest/locate';
import type { Origin } from '../manifest/model';
import type { UserConfig } from '../userConfig/parse';
import type { Analysis } from '../manifest/analysis';
import { ALIAS_KINDS, occurrenceAt, occurrences, occurrencesOnLine, SECRET_KINDS, stringContent, type Occurrence } from './occurrences';

function locate(analysis: Analysis, uri: string, at: Origin, user: UserConfig | undefined): Location | undefined {
  const file = at.file ? (at.file === user?.path ? user.parsed : analysis.load.files.get(at.file)) : undefined;
  const map: SourceMap | undefined = at.file ? file?.map : analysis.load.root.map;
  if (!map) return undefined;
  const node = map.get(at.path);
  const span = node?.key ?? node?.header ?? node?.value;
  if (!span) return undefined;
  return {
    uri: at.file ? pathToFileURL(at.file).href : uri,
    range: { start: map.positionAt(span.start), end: map.positionAt(span.end) },
  };
}

function secretTarget(analysis: Analysis, name: string, profile: string | undefined): Origin | undefined {
  const profiles = analysis.validation.profiles;
  if (!profiles) return undefined;
  const inProfile = profile !== undefined ? profiles.get(profile)?.secrets.get(name) : undefined;
  if (inProfile) return (inProfile.own ?? inProfile.base)!.at;
  const fallback = profiles.get('default')?.secrets.get(name) ?? [...profiles.values()].map((p) => p.secrets.get(name)).find(Boolean);
  return fallback?.at;
}

/** `user`: the user config, whose aliases a manifest can name (a project alias of the same name wins). */
export function definition(analysis: Analysis, uri: string, offset: number, user?: UserConfig): Location[] {
  const map = analysis.load.root.map;
  const occ = occurrenceAt(occurrencesOnLine(map, offset), offset);
  if (!occ) return extendsTarget(analysis, offset);
  let at: Origin | undefined;
  if (occ.kind === 'composed-ref') at = secretTarget(analysis, occ.name, occ.profile);
  else if (occ.kind === 'scope-entry') at = secretTarget(analysis, occ.name, undefined);
  else if (occ.kind === 'secret-decl') {
    const base = occ.profile !== 'default' ? analysis.validation.profiles?.get(occ.profile ?? '')?.secrets.get(occ.name)?.base : undefined;
    at = base?.at;
  } else if (ALIAS_KINDS.has(occ.kind) && occ.kind !== 'alias-decl') {
    at = analysis.load.merged?.providers.get(occ.name)?.at ?? user?.aliases.get(occ.name)?.at;
  }
  const loc = at && locate(analysis, uri, at, user);
  return loc ? [loc] : [];
}

function extendsTarget(analysis: Analysis, offset: number): Location[] {
  const root = analysis.load.root;
  const entries = analysis.load.rootDoc?.project?.extends ?? [];
  if (!root.path) return [];
  for (const e of entries) {
    const span = stringContent(root.map, e.at.path) ?? root.map.get(e.at.path)?.value;
    if (!span || offset < span.start || offset > span.end) continue;
    const target = resolveExtends(e.value, root.path);
    if (!existsSync(target)) return [];
    return [{ uri: pathToFileURL(target).href, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
  }
  return [];
}

/** Every occurrence of the secret or alias under the cursor, in this document. */
export function sameNameAt(map: SourceMap, offset: number): { target: Occurrence; all: Occurrence[] } | undefined {
  // The name under the cursor from its line; only an actual rename or search reads the whole document.
  const target = occurrenceAt(occurrencesOnLine(map, offset), offset);
  if (!target) return undefined;
  return { target, all: occurrences(map).filter((o) => sameFamily(o, target)) };
}

function sameFamily(o: Occurrence, target: Occurrence): boolean {
  const family = SECRET_KINDS.has(target.kind) ? SECRET_KINDS : ALIAS_KINDS;
  return family.has(o.kind) && o.name === target.name;
}

/** A manifest file and its source: the document itself, or a parent it extends. */
export interface ManifestFile {
  uri: string;
  map: SourceMap;
}

export interface FamilyOccurrences {
  target: Occurrence;
  files: { file: ManifestFile; all: Occurrence[] }[];
}

/**
 * The name under the cursor and its occurrences in the document and in every
 * parent it extends: the merged manifest SecretSpec reads spans those files.
 */
export function sameNameInFamily(root: ManifestFile, parents: readonly ManifestFile[], offset: number): FamilyOccurrences | undefined {
  const here = sameNameAt(root.map, offset);
  if (!here) return undefined;
  const files = [{ file: root, all: here.all }];
  for (const parent of parents) {
    const all = occurrences(parent.map).filter((o) => sameFamily(o, here.target));
    if (all.length) files.push({ file: parent, all });
  }
  return { target: here.target, files };
}

export function references(root: ManifestFile, parents: readonly ManifestFile[], offset: number, includeDeclaration: boolean): Location[] {
  const found = sameNameInFamily(root, parents, offset);
  if (!found) return [];
  return found.files.flatMap(({ file, all }) =>
    all
      .filter((o) => includeDeclaration || (o.kind !== 'secret-decl' && o.kind !== 'alias-decl'))
      .map((o) => ({ uri: file.uri, range: { start: file.map.positionAt(o.span.start), end: file.map.positionAt(o.span.end) } })),
  );
}
