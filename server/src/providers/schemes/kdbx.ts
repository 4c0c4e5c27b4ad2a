// `kdbx`: a KeePass database file.
import { comparablePath, DEFAULT_TEMPLATE, defineScheme, expandTemplate, strictQuery } from '../scheme';
import { queryValue } from '../uri';

export const kdbx = defineScheme('kdbx', {
  shapes: { kdbx: { shape: 'kdbx:PATH[?keyfile=PATH][&prefix=TEMPLATE]', snippet: 'kdbx:${1:./secrets.kdbx}' } },
  refCoordinates: ['field'],
  credentialNames: ['password'],
  pathInAuthority: true,
  grammar(url, issues) {
    if (url.host + url.path === '') {
      issues.add('uri-missing-path', 'No KDBX database path given. Use kdbx:./secrets.kdbx or kdbx:/absolute/path/secrets.kdbx.');
      return;
    }
    strictQuery(url, issues, ['keyfile', 'prefix'], {
      unknown: (k) => `unknown KDBX query parameter '${k}'; expected 'keyfile' or 'prefix'`,
      duplicate: (k) => `KDBX query parameter '${k}' may appear only once`,
      empty: (k) => `KDBX query parameter '${k}' must not be empty`,
    });
  },
  identity: (url) => `kdbx:${comparablePath(url.host + url.path)}`,
  address: (url, at) => `entry \`${expandTemplate(queryValue(url, 'prefix') ?? DEFAULT_TEMPLATE, at)}\`, field \`Password\``,
});
