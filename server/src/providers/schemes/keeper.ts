// `keeper`: login records in one shared folder, the URI's authority.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, hasPath, refTableHint } from '../scheme';

export const keeper = defineScheme('keeper', {
  shapes: { keeper: { shape: 'keeper://FOLDER_UID[?config_file=PATH]', snippet: 'keeper://${1:FOLDER_UID}' } },
  deletes: true,
  refCoordinates: ['field'],
  credentialNames: ['config', 'token'],
  grammar(url, issues) {
    if (url.query.some(([k]) => k === 'folder')) {
      issues.add('unknown-query-parameter', 'keeper:// takes no folder query parameter: the shared folder UID belongs in the authority. Use keeper://SHARED_FOLDER_UID.', { parameter: 'folder' });
      return;
    }
    if (url.host === '') {
      issues.add('uri-missing-authority', 'Keeper shared folder UID is required. Use keeper://SHARED_FOLDER_UID.');
      return;
    }
    if (hasPath(url)) {
      issues.add('uri-path-not-allowed', `keeper:// takes no path: the authority is the shared folder UID. Address one record with ${refTableHint({ item: '<record>' })} on the secret instead`);
    }
  },
  identity: (url) => `keeper:${url.host}`,
  address: (_url, at) => `login record \`${expandTemplate(DEFAULT_TEMPLATE, at)}\`, field \`password\``,
});
