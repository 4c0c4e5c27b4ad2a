// `fly`: write-only secrets of one Fly.io app.
import { defineScheme, hasPath, strictQuery } from '../scheme';

export const fly = defineScheme('fly', {
  shapes: { fly: { shape: 'fly://APP[?stage=true|false][&detach=true|false]', snippet: 'fly://${1:my-app}' } },
  reads: false,
  deletes: true,
  reflect: true,
  credentialNames: ['access_token'],
  flat: true,
  grammar(url, issues) {
    if (url.host === '') {
      issues.add('uri-missing-authority', 'fly provider requires a Fly.io app name, for example fly://my-app');
      return;
    }
    if (url.username !== '') {
      issues.add('uri-userinfo-not-allowed', 'fly provider URIs take no user information: the authority is the Fly.io app name, for example fly://my-app');
      return;
    }
    if (hasPath(url)) {
      issues.add('uri-path-not-allowed', `fly provider URIs take no path: the app name is the whole address, for example fly://${url.host}`);
      return;
    }
    const ok = strictQuery(url, issues, ['stage', 'detach'], {
      unknown: (k) => `unknown fly query parameter '${k}'; expected 'stage' or 'detach'`,
      duplicate: (k) => `fly query parameter '${k}' may appear only once`,
    });
    if (!ok) return;
    for (const [key, value] of url.query) {
      if (value !== 'true' && value !== 'false') {
        issues.add('invalid-query-value', `fly query parameter '${key}' must be 'true' or 'false'`, { parameter: key });
        return;
      }
    }
  },
  identity: (url) => `fly:${url.host}`,
  address: (url, at) => `secret \`${at.key}\` of Fly.io app \`${url.host}\``,
});
