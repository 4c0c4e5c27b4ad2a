// The root document plus its `extends` parents (read from disk) → one merged
// manifest, as SecretSpec loads it (manifest-rules §8). A parent's own
// problems, a missing file and a cycle are reported on the root's `extends`
// entry that leads to them, since the parent is not the open document.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Problem } from './problem';
import type { DocumentModel, MergedManifest, ProfileModel, ProjectModel } from './model';
import { parseFile, type ParsedFile } from './parse';
import type { TomlPath } from './path';
import { readDocument } from './read';

export interface ManifestIO {
  readFile(path: string): Promise<string | undefined>;
  realpath(path: string): Promise<string>;
}

export interface LoadResult {
  root: ParsedFile;
  rootDoc?: DocumentModel;
  merged?: MergedManifest;
  problems: Problem[];
  /** Every parent file that was read (or looked for), for re-validation when one changes. */
  parents: string[];
  /** Parsed parents by absolute (canonical) path. */
  files: Map<string, ParsedFile>;
  /** For each parent file, the root's `extends` entry that brought it in. */
  entryFor: Map<string, TomlPath>;
}

/** Where an `extends` entry points (manifest-rules §8.1). */
/** Joined like Rust's `Path::join`: not normalized, so messages show the path as SecretSpec does. */
export function resolveExtends(entry: string, declaringFile: string): string {
  const base = dirname(declaringFile);
  const target = isAbsolute(entry) ? entry : entry === '' ? base : `${base.replace(/\/+$/, '')}/${entry}`;
  return entry.endsWith('.toml') ? target : `${target.replace(/\/+$/, '')}/secretspec.toml`;
}

export async function loadManifest(root: ParsedFile, io: ManifestIO): Promise<LoadResult> {
  const result: LoadResult = { root, problems: [], parents: [], files: new Map(), entryFor: new Map() };
  if (root.syntax) {
    result.problems.push({ code: 'toml-syntax', severity: 'error', message: root.syntax.message, at: { path: [], part: 'entry' } });
    return result;
  }
  const read = readDocument(root, null);
  result.rootDoc = read.doc;
  result.problems.push(...read.problems);

  const ordered: DocumentModel[] = [];
  const rootEntries = read.doc.project?.extends ?? [];
  if (rootEntries.length && root.path) {
    const rootCanonical = await io.realpath(root.path).catch(() => resolve(root.path!));
    const loaded = new Set<string>();
    for (const entry of rootEntries) {
      const blame = (code: string, message: string) =>
        result.problems.push({ code, severity: 'error', message, at: { path: entry.at.path, part: 'value' } });
      await loadParent(entry.value, root.path, new Set([rootCanonical]), loaded, ordered, result, io, blame, entry.at.path);
    }
  }
  ordered.push(read.doc);
  result.merged = merge(ordered);
  return result;
}

async function loadParent(
  entry: string,
  declaringFile: string,
  /** The files on the way from the root here: one set, added to and removed from, so a deep chain costs linear memory. */
  stack: Set<string>,
  loaded: Set<string>,
  ordered: DocumentModel[],
  result: LoadResult,
  io: ManifestIO,
  blame: (code: string, message: string) => void,
  rootEntry: TomlPath,
): Promise<void> {
  const target = resolveExtends(entry, declaringFile);
  result.parents.push(resolve(target));
  const text = await io.readFile(target);
  if (text === undefined) {
    blame('extends-not-found', `Extended config file not found: ${target}`);
    return;
  }
  const canonical = await io.realpath(target).catch(() => resolve(target));
  if (stack.has(canonical)) {
    blame('extends-cycle', `Circular dependency detected: Configuration file ${canonical} is part of a circular dependency chain`);
    return;
  }
  if (loaded.has(canonical)) return;
  const parsed = parseFile(text, canonical);
  result.files.set(canonical, parsed);
  if (!result.entryFor.has(canonical)) result.entryFor.set(canonical, rootEntry);
  if (parsed.syntax) {
    const { line, character } = parsed.map.positionAt(parsed.syntax.span.start);
    blame('extends-parent-error', `${target}:${line + 1}:${character + 1}: ${parsed.syntax.message}`);
    return;
  }
  const read = readDocument(parsed, canonical);
  const fatal = read.problems.filter((p) => p.severity === 'error');
  for (const p of fatal) {
    const where = locate(parsed, p.at.path);
    blame('extends-parent-error', `${target}${where}: ${p.message}`);
  }
  if (fatal.length) return;
  stack.add(canonical);
  for (const e of read.doc.project?.extends ?? []) {
    await loadParent(e.value, canonical, stack, loaded, ordered, result, io, blame, rootEntry);
  }
  stack.delete(canonical);
  loaded.add(canonical);
  ordered.push(read.doc);
}

function locate(parsed: ParsedFile, path: TomlPath): string {
  const node = parsed.map.get(path);
  const offset = node?.key?.start ?? node?.value?.start;
  if (offset === undefined) return '';
  const { line, character } = parsed.map.positionAt(offset);
  return `:${line + 1}:${character + 1}`;
}

/** Fold documents from earliest to latest (manifest-rules §8.3). */
export function merge(docs: DocumentModel[]): MergedManifest {
  const merged: MergedManifest = { project: {}, profiles: new Map(), providers: new Map(), scopes: new Map(), files: [] };
  // Profiles this merge combined itself: their maps are its own, so a later
  // file adds to them in place (a copy per file is quadratic in a long chain).
  const own = new Set<ProfileModel>();
  for (const doc of docs) {
    merged.files.push(doc.file);
    if (doc.project) {
      const keep = merged.project.requireReason;
      const next: ProjectModel = { ...doc.project };
      if (!next.requireReason && keep) next.requireReason = keep;
      merged.project = next;
    }
    for (const [name, profile] of doc.profiles) {
      const earlier = merged.profiles.get(name);
      if (!earlier) {
        // Models are never changed once read; a later file's profile is combined into a new map below.
        merged.profiles.set(name, profile);
        continue;
      }
      const combined: ProfileModel = own.has(earlier) ? earlier : { name, at: profile.at, secrets: new Map(earlier.secrets) };
      combined.at = profile.at;
      own.add(combined);
      if (earlier.hasUnreadableSecret || profile.hasUnreadableSecret) combined.hasUnreadableSecret = true;
      for (const [s, decl] of profile.secrets) combined.secrets.set(s, decl);
      if (profile.defaults && earlier.defaults) {
        combined.defaults = {
          at: profile.defaults.at,
          ...pick(earlier.defaults),
          ...pick(profile.defaults),
        };
      } else {
        const d = profile.defaults ?? earlier.defaults;
        if (d) combined.defaults = d;
      }
      merged.profiles.set(name, combined);
    }
    for (const [name, alias] of doc.providers) merged.providers.set(name, alias);
    for (const [name, scope] of doc.scopes) merged.scopes.set(name, scope);
    if (doc.defaults) merged.defaults = doc.defaults;
  }
  return merged;
}

function pick(d: NonNullable<ProfileModel['defaults']>) {
  const out: Partial<NonNullable<ProfileModel['defaults']>> = {};
  if (d.inherit) out.inherit = d.inherit;
  if (d.required) out.required = d.required;
  if (d.default) out.default = d.default;
  if (d.providers) out.providers = d.providers;
  return out;
}
