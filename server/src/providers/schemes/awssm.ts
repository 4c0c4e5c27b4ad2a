// `awssm`: AWS Secrets Manager.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, hasPath, refTableHint } from '../scheme';
import { queryValue } from '../uri';

export const awssm = defineScheme('awssm', {
  shapes: { awssm: { shape: 'awssm://[AWS_PROFILE@][REGION][?prefix=P]', snippet: 'awssm://${1:us-east-1}' } },
  refCoordinates: ['field'],
  grammar(url, issues) {
    if (hasPath(url)) {
      const item = url.path.replace(/^\/+/, '');
      issues.add(
        'uri-path-not-allowed',
        `awssm URIs take no path: address the secret with ${refTableHint({ item })} on the secret instead (add field = "<key>" to read one JSON key)`,
        { ref: { item } },
      );
    }
  },
  address(url, at) {
    const prefix = queryValue(url, 'prefix');
    return `secret \`${prefix ? `${prefix.replace(/\/$/, '')}/` : ''}${expandTemplate(DEFAULT_TEMPLATE, at)}\``;
  },
});
