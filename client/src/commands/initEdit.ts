// Text for "Create secretspec.toml from provider…", asked of the server
// (`secretspec/declare`), which owns manifest syntax: a whole new manifest,
// or one insertion that adds only the missing declarations to
// `[profiles.default]` of an existing one.
import { DeclareRequest, type DeclareParams, type DeclareResult, type ReflectResult } from '../../../protocol/src/index';

export type Reflected = ReflectResult['secrets'];

/** Names the provider reported that the manifest's default profile does not declare yet (`declared`: the server's outline). */
export function missingNames(declared: Iterable<string>, secrets: Reflected): string[] {
  const known = new Set(declared);
  return Object.keys(secrets).filter((n) => !known.has(n)).sort();
}

/** The declarations of `names` only. */
export function pick(secrets: Reflected, names: readonly string[]): Reflected {
  return Object.fromEntries(names.map((n) => [n, secrets[n] ?? {}]));
}

/** What the server would insert, and where: into the open manifest `uri`, or as a new manifest for `project`. */
export function declare(server: { request<R>(method: string, params: unknown): Promise<R> }, params: DeclareParams): Promise<DeclareResult> {
  return server.request<DeclareResult>(DeclareRequest, params);
}
