// `bw`: Bitwarden items, titled by the convention address.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate } from '../scheme';
import { queryValue } from '../uri';

const PARAMETERS = ['org', 'organization', 'collection', 'server', 'folder', 'type', 'field'];
const TYPES = ['login', 'note', 'securenote', 'secure_note', 'card', 'identity', 'ssh', 'sshkey', 'ssh_key'];

export const bw = defineScheme('bw', {
  shapes: { bw: { shape: 'bw://[ORG@]COLLECTION[?…]', snippet: 'bw://$1' } },
  reflect: true,
  refCoordinates: ['field'],
  grammar(url, issues) {
    for (const [key] of url.query) {
      if (!PARAMETERS.includes(key)) {
        issues.add('unknown-query-parameter', `Unknown Bitwarden URI parameter '${key}'. Valid parameters are org (or organization), collection, server, folder, type, and field.`, { parameter: key });
        return;
      }
    }
    const type = queryValue(url, 'type');
    if (type !== undefined && !TYPES.includes(type.toLowerCase())) {
      issues.add(
        'invalid-query-value',
        `Unknown Bitwarden item type '${type}'. Valid types are login, note (securenote, secure_note), card, identity, and ssh (sshkey, ssh_key).`,
        { parameter: 'type' },
      );
    }
  },
  address: (_url, at) => `item titled \`${expandTemplate(DEFAULT_TEMPLATE, at)}\``,
});
