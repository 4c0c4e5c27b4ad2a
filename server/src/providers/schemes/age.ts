// `age`: one encrypted file holding every secret.
import { comparablePath, defineScheme } from '../scheme';

export const age = defineScheme('age', {
  shapes: { age: { shape: 'age://PATH[?identity=FILE][&recipients-file=FILE]', snippet: 'age://${1:secrets.age}' } },
  deletes: true,
  reflect: true,
  credentialNames: ['identity'],
  pathInAuthority: true,
  flat: true,
  identity: (url) => `age:${comparablePath(url.host + url.path || 'secrets.age')}`,
  address: (url, at) => `\`${at.key}=…\` inside \`${url.host + url.path || 'secrets.age'}\``,
});
