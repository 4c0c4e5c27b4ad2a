// `bws`: Bitwarden Secrets Manager, one project per URI.
import { defineScheme, UUID } from '../scheme';

export const bws = defineScheme('bws', {
  shapes: { bws: { shape: 'bws://[SERVER_BASE@]PROJECT_UUID', snippet: 'bws://${1:PROJECT_UUID}' } },
  credentialNames: ['access_token'],
  flat: true,
  grammar(url, issues) {
    if (url.host === '') {
      issues.add('uri-missing-authority', 'BWS project ID is required. Use bws://PROJECT_UUID, or bws://SERVER_BASE@PROJECT_UUID for a self-hosted or EU server.');
    } else if (!UUID.test(url.host)) {
      issues.add('invalid-host', `Invalid BWS project UUID '${url.host}': expected a UUID such as a9230ec4-5507-4870-b8b5-b3f500587e4c`);
    }
  },
  address: (url, at) => `key \`${at.key}\` in project \`${url.host}\``,
});
