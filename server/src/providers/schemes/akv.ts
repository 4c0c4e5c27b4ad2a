// `akv`: Azure Key Vault; names are Base32-encoded coordinates.
import { AZURE_AUTH, AZURE_CREDENTIALS, defineScheme, hasPath, refTableHint } from '../scheme';
import { queryValue } from '../uri';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lowercase, unpadded RFC 4648 Base32 (akv's name encoding). */
export function base32(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export const akv = defineScheme('akv', {
  shapes: { akv: { shape: 'akv://VAULT[?auth=…][&suffix=DNS_SUFFIX]', snippet: 'akv://${1:my-vault}' } },
  refCoordinates: ['version'],
  credentialNames: AZURE_CREDENTIALS,
  grammar(url, issues) {
    if (url.host === '') {
      issues.add('uri-missing-authority', 'akv provider requires a Key Vault name, for example akv://my-vault');
      return;
    }
    if (hasPath(url)) {
      issues.add('uri-path-not-allowed', `akv URIs take no path: address the secret with ${refTableHint({ item: url.path.replace(/^\/+/, '') })} on the secret instead`);
      return;
    }
    const auth = queryValue(url, 'auth');
    if (auth !== undefined && !AZURE_AUTH.includes(auth)) {
      issues.add('invalid-query-value', `Unknown akv auth method '${auth}'. Expected 'env', 'cli', 'managed_identity', or 'workload_identity'.`, { parameter: 'auth' });
    }
  },
  address: (_url, at) => `secret \`secretspec--${base32(at.project)}--${base32(at.profile)}--${base32(at.key)}\``,
});
