// `scaleway`: Scaleway Secret Manager; a folder comes from `?path=`.
import { defineScheme, hasPath } from '../scheme';
import { queryValue } from '../uri';

export const scaleway = defineScheme('scaleway', {
  shapes: { scaleway: { shape: 'scaleway://[REGION][?project_id=UUID][&path=/folder]', snippet: 'scaleway://${1:fr-par}' } },
  refCoordinates: ['field', 'version'],
  credentialNames: ['secret_key'],
  grammar(url, issues) {
    if (hasPath(url)) {
      issues.add('uri-path-not-allowed', `scaleway provider URI must not contain a path ('${url.path}'); configure a folder with '?path=/folder' instead`);
    }
  },
  address(url, at) {
    const path = queryValue(url, 'path');
    return `secret \`${at.key}\` in folder \`${path ? `${path.replace(/\/$/, '')}/` : '/'}secretspec/${at.project}/${at.profile}\``;
  },
});
