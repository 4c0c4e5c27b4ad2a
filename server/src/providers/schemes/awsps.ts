// `awsps`: AWS Systems Manager Parameter Store.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, hasPath, hasUnbalancedBraces, placeholdersOf } from '../scheme';
import { queryValue } from '../uri';

function templateProblem(template: string): string | undefined {
  if (!template.startsWith('/')) return 'must start with /';
  if (hasUnbalancedBraces(template)) return 'has an unmatched brace';
  const unknown = placeholdersOf(template).find((p) => !['project', 'profile', 'key'].includes(p));
  if (unknown !== undefined) return `uses the unknown placeholder {${unknown}}; only {project}, {profile} and {key} are allowed`;
  const keys = placeholdersOf(template).filter((p) => p === 'key').length;
  if (keys !== 1 || !template.endsWith('/{key}')) return 'must contain {key} exactly once, as its final segment';
  if (template === '/{key}') return 'needs a bounded parent path before {key}, for example /{project}/{profile}/{key}';
  return undefined;
}

export const awsps = defineScheme('awsps', {
  shapes: { awsps: { shape: 'awsps://[AWS_PROFILE@][REGION][?prefix=|template=|kms_key_id=|tier=]', snippet: 'awsps://${1:us-east-1}' } },
  reflect: true,
  refCoordinates: ['version'],
  grammar(url, issues) {
    if (hasPath(url)) {
      issues.add(
        'uri-path-not-allowed',
        "awsps URIs take no path: set a parameter path with '?prefix=/path' or '?template=/path/{key}', or address one parameter with ref = { item = \"/path/name\" } on the secret",
      );
      return;
    }
    const prefix = queryValue(url, 'prefix');
    const template = queryValue(url, 'template');
    if (prefix !== undefined && template !== undefined) {
      issues.add('conflicting-query-parameters', 'awsps URIs accept either `prefix` or `template`, not both: they are mutually exclusive');
      return;
    }
    if (template !== undefined) {
      const problem = templateProblem(template);
      if (problem) {
        issues.add('invalid-template', `Invalid awsps template '${template}': it ${problem}`);
        return;
      }
    }
    const tier = queryValue(url, 'tier');
    if (tier !== undefined && !['standard', 'advanced', 'intelligent-tiering'].includes(tier)) {
      issues.add('invalid-query-value', `Invalid awsps tier '${tier}'. Expected 'standard', 'advanced', or 'intelligent-tiering'.`, { parameter: 'tier' });
    }
  },
  address(url, at) {
    const template = queryValue(url, 'template');
    const prefix = queryValue(url, 'prefix');
    return `parameter \`${template ? expandTemplate(template, at) : `${prefix ? `/${prefix.replace(/^\/|\/$/g, '')}` : ''}/${expandTemplate(DEFAULT_TEMPLATE, at)}`}\``;
  },
});
