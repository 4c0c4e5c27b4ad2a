// The analysis pipeline, pure but for the reader it is given: manifest text
// → parse with positions → load with `extends` parents → the rules the
// caller passes (effective profiles and problems). The rules live above this
// folder, so they come in as a function and nothing here imports them.
import { promises as fs } from 'node:fs';
import { resolve } from 'node:path';
import { readRegularFile } from './safeRead';
import type { ChunkedParser } from './chunks';
import type { EffectiveProfile } from './effective';
import { loadManifest, type LoadResult, type ManifestIO } from './load';
import { parseFile } from './parse';
import type { MergedManifest } from './model';
import type { Problem } from './problem';

export interface Validation {
  problems: Problem[];
  /** Absent while the manifest does not read far enough to have profiles. */
  profiles?: Map<string, EffectiveProfile>;
}

export interface Analysis {
  load: LoadResult;
  validation: Validation;
}

/** An analysis of a manifest that reads far enough to have profiles. */
export interface ParsedAnalysis {
  analysis: Analysis;
  manifest: MergedManifest;
  profiles: Map<string, EffectiveProfile>;
}

/** What validates a loaded manifest: the rules, for one environment. */
export type Validate = (load: LoadResult) => Validation;

/**
 * Reads `extends` parents from disk, only those `allowed` (the server allows
 * a path outside every workspace folder in a trusted workspace only), and
 * only regular files within the size and time bounds of readRegularFile. A
 * file that is not read counts as missing.
 */
export function diskReaderFor(allowed: (path: string) => boolean): ManifestIO {
  return {
    async readFile(path) {
      try {
        if (!allowed(resolve(path)) || !allowed(await fs.realpath(path))) return undefined;
        return (await readRegularFile(path)).toString('utf8');
      } catch {
        return undefined;
      }
    },
    realpath: (path) => fs.realpath(path),
  };
}

/** The reader of a trusted workspace: any regular file within the bounds. */
export const diskReader: ManifestIO = diskReaderFor(() => true);

/** `parser`: the document's incremental parser, which re-parses only what an edit changed. */
export async function analyze(text: string, path: string | null, reader: ManifestIO, validate: Validate, parser?: ChunkedParser): Promise<Analysis> {
  const load = await loadManifest(parseFile(text, path, parser), reader);
  return { load, validation: validate(load) };
}
