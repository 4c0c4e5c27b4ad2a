// The one cache of analyses, owned by the server: per open manifest, the
// analysis of the text the editor holds now. Everything that needs one
// (diagnostics, requests, editing features, checks) asks here, so a version
// is analysed once however many ask at the same time.
import type { Analysis } from './manifest/analysis';
import { ChunkedParser } from './manifest/chunks';

/** The document as the cache needs it: its text at a version, and where it is on disk. */
export interface AnalysedDocument {
  version: number;
  text: string;
  /** Absolute path, or null for a document that is not a file. */
  path: string | null;
}

interface Entry {
  version: number;
  /** A client may reopen a document at the same version with other text. */
  text: string;
  analysis: Promise<Analysis>;
}

export class Analyses {
  private readonly entries = new Map<string, Entry>();
  /** The latest analysis that read a whole manifest, for completion and hover while the text does not parse. */
  private readonly complete = new Map<string, Analysis>();
  /** Per open manifest, what its last parse can lend the next one. */
  private readonly parsers = new Map<string, ChunkedParser>();

  constructor(
    /** The open document at `uri`, or undefined when it is not open. */
    private readonly document: (uri: string) => AnalysedDocument | undefined,
    private readonly compute: (text: string, path: string | null, parser: ChunkedParser) => Promise<Analysis>,
  ) {}

  /** The analysis of the document's current text, computed now when the cached one is stale. */
  async get(uri: string): Promise<Analysis | undefined> {
    const doc = this.document(uri);
    if (!doc) return undefined;
    const cached = this.entries.get(uri);
    if (cached?.version === doc.version && cached.text === doc.text) return cached.analysis;
    let parser = this.parsers.get(uri);
    if (!parser) this.parsers.set(uri, (parser = new ChunkedParser()));
    const entry = { version: doc.version, text: doc.text, analysis: this.compute(doc.text, doc.path, parser) };
    this.entries.set(uri, entry);
    try {
      const done = await entry.analysis;
      if (done.load.merged) this.complete.set(uri, done);
      return done;
    } catch (error) {
      // A failed analysis is not kept: the next ask tries again.
      if (this.entries.get(uri) === entry) this.entries.delete(uri);
      throw error;
    }
  }

  /** The analysis of the document as it is now, if that is the one cached (nothing is computed). */
  async current(uri: string): Promise<Analysis | undefined> {
    const doc = this.document(uri);
    const entry = this.entries.get(uri);
    return doc && entry?.version === doc.version && entry.text === doc.text ? entry.analysis : undefined;
  }

  /** The latest analysis of `uri` that read a whole manifest. */
  lastComplete(uri: string): Analysis | undefined {
    return this.complete.get(uri);
  }

  /** Every manifest with a cached analysis. */
  uris(): string[] {
    return [...this.entries.keys()];
  }

  /** Drops every analysis (what the rules depend on changed); returns the manifests that had one. */
  invalidateAll(): string[] {
    const uris = this.uris();
    this.entries.clear();
    return uris;
  }

  /** Drops the analyses that read `path` as an `extends` parent; returns those manifests. */
  async invalidateDependents(path: string): Promise<string[]> {
    const hit: string[] = [];
    for (const [uri, entry] of [...this.entries]) {
      const analysis = await entry.analysis.catch(() => undefined);
      if (analysis?.load.parents.includes(path) && this.entries.get(uri) === entry) {
        this.entries.delete(uri);
        hit.push(uri);
      }
    }
    return hit;
  }

  forget(uri: string): void {
    this.entries.delete(uri);
    this.complete.delete(uri);
    this.parsers.delete(uri);
  }
}
