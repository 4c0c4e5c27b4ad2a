// `gcsm`: Google Cloud Secret Manager, one project per URI.
import { defineScheme, hasPath, quote, refTableHint } from '../scheme';

function projectIdProblem(id: string): string | undefined {
  if (id.length < 6 || id.length > 30) return 'must be 6–30 characters long';
  if (!/^[a-z]/.test(id)) return 'must start with a lowercase letter';
  if (!/^[a-z0-9-]*$/.test(id)) return 'may contain only lowercase letters, digits, and hyphens';
  if (id.endsWith('-')) return 'must not end with a hyphen';
  return undefined;
}

export const gcsm = defineScheme('gcsm', {
  shapes: { gcsm: { shape: 'gcsm://PROJECT_ID', snippet: 'gcsm://${1:my-project}' } },
  refCoordinates: ['version'],
  grammar(url, issues) {
    if (url.host === '') {
      issues.add('uri-missing-authority', 'gcsm provider requires a Google Cloud project ID, for example gcsm://my-project');
      return;
    }
    const problem = projectIdProblem(url.host);
    if (problem) {
      issues.add('invalid-host', `Invalid GCP project ID '${url.host}': it ${problem}`);
      return;
    }
    if (hasPath(url)) {
      const named = /^\/secrets\/([^/]+)(?:\/versions\/([^/]+))?\/?$/.exec(url.path);
      const item = named?.[1] ?? '<id>';
      const version = named?.[2] ?? '<n>';
      issues.add(
        'uri-path-not-allowed',
        `gcsm URIs take no path: address the secret with ${refTableHint({ item })} on the secret instead (add version = ${quote(version)} to pin a version)`,
        named ? { ref: named[2] ? { item, version } : { item } } : undefined,
      );
    }
  },
  address: (_url, at) => `secret \`secretspec2--${at.project}--${at.profile}--${at.key}\``,
});
