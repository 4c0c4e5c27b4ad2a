// `dashlane`: read-only; the authority selects the item type.
import { DEFAULT_TEMPLATE, defineScheme, expandTemplate, hasPath, refTableHint } from '../scheme';

const TYPES = ['secret', 'secrets', 'note', 'notes', 'password', 'passwords', 'login', 'logins'];

export const dashlane = defineScheme('dashlane', {
  shapes: { dashlane: { shape: 'dashlane://[ITEM_TYPE]', snippet: 'dashlane://${1|secret,note,password|}' } },
  writes: false,
  refCoordinates: ['field'],
  credentialNames: ['service_device_keys'],
  preflight: true,
  grammar(url, issues) {
    if (url.host !== '' && !TYPES.includes(url.host.toLowerCase())) {
      issues.add('invalid-host', `unknown Dashlane item type '${url.host}'. Use dashlane://secret, dashlane://note or dashlane://password, or plain dashlane:// to search all three.`);
      return;
    }
    if (hasPath(url)) {
      const item = url.path.replace(/^\/+/, '');
      issues.add(
        'uri-path-not-allowed',
        `dashlane:// takes no path: the authority selects the item type, not an item. To name one specific item, use ${refTableHint({ item })} on the secret instead`,
        { ref: { item } },
      );
    }
  },
  address: (_url, at) => `item titled \`${expandTemplate(DEFAULT_TEMPLATE, at)}\``,
});
