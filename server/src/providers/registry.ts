// SecretSpec's built-in provider registry (providers-and-check.md A.6,
// manifest-rules.md Appendix B), default build with every feature on: the
// records of schemes/, looked up by scheme.
import type { SchemeRecord } from './scheme';
import { aac } from './schemes/aac';
import { age } from './schemes/age';
import { akv } from './schemes/akv';
import { awsps } from './schemes/awsps';
import { awssm } from './schemes/awssm';
import { bw } from './schemes/bw';
import { bws } from './schemes/bws';
import { dashlane } from './schemes/dashlane';
import { dotenv } from './schemes/dotenv';
import { env } from './schemes/env';
import { file } from './schemes/file';
import { fly } from './schemes/fly';
import { gcsm } from './schemes/gcsm';
import { gopass } from './schemes/gopass';
import { infisical } from './schemes/infisical';
import { kdbx } from './schemes/kdbx';
import { keeper } from './schemes/keeper';
import { keyring } from './schemes/keyring';
import { lastpass } from './schemes/lastpass';
import { nullScheme } from './schemes/null';
import { onepassword } from './schemes/onepassword';
import { pass } from './schemes/pass';
import { passbolt } from './schemes/passbolt';
import { protonpass } from './schemes/protonpass';
import { scaleway } from './schemes/scaleway';
import { sops } from './schemes/sops';
import { systemdCredential } from './schemes/systemdCredential';
import { openbao, vault } from './schemes/vault';
import { PLUGIN_SCHEME_PATTERN } from './uri';

const BUILTIN_PROVIDERS: readonly SchemeRecord[] = [
  keyring,
  dotenv,
  env,
  file,
  nullScheme,
  systemdCredential,
  fly,
  pass,
  gopass,
  lastpass,
  dashlane,
  protonpass,
  passbolt,
  onepassword,
  keeper,
  kdbx,
  bw,
  bws,
  gcsm,
  awssm,
  awsps,
  scaleway,
  vault,
  openbao,
  akv,
  aac,
  infisical,
  age,
  sops,
];

const BY_SCHEME: ReadonlyMap<string, SchemeRecord> = new Map(BUILTIN_PROVIDERS.flatMap((p) => p.schemes.map((s) => [s, p] as const)));

/** Every registered scheme, sorted (the order SecretSpec lists them in). */
export const BUILTIN_SCHEMES: readonly string[] = [...BY_SCHEME.keys()].sort();

/** Schemes that may be a `cache.provider` (registered with delete support), sorted. */
export const CACHE_CAPABLE_SCHEMES: readonly string[] = BUILTIN_SCHEMES.filter((s) => BY_SCHEME.get(s)?.deletes);

/** Exact, case-sensitive, like SecretSpec's own lookup. */
export function isBuiltinScheme(scheme: string): boolean {
  return BY_SCHEME.has(scheme);
}

export function builtinProvider(scheme: string): SchemeRecord | undefined {
  return BY_SCHEME.get(scheme);
}

/** A scheme served by a `secretspec-provider-<scheme>` plugin (provider-protocol.md §1). */
export function isPluginScheme(scheme: string): boolean {
  return PLUGIN_SCHEME_PATTERN.test(scheme) && !isBuiltinScheme(scheme);
}
