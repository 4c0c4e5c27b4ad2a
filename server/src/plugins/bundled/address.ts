// Convention addresses (providers-and-check.md §E): where a provider stores
// secret `key` of `project` in `profile`.

export const DEFAULT_TEMPLATE = 'secretspec/{project}/{profile}/{key}';

/**
 * Expands `{project}`, `{profile}` and `{key}` one placeholder after the
 * other, as SecretSpec's keyring and pass providers do (`str::replace` in
 * sequence), so both tools compute the same service or entry name.
 */
export function expandTemplate(template: string, project: string, profile: string, key: string): string {
  return template.replaceAll('{project}', project).replaceAll('{profile}', profile).replaceAll('{key}', key);
}

/** The template a keyring/pass URI selects: host + path, or the default when there is no host (A.7). */
export function templateFromUri(host: string, path: string): string {
  return host === '' ? DEFAULT_TEMPLATE : host + path;
}
