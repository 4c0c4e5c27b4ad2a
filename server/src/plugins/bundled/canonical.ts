// Each bundled provider's own `uri()` as SecretSpec builds it for a report's
// `source_provider` (providers-and-check §C.3, §A.4): rebuilt from the
// non-secret configuration only, with relative paths joined to the
// manifest's directory the way Rust's `Path::join` does (no normalising).
import { expandTilde, parseProviderUri, preEncode, queryValue } from './uri';

export interface CanonicalBase {
  /** The manifest's directory: relative dotenv and file paths are joined to it. */
  baseDir: string;
  home?: string;
}

/** Rust `Path::join`: an absolute path replaces the base; nothing is normalised. */
function rustJoin(base: string, path: string): string {
  if (path.startsWith('/')) return path;
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}

// The `url` crate's path-segment set, for `Url::from_file_path`.
const PATH_SEGMENT_EXTRA = ' "#<>?`{}/%';

function encodeSegment(segment: string): string {
  let out = '';
  for (const ch of segment) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || code === 0x7f || code > 0x7f || PATH_SEGMENT_EXTRA.includes(ch)) {
      for (const byte of new TextEncoder().encode(ch)) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    } else {
      out += ch;
    }
  }
  return out;
}

/** `Url::from_file_path`: path components (so `.` and empty segments drop out, `..` stays), each encoded. */
function fileUrl(absolute: string): string {
  const segments = absolute.split('/').filter((s) => s !== '' && s !== '.');
  return `file:///${segments.map(encodeSegment).join('/')}`;
}

/** The folder template a keyring or pass URI sets: host and path, only when there is a host (A.7). */
function folderPrefix(host: string, path: string): string {
  return host === '' ? '' : host + path;
}

/**
 * The canonical URI of the store `uri` names, or undefined for a scheme that
 * is not bundled (a plugin's URI is reported as configured, redacted).
 */
export function canonicalUri(uri: string, base: CanonicalBase): string | undefined {
  const parsed = parseProviderUri(uri);
  if (!parsed.ok) return undefined;
  const { scheme, host, path } = parsed.uri;
  switch (scheme) {
    case 'env':
      return 'env';
    case 'null':
      return 'null://';
    case 'keyring': {
      const prefix = folderPrefix(host, path);
      return prefix === '' ? 'keyring' : `keyring://${preEncode(prefix)}`;
    }
    case 'pass': {
      const prefix = preEncode(folderPrefix(host, path));
      const storeDir = queryValue(parsed.uri, 'store_dir');
      if (storeDir !== undefined) return `pass://${prefix}?store_dir=${preEncode(storeDir, '%#&+')}`;
      return prefix === '' ? 'pass' : `pass://${prefix}`;
    }
    case 'dotenv': {
      const raw = path !== '' && path !== '/' ? host + path : host !== '' ? host : '.env';
      return `dotenv:${rustJoin(base.baseDir, expandTilde(raw, base.home))}`;
    }
    case 'file': {
      if (uri === 'file' || uri === 'file:' || uri === 'file://') return undefined;
      const dir = path !== '' ? (host === '.' ? path.replace(/^\/+/, '') : host + path) : host;
      if (dir === '') return undefined;
      return fileUrl(rustJoin(base.baseDir, expandTilde(dir, base.home)));
    }
    default:
      return undefined;
  }
}
