// `env`: read-only; reads the variable named after the secret from the
// environment the provider was opened with (§E: flat, no project/profile).
import type { BundledProvider } from '../types';
import { errorBody } from './errors';
import { createSession } from './session';
import { readProviderUri } from '../../providers/uri';

export const envProvider: BundledProvider = {
  scheme: 'env',
  async open(hello, env) {
    const parsed = readProviderUri(hello.uri);
    if (!parsed.ok) return errorBody('invalid_request', parsed.message);
    if (parsed.url.host !== '') {
      return errorBody(
        'invalid_request',
        `env:// takes no authority: to read one specific variable, use ref = { item = "${parsed.url.host}" } on the secret instead`,
      );
    }
    const vars = { ...env };
    return createSession('env', ['get', 'batch_get', 'exists'], {
      async get(_at, key) {
        return vars[key] ?? null;
      },
      async exists(_at, key) {
        return vars[key] !== undefined;
      },
    });
  },
};
