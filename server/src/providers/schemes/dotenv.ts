// `dotenv`: one flat .env file (A.7, §E); a relative path resolves against
// the manifest's directory, like the CLI.
import * as path from 'node:path';
import { comparablePath, defineScheme, expandTilde, rustJoin } from '../scheme';
import type { ProviderUrl } from '../uri';

/** The file as the URI writes it: the path, else the host alone, else `.env`. */
function written(url: Pick<ProviderUrl, 'host' | 'path'>): string {
  return url.path !== '' && url.path !== '/' ? url.host + url.path : url.host !== '' ? url.host : '.env';
}

/** The file a dotenv URI names, absolute. */
export function dotenvPath(url: Pick<ProviderUrl, 'host' | 'path'>, configFile: string | null, env: NodeJS.ProcessEnv, cwd: string): string {
  const base = configFile ? path.dirname(configFile) : cwd;
  return path.resolve(base, expandTilde(written(url), env.HOME));
}

export const dotenv = defineScheme('dotenv', {
  shapes: { dotenv: { shape: 'dotenv[:PATH] or dotenv://PATH', snippet: 'dotenv:${1:.env}' } },
  deletes: true,
  reflect: true,
  pathInAuthority: true,
  flat: true,
  itemIsKey: true,
  identity: (url) => `dotenv:${comparablePath(url.host + url.path || '.env')}`,
  address: (url, at) => `key \`${at.key}\` in \`${url.host + url.path || '.env'}\``,
  target: (url, at, base) => `dotenv file ${dotenvPath(url, base.configFile, base.home === undefined ? {} : { HOME: base.home }, base.baseDir)}, key ${at.key}`,
  absolute: (url, baseDir, home) => `dotenv:${dotenvPath(url, null, home === undefined ? {} : { HOME: home }, baseDir)}`,
  canonical: (url, _spec, base) => `dotenv:${rustJoin(base.baseDir, expandTilde(written(url), base.home))}`,
});
