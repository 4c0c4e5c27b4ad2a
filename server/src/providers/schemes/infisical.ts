// `infisical`: one project per URI, the project UUID as its path.
import { defineScheme, trimSlashes, UUID } from '../scheme';
import { queryValue } from '../uri';

export const infisical = defineScheme('infisical', {
  shapes: { infisical: { shape: 'infisical://[HOST[:PORT]]/PROJECT_UUID[?env=SLUG][&path=/PREFIX]', snippet: 'infisical:///${1:PROJECT_UUID}' } },
  refCoordinates: ['version'],
  credentialNames: ['client_id', 'client_secret', 'token'],
  grammar(url, issues) {
    const segments = trimSlashes(url.path).split('/').filter((s) => s !== '');
    if (segments.length === 0) {
      const fixed = url.host !== '' && UUID.test(url.host) ? `infisical:///${url.host}` : undefined;
      issues.add(
        'uri-missing-path',
        'No Infisical project given. The project UUID is the URI path: use infisical:///PROJECT_UUID, or infisical://HOST/PROJECT_UUID for a self-hosted instance.',
        fixed ? issues.replacement(fixed) : undefined,
      );
      return;
    }
    if (segments.length > 1) {
      issues.add('uri-path-not-allowed', "Infisical URIs take exactly one path segment, the project UUID; select a folder with '?path=/PREFIX' instead");
      return;
    }
    const tls = queryValue(url, 'tls');
    if (tls !== undefined && !['true', 'false', '1', '0'].includes(tls)) {
      issues.add('invalid-query-value', `Invalid Infisical tls value '${tls}'. Expected true, false, 1, or 0.`, { parameter: 'tls' });
    }
  },
  address: (url, at) =>
    `key \`${at.key}\` in folder \`${(queryValue(url, 'path') ?? '/secretspec').replace(/\/$/, '')}/${at.project}/${at.profile}\`, environment \`${queryValue(url, 'env') ?? at.profile}\``,
});
