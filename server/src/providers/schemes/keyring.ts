// `keyring`: the OS keychain; service = the URI template expanded, account =
// the OS user name (A.7, §E).
import { defineScheme, expandTemplate, templateFromUri, templateInAuthority } from '../scheme';
import { percentEncode } from '../uri';

export const keyring = defineScheme('keyring', {
  shapes: { keyring: { shape: 'keyring://[TEMPLATE]', snippet: 'keyring://' } },
  deletes: true,
  refCoordinates: ['field'],
  grammar: templateInAuthority,
  identity: (url) => `keyring:${templateFromUri(url)}`,
  address: (url, at) => `keyring service \`${expandTemplate(templateFromUri(url), at)}\`, account = your OS user name`,
  // plugins/bundled/keyring.ts: a Secret Service search where there is one (Linux, a unix-socket session bus).
  presence: (platform) =>
    platform === 'linux'
      ? 'Presence: the check asks the Secret Service which entries exist (by their service and account attributes) and never reads a value; an entry in a locked keyring counts as present.'
      : 'Presence: the check reads each value through the OS keychain and drops it at once (this platform has no presence query).',
  target: (url, at) => `keyring service ${expandTemplate(templateFromUri(url), at)}`,
  canonical: (url) => (url.host === '' ? 'keyring' : `keyring://${percentEncode(url.host + url.path)}`),
});
