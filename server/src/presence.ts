// Presence checks as the server runs them: one check per manifest and
// profile set at a time (a request joins one already running unless
// something it depends on changed since it began), the warnings of the
// latest full check per manifest, and one `didChangePresence` per change
// (a write, a saved or watched file, the user config): the client is told
// when the server decides to check again, never about the checks it asked
// for itself.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../../protocol/src';
import type { Routing } from './check/route';
import { runCheck } from './check/run';
import { presenceWarnings } from './check/warnings';
import type { ParsedAnalysis } from './manifest/analysis';
import type { MergedManifest } from './manifest/model';
import type { Problem } from './manifest/problem';
import { canonicalUri } from './providers/describe';
import { ProviderError, type Stores } from './providers/store';

export interface PresenceDeps {
  /** The analysis of the open manifest `uri`, which reads far enough to have profiles; rejects with the refusal otherwise. */
  parsed(uri: string): Promise<ParsedAnalysis>;
  routing(uri: string, manifest: MergedManifest): Promise<Routing>;
  stores: Stores;
  trusted(): boolean;
  /** The warnings of `uri` changed. */
  warningsChanged(uri: string): void;
  /** Presence of `uri` may have changed: the client should ask again. */
  announce(uri: string): void;
  log(line: string): void;
}

export class PresenceChecks {
  private readonly warnings = new Map<string, Problem[]>();
  private readonly running = new Map<string, Promise<CheckResult>>();
  /** Bumped whenever something every check depends on changes, so no later request joins a check begun before. */
  private generation = 0;
  /** Per manifest, the last full check begun: only its warnings are kept, whichever finishes last. */
  private readonly latest = new Map<string, number>();
  private runs = 0;

  constructor(private readonly deps: PresenceDeps) {}

  /** Runs (or joins) a check of the manifest at `uri`, of `profiles` or all of them. */
  check(uri: string, profiles?: readonly string[]): Promise<CheckResult> {
    const key = `${this.generation}\u0000${uri}\u0000${(profiles ?? []).join(',')}`;
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const run = this.run(uri, profiles?.length ? profiles : undefined).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  /**
   * The server checks `uri` on its own: it was opened (for its warnings; the
   * client that opened it asks for itself), or something its presence
   * depends on changed. Then no running check is joined, and the client is
   * told first, so its own request joins this check.
   */
  recheck(uri: string, cause: 'opened' | 'changed'): void {
    if (!this.deps.trusted()) return;
    if (cause === 'changed') {
      this.invalidate();
      this.deps.announce(uri);
    }
    this.check(uri).catch((error: unknown) => this.deps.log(`check of ${uri} failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Settings or the user config changed: a check running now used the old ones, so none is joined. */
  invalidate(): void {
    this.generation++;
  }

  warningsFor(uri: string): Problem[] {
    return this.warnings.get(uri) ?? [];
  }

  forget(uri: string): void {
    this.warnings.delete(uri);
    this.latest.delete(uri);
  }

  /** Settles once every check running now has. */
  idle(): Promise<unknown> {
    return Promise.allSettled([...this.running.values()]);
  }

  private async run(uri: string, only: readonly string[] | undefined): Promise<CheckResult> {
    const run = ++this.runs;
    if (!only) this.latest.set(uri, run);
    const { analysis, manifest: merged, profiles } = await this.deps.parsed(uri);
    const unknown = (only ?? []).filter((p) => !profiles.has(p));
    if (unknown.length) {
      throw new ProviderError(
        'not_declared',
        `${unknown.length === 1 ? 'Profile' : 'Profiles'} ${unknown.map((p) => `'${p}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not defined in secretspec.toml. Available profiles: ${[...profiles.keys()].join(', ')}`,
      );
    }
    const configFile = uri.startsWith('file:') ? fileURLToPath(uri) : null;
    const routing = await this.deps.routing(uri, merged);
    const result = await runCheck({
      ...routing,
      profiles,
      ...(only ? { only } : {}),
      stores: this.deps.stores,
      configFile,
      untrusted: !this.deps.trusted(),
      ...(analysis.load.root.path ? { canonical: canonicalFor(analysis.load.root.path) } : {}),
    });
    if (!only && this.latest.get(uri) === run) {
      this.warnings.set(uri, presenceWarnings(result, analysis.load.root.map));
      this.deps.warningsChanged(uri);
    }
    return result;
  }
}

/** Bundled stores' own URIs, relative paths joined to the manifest's directory as SecretSpec does. */
function canonicalFor(manifestPath: string): (uri: string) => string | undefined {
  const base = { baseDir: dirname(manifestPath), ...(process.env['HOME'] ? { home: process.env['HOME'] } : {}) };
  return (uri) => canonicalUri(uri, base);
}
