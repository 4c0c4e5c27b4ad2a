// `env`: read-only; the variable named after the secret (§E: flat, no project or profile).
import { defineScheme, refTableHint } from '../scheme';

export const env = defineScheme('env', {
  shapes: { env: { shape: 'env://', snippet: 'env://' } },
  writes: false,
  flat: true,
  itemIsKey: true,
  grammar(url, issues) {
    if (url.host !== '' || url.username !== '') {
      const item = url.host || 'SOME_VAR';
      issues.add('uri-takes-no-authority', `env:// takes no authority: to read one specific variable, use ${refTableHint({ item })} on the secret instead`, { ref: { item } });
    }
  },
  address: (_url, at) => `environment variable \`${at.key}\``,
  target: (_url, at) => `environment variable ${at.key}`,
  canonical: () => 'env',
});
