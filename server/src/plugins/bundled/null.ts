// `null`: stores nothing, every secret is missing (A.7, 0.19+).
import type { BundledProvider } from '../types';
import { errorBody } from './errors';
import { createSession } from './session';
import { readProviderUri } from '../../providers/uri';

export const nullProvider: BundledProvider = {
  scheme: 'null',
  async open(hello) {
    const parsed = readProviderUri(hello.uri);
    if (!parsed.ok) return errorBody('invalid_request', parsed.message);
    const { username, host, path, hasQuery } = parsed.url;
    if (username !== '' || host !== '' || path.replace(/\//g, '') !== '' || hasQuery) {
      return errorBody('invalid_request', 'null:// takes no authority, path, or query; write just `null`');
    }
    return createSession('null', ['get', 'batch_get', 'exists'], {
      async get() {
        return null;
      },
      async exists() {
        return false;
      },
    });
  },
};
