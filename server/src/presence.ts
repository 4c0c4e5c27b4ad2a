// Presence checks as the server runs them: one check per manifest and
// profile set at a time (a request joins one already running unless
// something it depends on changed since it began), the warnings of the
// latest full check per manifest, and one `didChangePresence` per change
// (a write, a saved or watched file, the user config): the client is told
// when the server decides to check again, never about the checks it asked
// for itself. Secrets only the user's `secretspec` CLI answers go to one
// `secretspec check --json` per profile (issue 11), merged in so each keeps
// one status; that run may contact real backends, so it starts only for the
// manifest text seen at open, at an explicit Check (`force`) or at a save
// with `secretspec.cli.checkOnSave`, and otherwise only a kept answer for
// the same inputs is used.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CheckResult } from '../../protocol/src';
import type { CliBridge } from './cliBridge/bridge';
import { mergeCliCheck } from './cliBridge/merge';
import type { Routing } from './check/route';
import { runCheck, type NativeProfileCheck } from './check/run';
import { presenceWarnings } from './check/warnings';
import type { Analysis, ParsedAnalysis } from './manifest/analysis';
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
  /** The bridge to the user's CLI; undefined without one. */
  cli(): CliBridge | undefined;
  /** Why there is no CLI, for secrets only it could answer. */
  cliMissing(): string;
  /** Whether a store no plugin serves is one the CLI answers (a SecretSpec scheme, or one a claim names). */
  delegable(uri: string): boolean;
  /** The user config's text (the CLI reads it): part of a CLI answer's inputs. */
  userConfigText(): string | undefined;
}

type CheckEntry = CheckResult['results'][number];

export class PresenceChecks {
  private readonly warnings = new Map<string, Problem[]>();
  /** Per manifest, which secrets (`profile\u0000name`) the last full check answered through the CLI, and how. */
  private readonly viaCli = new Map<string, Map<string, string>>();
  /** How the last full check of `uri` answered `name` in `profile` through the CLI, if it did. */
  answeredViaCli(uri: string, profile: string, name: string): string | undefined {
    return this.viaCli.get(uri)?.get(`${profile}\u0000${name}`);
  }

  private readonly running = new Map<string, Promise<CheckResult>>();
  /** Bumped whenever something every check depends on changes, so no later request joins a check begun before. */
  private generation = 0;
  /** Per manifest, the last full check begun: only its warnings are kept, whichever finishes last. */
  private readonly latest = new Map<string, number>();
  private runs = 0;
  /** Per manifest, the text for which the CLI may be started (seen at open, at an explicit Check or a save that allows it). */
  private readonly cliAllowed = new Map<string, string>();

  constructor(private readonly deps: PresenceDeps) {}

  /** Runs (or joins) a check of the manifest at `uri`, of `profiles` or all of them; `force`: the user asked, so the CLI runs again. */
  check(uri: string, profiles?: readonly string[], force = false): Promise<CheckResult> {
    const key = `${this.generation}\u0000${uri}\u0000${(profiles ?? []).join(',')}\u0000${force}`;
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const run = this.run(uri, profiles?.length ? profiles : undefined, force).finally(() => this.running.delete(key));
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
    this.cliAllowed.delete(uri);
  }

  /** The manifest was opened, or saved with `secretspec.cli.checkOnSave`: checks of this text may start the CLI. */
  allowCli(uri: string, text: string): void {
    this.cliAllowed.set(uri, text);
  }

  /** Settles once every check running now has. */
  idle(): Promise<unknown> {
    return Promise.allSettled([...this.running.values()]);
  }

