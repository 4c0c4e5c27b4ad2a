// `gopass`: entry = the URI template expanded.
import { defineScheme, expandTemplate, templateFromUri, templateInAuthority } from '../scheme';

export const gopass = defineScheme('gopass', {
  shapes: { gopass: { shape: 'gopass://[TEMPLATE]', snippet: 'gopass://' } },
  deletes: true,
  grammar: templateInAuthority,
  identity: (url) => `gopass:${templateFromUri(url)}`,
  address: (url, at) => `entry \`${expandTemplate(templateFromUri(url), at)}\``,
});
