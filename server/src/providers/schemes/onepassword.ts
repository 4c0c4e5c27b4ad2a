// `onepassword` (also `onepassword+token` and `op`): items are addressed by
// a secret's `ref`, never in the URI.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, hasPath, refTableHint, type Issues } from '../scheme';
import type { ProviderUrl } from '../uri';

function pathHint(url: ProviderUrl, issues: Issues): void {
  const vault = url.host || '<vault>';
  const segments = url.path.split('/').filter((s) => s !== '');
  let coords: { vault: string; item: string; section?: string; field: string };
  if (segments.length === 2) coords = { vault, item: segments[0] as string, field: segments[1] as string };
  else if (segments.length === 3) coords = { vault, item: segments[0] as string, section: segments[1] as string, field: segments[2] as string };
  else coords = { vault, item: '<item>', field: '<field>' };
  const data: Record<string, unknown> = { ref: coords };
  if (url.host !== '') Object.assign(data, issues.replacement(`onepassword://${url.host}`));
  issues.add(
    'address-in-provider-uri',
    `1Password items are addressed with a secret's \`ref\`, not in the provider URI: use providers = ["onepassword://${vault}"] with ${refTableHint(coords)}`,
    data,
  );
}

export const onepassword = defineScheme('onepassword', {
  schemes: ['onepassword', 'onepassword+token', 'op'],
  shapes: {
    onepassword: { shape: 'onepassword://[ACCOUNT@]VAULT', snippet: 'onepassword://${1:Private}' },
    'onepassword+token': { shape: 'onepassword+token://VAULT', snippet: 'onepassword+token://${1:Private}' },
  },
  refCoordinates: ['field', 'vault', 'section'],
  credentialNames: ['service_account_token'],
  preflight: true,
  grammar(url, issues) {
    if (url.scheme === 'onepassword+token' && url.username !== '') {
      issues.add(
        'uri-userinfo-not-allowed',
        'onepassword+token:// URIs take no user information: the service account token is never accepted in the URI. Supply it as the `service_account_token` provider credential or set OP_SERVICE_ACCOUNT_TOKEN.',
      );
      return;
    }
    if (url.scheme === 'op' || hasPath(url)) pathHint(url, issues);
  },
  // `op` is the CLI's own reference form, not a store this extension can describe.
  address: (url, at) =>
    url.scheme === 'op' ? undefined : `Secure Note \`${expandTemplate(DEFAULT_TEMPLATE, at)}\` in vault \`${url.host && url.host !== 'localhost' ? url.host : 'Private'}\`, field \`value\``,
});
