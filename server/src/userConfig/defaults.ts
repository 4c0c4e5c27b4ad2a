// What the user's own SecretSpec set-up decides for a project, in the CLI's
// order: the environment (`SECRETSPEC_PROVIDER`, `SECRETSPEC_PROFILE`) first,
// then the user config. Pure: the environment is passed in.
import type { AliasModel, MergedManifest } from '../manifest/model';
import type { UserConfig } from './parse';

/** A blank value counts as unset and a padded one is trimmed (secrets.rs `non_blank`). */
function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * `SECRETSPEC_PROVIDER`: the explicit override that replaces every secret's
 * chain (secrets.rs `explicit_provider_spec`; plan.rs `route_for`).
 */
export function providerOverride(env: NodeJS.ProcessEnv): string | undefined {
  return nonBlank(env['SECRETSPEC_PROVIDER']);
}

/**
 * The profile SecretSpec uses when none is given (secrets.rs
 * `resolve_profile_name`): `SECRETSPEC_PROFILE`, then the user config's
 * `[defaults] profile`, then `default`.
 */
export function defaultProfile(env: NodeJS.ProcessEnv, user: UserConfig | undefined): string {
  return nonBlank(env['SECRETSPEC_PROFILE']) ?? user?.profile?.value ?? 'default';
}

/**
 * The aliases a manifest's specs can name: its own `[providers]`, then the
 * user's `[defaults.providers]`; a project alias wins over a user alias of
 * the same name (secrets.rs `provider_alias_sources`).
 */
export function withUserAliases(manifest: MergedManifest, user: ReadonlyMap<string, AliasModel> | undefined): MergedManifest {
  if (!user?.size) return manifest;
  return { ...manifest, providers: new Map([...user, ...manifest.providers]) };
}
