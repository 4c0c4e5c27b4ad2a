// `passbolt`: a resource per secret, named by the `template` query.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, hasPath, strictQuery } from '../scheme';
import { queryValue } from '../uri';

export const passbolt = defineScheme('passbolt', {
  shapes: { passbolt: { shape: 'passbolt://[?server=URL][&folder=ID][&template=PATTERN]', snippet: 'passbolt://' } },
  reflect: true,
  refCoordinates: ['field'],
  credentialNames: ['private_key', 'passphrase'],
  preflight: true,
  grammar(url, issues) {
    if (url.host !== '' || hasPath(url)) {
      issues.add('uri-path-not-allowed', 'Passbolt resource templates belong in the `template` query parameter. Use `passbolt://?template=secretspec/{project}/{profile}/{key}`.');
      return;
    }
    strictQuery(url, issues, ['template', 'folder', 'server'], {
      unknown: (k) => `unknown Passbolt query parameter \`${k}\`; expected \`template\`, \`folder\`, or \`server\``,
      duplicate: (k) => `Passbolt query parameter \`${k}\` may appear only once`,
      empty: (k) => `Passbolt query parameter \`${k}\` must not be empty`,
    });
  },
  address: (url, at) => `resource \`${expandTemplate(queryValue(url, 'template') ?? DEFAULT_TEMPLATE, at)}\`, field \`password\``,
});
