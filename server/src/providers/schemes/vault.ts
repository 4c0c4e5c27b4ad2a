// `vault` and its fork `openbao`: a KV mount on one server. Both read the
// same stores, so one definition serves both names.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, refTableHint, trimSlashes, type SchemeRecord } from '../scheme';
import { queryValue } from '../uri';

const CREDENTIALS = ['role_id', 'secret_id', 'token'] as const;

function vaultLike(name: 'vault' | 'openbao', product: string, addressVariables: string): SchemeRecord {
  return defineScheme(name, {
    shapes: { [name]: { shape: `${name}://[NAMESPACE@]HOST[:PORT][/MOUNT][?auth=…]`, snippet: `${name}://\${1:127.0.0.1:8200}/\${2:secret}` } },
    deletes: true,
    refCoordinates: ['field'],
    credentialNames: CREDENTIALS,
    grammar(url, issues) {
      if (url.query.some(([k]) => k === 'field')) {
        issues.add(
          'address-in-provider-uri',
          `${url.scheme} URIs take no \`field\` query: select a field with ${refTableHint({ item: '<path>', field: '<field>' })} on the secret instead`,
          { parameter: 'field' },
        );
        return;
      }
      const auth = queryValue(url, 'auth') ?? 'token';
      if (!['token', 'approle', 'jwt'].includes(auth)) {
        issues.add('invalid-query-value', `Unknown auth method '${auth}'. Expected 'token', 'approle', or 'jwt'.`, { parameter: 'auth' });
        return;
      }
      const authMount = queryValue(url, 'auth_mount');
      if (authMount !== undefined) {
        if (auth === 'token') {
          issues.add('conflicting-query-parameters', '`auth_mount` requires `auth=approle` or `auth=jwt`', { parameter: 'auth_mount' });
          return;
        }
        if (trimSlashes(authMount).split('/').some((s) => s === '' || s === '.' || s === '..')) {
          issues.add('invalid-query-value', `auth_mount '${authMount}' must not contain empty, '.' or '..' segments`, { parameter: 'auth_mount' });
          return;
        }
      }
      if (url.host === '') {
        issues.add(
          'uri-missing-authority',
          `No ${product} address provided. Specify a host in the URI (for example, ${url.scheme}://127.0.0.1:8200) or set ${addressVariables}.`,
          undefined,
          'information',
        );
      }
    },
    identity: (url) => `vault:${url.username}@${url.host.toLowerCase()}:${url.port}/${trimSlashes(url.path) || 'secret'}`,
    address: (url, at) => `KV path \`${expandTemplate(DEFAULT_TEMPLATE, at)}\` in mount \`${trimSlashes(url.path) || 'secret'}\`, field \`value\``,
  });
}

export const vault = vaultLike('vault', 'Vault', 'VAULT_ADDR');
export const openbao = vaultLike('openbao', 'OpenBao', 'BAO_ADDR or VAULT_ADDR');
