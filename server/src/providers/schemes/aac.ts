// `aac`: Azure App Configuration, one store per URI.
import { AZURE_AUTH, AZURE_CREDENTIALS, defineScheme, hasPath } from '../scheme';
import { queryValue, type ProviderUrl } from '../uri';

const PARAMETERS = ['auth', 'suffix', 'audience', 'key_vault_auth', 'key_vault_suffix', 'label', 'prefix', 'tag'];

/** The store's DNS name: a bare name gets the suffix (default `azconfig.io`). */
function storeHost(url: ProviderUrl, suffix: string): string {
  const host = url.host.toLowerCase();
  return host.includes('.') ? host : `${host}.${suffix}`;
}

export const aac = defineScheme('aac', {
  shapes: { aac: { shape: 'aac://STORE[?auth=…][&label=…][&prefix=…]', snippet: 'aac://${1:my-store}' } },
  deletes: true,
  reflect: true,
  credentialNames: [...AZURE_CREDENTIALS, 'connection_string'],
  grammar(url, issues) {
    if (url.username !== '') return issues.add('uri-userinfo-not-allowed', 'aac URIs take no user information');
    if (url.port !== '') return issues.add('uri-port-not-allowed', 'aac URIs take no explicit port');
    if (hasPath(url)) return issues.add('uri-path-not-allowed', 'aac URIs take no path: address a key with ref = { item = "..." } on the secret');
    if (url.host === '') return issues.add('uri-missing-authority', 'aac provider requires an App Configuration store, for example aac://my-store');
    const seen = new Set<string>();
    const tagNames = new Set<string>();
    for (const [key, value] of url.query) {
      if (!PARAMETERS.includes(key)) return issues.add('unknown-query-parameter', `unknown aac parameter '${key}'`, { parameter: key });
      if (key === 'tag') {
        const eq = value.indexOf('=');
        if (eq <= 0) return issues.add('invalid-query-value', 'aac tag must have the form NAME=VALUE', { parameter: 'tag' });
        const name = value.slice(0, eq);
        if (tagNames.has(name)) return issues.add('duplicate-query-parameter', `aac tag '${name}' is given more than once`, { parameter: 'tag' });
        tagNames.add(name);
        if (tagNames.size > 5) return issues.add('invalid-query-value', 'aac accepts at most 5 tag parameters', { parameter: 'tag' });
        continue;
      }
      if (seen.has(key)) return issues.add('duplicate-query-parameter', `aac parameter '${key}' may appear only once`, { parameter: key });
      seen.add(key);
      if (value === '') return issues.add('empty-query-parameter', `aac parameter '${key}' must not be empty`, { parameter: key });
    }
    const auth = queryValue(url, 'auth');
    if (auth !== undefined && ![...AZURE_AUTH, 'connection_string'].includes(auth)) {
      return issues.add(
        'invalid-query-value',
        `Unknown aac auth method '${auth}'. Expected 'env', 'cli', 'managed_identity', 'workload_identity', or 'connection_string'.`,
        { parameter: 'auth' },
      );
    }
    const keyVaultAuth = queryValue(url, 'key_vault_auth');
    if (keyVaultAuth !== undefined && ![...AZURE_AUTH, 'inherit'].includes(keyVaultAuth)) {
      return issues.add(
        'invalid-query-value',
        `Unknown aac key_vault_auth '${keyVaultAuth}'. Expected 'inherit', 'env', 'cli', 'managed_identity', or 'workload_identity'.`,
        { parameter: 'key_vault_auth' },
      );
    }
    if (keyVaultAuth === 'inherit' && auth === 'connection_string') {
      return issues.add(
        'conflicting-query-parameters',
        'aac key_vault_auth=inherit cannot be used with auth=connection_string: a connection string cannot authenticate to Key Vault',
        { parameter: 'key_vault_auth' },
      );
    }
    const suffix = queryValue(url, 'suffix');
    if (suffix !== undefined && url.host.includes('.')) {
      return issues.add('conflicting-query-parameters', `aac suffix applies only to a bare store name; '${url.host}' is already a full DNS name`, { parameter: 'suffix' });
    }
    const fullHost = storeHost(url, (suffix ?? 'azconfig.io').toLowerCase());
    if (!fullHost.endsWith('.azconfig.io') && queryValue(url, 'audience') === undefined) {
      issues.add('missing-query-parameter', `aac store '${fullHost}' is outside azconfig.io, so the token audience must be set explicitly with ?audience=`, { parameter: 'audience' });
    }
  },
  identity: (url) => `aac:${storeHost(url, queryValue(url, 'suffix') || 'azconfig.io')}`,
  address: (url, at) => `key \`${queryValue(url, 'prefix') ?? ''}secretspec:${at.project}:${at.profile}:${at.key}\``,
});
