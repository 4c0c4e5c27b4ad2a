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
  target: (url, at) => `keyring service ${expandTemplate(templateFromUri(url), at)}`,
  canonical: (url) => (url.host === '' ? 'keyring' : `keyring://${percentEncode(url.host + url.path)}`),
});
