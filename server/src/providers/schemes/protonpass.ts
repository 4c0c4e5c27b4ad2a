// `protonpass`: a note per secret in one vault.
import { defineScheme, expandTemplate } from '../scheme';

export const protonpass = defineScheme('protonpass', {
  shapes: { protonpass: { shape: 'protonpass://[VAULT[/TITLE_TEMPLATE]]', snippet: 'protonpass://${1:secretspec}' } },
  preflight: true,
  address: (url, at) => `note \`${expandTemplate(url.path.replace(/^\//, '') || '{project}/{profile}/{key}', at)}\` in vault \`${url.host || 'secretspec'}\``,
});
