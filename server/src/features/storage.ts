// Where a provider keeps a secret by convention (providers-and-check §E):
// the address built from project, profile and key, or the URI's own template.
// Addresses only; never a value.
import { isBuiltinScheme } from '../manifest/providers/registry';
import { parseProviderUrl, splitSpec, type ProviderUrl } from '../manifest/providers/specs';

const DEFAULT_TEMPLATE = 'secretspec/{project}/{profile}/{key}';
const FLAT = new Set(['dotenv', 'env', 'age', 'bws', 'fly', 'systemd-credential']);

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** Lowercase, unpadded RFC 4648 Base32 (akv's name encoding). */
export function base32(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function query(u: ProviderUrl, key: string): string | undefined {
  const v = u.query.find(([k]) => k === key)?.[1];
  return v === '' ? undefined : v;
}

export interface StorageAddress {
  /** Human-readable address, e.g. keyring service `secretspec/shop/production/API_KEY`. */
  text: string;
  /** True when every profile reads the same place (the store is flat). */
  flat: boolean;
}

export function storageAddress(spec: string, project: string, profile: string, key: string): StorageAddress | undefined {
  const scheme = splitSpec(spec).scheme;
  if (!isBuiltinScheme(scheme)) return { text: `decided by the \`${scheme}\` plugin`, flat: false };
  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) return undefined;
  const u = parsed.url;
  const fill = (t: string) => t.replaceAll('{project}', project).replaceAll('{profile}', profile).replaceAll('{key}', key);
  const conv = fill(DEFAULT_TEMPLATE);
  const hostPath = u.host + u.path;
  const template = u.host ? hostPath : DEFAULT_TEMPLATE;
  const flat = FLAT.has(scheme);
  const at = (text: string) => ({ text, flat });
  switch (scheme) {
    case 'keyring':
      return at(`keyring service \`${fill(template)}\`, account = your OS user name`);
    case 'dotenv':
      return at(`key \`${key}\` in \`${hostPath || '.env'}\``);
    case 'env':
      return at(`environment variable \`${key}\``);
    case 'file':
      return at(`file \`${hostPath.replace(/\/$/, '')}/${project}/${profile}/${key}\``);
    case 'null':
      return at('nothing is stored');
    case 'systemd-credential':
      return at(`\`$CREDENTIALS_DIRECTORY/${key}\``);
    case 'fly':
      return at(`secret \`${key}\` of Fly.io app \`${u.host}\``);
    case 'pass':
    case 'gopass':
      return at(`entry \`${fill(template)}\``);
    case 'lastpass':
      return at(`item \`${fill(template)}\``);
    case 'dashlane':
      return at(`item titled \`${conv}\``);
    case 'protonpass':
      return at(`note \`${fill(u.path.replace(/^\//, '') || '{project}/{profile}/{key}')}\` in vault \`${u.host || 'secretspec'}\``);
    case 'passbolt':
      return at(`resource \`${fill(query(u, 'template') ?? DEFAULT_TEMPLATE)}\`, field \`password\``);
    case 'onepassword':
    case 'onepassword+token':
      return at(`Secure Note \`${conv}\` in vault \`${u.host && u.host !== 'localhost' ? u.host : 'Private'}\`, field \`value\``);
    case 'keeper':
      return at(`login record \`${conv}\`, field \`password\``);
    case 'kdbx':
      return at(`entry \`${fill(query(u, 'prefix') ?? DEFAULT_TEMPLATE)}\`, field \`Password\``);
    case 'bw':
      return at(`item titled \`${conv}\``);
    case 'bws':
      return at(`key \`${key}\` in project \`${u.host}\``);
    case 'gcsm':
      return at(`secret \`secretspec2--${project}--${profile}--${key}\``);
    case 'awssm': {
      const prefix = query(u, 'prefix');
      return at(`secret \`${prefix ? `${prefix.replace(/\/$/, '')}/` : ''}${conv}\``);
    }
    case 'awsps': {
      const t = query(u, 'template');
      const prefix = query(u, 'prefix');
      return at(`parameter \`${t ? fill(t) : `${prefix ? `/${prefix.replace(/^\/|\/$/g, '')}` : ''}/${conv}`}\``);
    }
    case 'scaleway': {
      const path = query(u, 'path');
      return at(`secret \`${key}\` in folder \`${path ? `${path.replace(/\/$/, '')}/` : '/'}secretspec/${project}/${profile}\``);
    }
    case 'vault':
    case 'openbao':
      return at(`KV path \`${conv}\` in mount \`${u.path.replace(/^\/+|\/+$/g, '') || 'secret'}\`, field \`value\``);
    case 'akv':
      return at(`secret \`secretspec--${base32(project)}--${base32(profile)}--${base32(key)}\``);
    case 'aac':
      return at(`key \`${query(u, 'prefix') ?? ''}secretspec:${project}:${profile}:${key}\``);
    case 'infisical':
      return at(`key \`${key}\` in folder \`${(query(u, 'path') ?? '/secretspec').replace(/\/$/, '')}/${project}/${profile}\`, environment \`${query(u, 'env') ?? profile}\``);
    case 'age':
      return at(`\`${key}=…\` inside \`${hostPath || 'secrets.age'}\``);
    case 'sops': {
      const file = (u.host === 'localhost' ? '' : u.host) + u.path || 'secrets.enc.yaml';
      return { text: `\`[${project}][${profile}][${key}]\` in \`${file}\``, flat: false };
    }
    default:
      return undefined;
  }
}
