// A CLI check may contact real backends and trigger unlock prompts, so its
// outcome is kept until something it depends on changes or the user asks
// again. Pure: no clock, no I/O.
import { createHash } from 'node:crypto';

/** What a check's outcome depends on besides the stores themselves. */
export interface CheckInputs {
  manifestText: string;
  /** The user's SecretSpec config text; undefined when there is none. */
  userConfigText: string | undefined;
  profile: string;
  /** Anything else that changes the answer: the CLI and its version, SECRETSPEC_PROVIDER, `extends` parents' texts. */
  extra?: readonly string[];
}

/** A digest of the inputs: equal digests, same question. */
export function fingerprint(inputs: CheckInputs): string {
  const hash = createHash('sha256');
  // Length-prefixed, so no two different input lists read the same.
  for (const part of [inputs.manifestText, inputs.userConfigText === undefined ? '\u0000none' : inputs.userConfigText, inputs.profile, ...(inputs.extra ?? [])]) {
    hash.update(`${part.length}:`).update(part);
  }
  return hash.digest('hex');
}

/**
 * The latest outcome per (manifest, profile), so at most one each. An entry
 * answers only the fingerprint it was stored under: once the manifest, the
 * user config or the profile's other inputs change, it answers nothing until
 * a run for the new inputs replaces it. Looking never drops it, so typing
 * and undoing finds it again. Failures are kept too: a CLI that timed out is
 * not started again on every open until the user asks.
 */
export class CheckCache<T> {
  private readonly entries = new Map<string, Map<string, { fingerprint: string; value: T }>>();

  get(manifest: string, profile: string, print: string): T | undefined {
    const entry = this.entries.get(manifest)?.get(profile);
    return entry?.fingerprint === print ? entry.value : undefined;
  }

  set(manifest: string, profile: string, print: string, value: T): void {
    let byProfile = this.entries.get(manifest);
    if (!byProfile) this.entries.set(manifest, (byProfile = new Map()));
    byProfile.set(profile, { fingerprint: print, value });
  }

  /** The user asked, or a write through the bridge changed a store: every profile of the manifest (flat stores are shared by profiles), or everything. */
  invalidate(manifest?: string): void {
    if (manifest === undefined) this.entries.clear();
    else this.entries.delete(manifest);
  }

  get size(): number {
    let n = 0;
    for (const byProfile of this.entries.values()) n += byProfile.size;
    return n;
  }
}
