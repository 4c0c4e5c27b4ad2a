// `pass`: the Unix password store; entry = the URI template expanded,
// `?store_dir=` sets PASSWORD_STORE_DIR (A.7, §E).
import * as path from 'node:path';
import { defineScheme, expandTemplate, expandTilde, templateFromUri, templateInAuthority } from '../scheme';
import { percentEncode, queryValue } from '../uri';

/** The password store directory pass will use, absolute. */
export function passStoreDir(storeDir: string | undefined, configFile: string | null, env: NodeJS.ProcessEnv, cwd: string): string {
  const home = env.HOME ?? '';
  const chosen = storeDir ?? env.PASSWORD_STORE_DIR ?? path.join(home, '.password-store');
  return path.resolve(configFile ? path.dirname(configFile) : cwd, expandTilde(chosen, home));
}

export const pass = defineScheme('pass', {
  shapes: { pass: { shape: 'pass://[TEMPLATE][?store_dir=DIR]', snippet: 'pass://' } },
  deletes: true,
  grammar: templateInAuthority,
  identity: (url) => `pass:${templateFromUri(url)}?${queryValue(url, 'store_dir') ?? ''}`,
  address: (url, at) => `entry \`${expandTemplate(templateFromUri(url), at)}\``,
  target(url, at, base) {
    const entry = `pass entry ${expandTemplate(templateFromUri(url), at)}`;
    const storeDir = queryValue(url, 'store_dir');
    return storeDir === undefined ? entry : `${entry} in store ${passStoreDir(storeDir, base.configFile, base.home === undefined ? {} : { HOME: base.home }, base.baseDir)}`;
  },
  canonical(url) {
    const prefix = url.host === '' ? '' : percentEncode(url.host + url.path);
    const storeDir = queryValue(url, 'store_dir');
    if (storeDir !== undefined) return `pass://${prefix}?store_dir=${percentEncode(storeDir, '%#&+')}`;
    return prefix === '' ? 'pass' : `pass://${prefix}`;
  },
});