  private async run(uri: string, only: readonly string[] | undefined, force: boolean): Promise<CheckResult> {
    const run = ++this.runs;
    if (!only) this.latest.set(uri, run);
    const { analysis, manifest: merged, profiles } = await this.deps.parsed(uri).catch((error: unknown) => {
      // A manifest that no longer parses has nothing to warn about: warnings of the text before it would pass
      // for current while its other diagnostics are gone. The client is told, so it marks its statuses stale.
      if (!only && this.latest.get(uri) === run && this.warnings.get(uri)?.length) {
        this.warnings.set(uri, []);
        this.deps.warningsChanged(uri);
        this.deps.announce(uri);
      }
      throw error;
    });
    const unknown = (only ?? []).filter((p) => !profiles.has(p));
    if (unknown.length) {
      throw new ProviderError(
        'not_declared',
        `${unknown.length === 1 ? 'Profile' : 'Profiles'} ${unknown.map((p) => `'${p}'`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not defined in secretspec.toml. Available profiles: ${[...profiles.keys()].join(', ')}`,
      );
    }
    const configFile = uri.startsWith('file:') ? fileURLToPath(uri) : null;
    const routing = await this.deps.routing(uri, merged);
    // One answer per store for the whole check: finding out looks for a plugin on disk, and every secret of that store asks.
    const delegable = new Map<string, boolean>();
    const native = await runCheck({
      ...routing,
      profiles,
      ...(only ? { only } : {}),
      stores: this.deps.stores,
      configFile,
      untrusted: !this.deps.trusted(),
      ...(analysis.load.root.path ? { canonical: canonicalFor(analysis.load.root.path) } : {}),
      delegable: (u) => {
        let answer = delegable.get(u);
        if (answer === undefined) delegable.set(u, (answer = this.deps.delegable(u)));
        return answer;
      },
    });
    if (force) {
      this.cliAllowed.set(uri, analysis.load.root.text);
      // Once for the manifest, not per profile: forcing each profile's run would drop the answers of those run before it.
      if (configFile !== null) this.deps.cli()?.invalidate(configFile);
    }
    const mayRun = this.cliAllowed.get(uri) === analysis.load.root.text;
    const project = merged.project.name?.value ?? '';
    const result: CheckResult = { results: [] };
    // One profile after another: the bridge runs one CLI process per manifest at a time anyway.
    for (const entry of native.results) result.results.push(await this.withCli(entry, { analysis, configFile, project, mayRun }));
    if (!only && this.latest.get(uri) === run) {
      this.warnings.set(uri, presenceWarnings(result, analysis.load.root.map));
      const via = new Map<string, string>();
      for (const entry of result.results) {
        const cli = entry.cli;
        if (!cli) continue;
        const how = `via secretspec ${cli.version} in ${cli.durationMs} ms${cli.cached ? ' (kept from an earlier run)' : ''}`;
        for (const name of cli.names) via.set(`${entry.profile}\u0000${name}`, how);
      }
      this.viaCli.set(uri, via);
      this.deps.warningsChanged(uri);
    }
    return result;
  }

  /** One profile's entry as sent: the native one, with the delegated secrets answered through the CLI when there is one. */
  private async withCli(entry: NativeProfileCheck, at: { analysis: Analysis; configFile: string | null; project: string; mayRun: boolean }): Promise<CheckEntry> {
    const { delegated, ...native } = entry;
    if (!delegated.length) return native;
    const bridge = this.deps.cli();
    if (!bridge || at.configFile === null) {
      // Without a CLI the native answer stands, saying what would answer these secrets instead of naming a plugin that does not exist.
      const why = at.configFile === null ? 'the manifest is not saved to a file' : this.deps.cliMissing();
      const names = new Set(delegated);
      return { ...native, unresolved: native.unresolved.map((u) => (names.has(u.name) && u.kind === 'plugin_not_installed' ? { ...u, message: `${u.provider} is answered through your secretspec CLI, and none is available: ${why}` } : u)) };
    }
    const userConfigText = this.deps.userConfigText();
    const request = {
      manifest: at.configFile,
      manifestText: at.analysis.load.root.text,
      ...(userConfigText !== undefined ? { userConfigText } : {}),
      profile: native.profile,
      project: at.project,
      // The CLI reads the `extends` parents from disk: their texts are inputs too.
      extra: [...at.analysis.load.files.values()].map((f) => f.text),
    };
    const answer = at.mayRun
      ? await bridge.check(request)
      : (bridge.cached(request) ?? {
          outcome: { ok: false as const, failure: { kind: 'unavailable' as const, message: `not checked through ${bridge.label} since the manifest changed: it runs when the manifest is opened, saved (with secretspec.cli.checkOnSave) or checked with Check Now` } },
          durationMs: 0,
          cached: false,
        });
    const merged = mergeCliCheck({ native, delegated, cli: answer.outcome, label: bridge.label, run: { version: bridge.release, durationMs: Math.round(answer.durationMs), cached: answer.cached } });
    return { profile: native.profile, ...merged };
  }
}

/** Bundled stores' own URIs, relative paths joined to the manifest's directory as SecretSpec does. */
function canonicalFor(manifestPath: string): (uri: string) => string | undefined {
  const base = { baseDir: dirname(manifestPath), ...(process.env['HOME'] ? { home: process.env['HOME'] } : {}) };
  return (uri) => canonicalUri(uri, base);
}
