// `lastpass`: item = the URI template expanded.
import { defineScheme, expandTemplate, templateFromUri, templateInAuthority } from '../scheme';

export const lastpass = defineScheme('lastpass', {
  shapes: { lastpass: { shape: 'lastpass://[ITEM_TEMPLATE]', snippet: 'lastpass://' } },
  preflight: true,
  grammar: templateInAuthority,
  identity: (url) => `lastpass:${templateFromUri(url)}`,
  address: (url, at) => `item \`${expandTemplate(templateFromUri(url), at)}\``,
});
