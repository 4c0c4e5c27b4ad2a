// Provider spec strings as SecretSpec reads them (providers-and-check.md
// A.2–A.5): classification, the factory's rewrite to a URL, display
// redaction, and the storage identity used by the "distinct cache" rule.
import { posix } from 'node:path';
import { builtinProvider, isBuiltinScheme } from './registry';

/** Out-of-tree plugin schemes (provider-protocol.md §1). */
export const PLUGIN_SCHEME_PATTERN = /^[a-z][a-z0-9_-]*$/;

export interface SplitSpec {
  /** Text before the first `:` (the whole spec when there is none). */
  scheme: string;
  /** Text after the first `:`, possibly empty. */
  rest: string;
}

export function splitSpec(spec: string): SplitSpec {
  const colon = spec.indexOf(':');
  return colon < 0 ? { scheme: spec, rest: '' } : { scheme: spec.slice(0, colon), rest: spec.slice(colon + 1) };
}

export function isPluginScheme(scheme: string): boolean {
  return PLUGIN_SCHEME_PATTERN.test(scheme) && !isBuiltinScheme(scheme);
}

export type SpecKind = 'uri' | 'alias' | 'cached-alias' | 'builtin' | 'plugin' | 'undefined-alias' | '1password';

export interface SpecClass {
  kind: SpecKind;
  /** The scheme token (text before the first `:`). */
  scheme: string;
}

/**
 * Classifies a `providers` list entry (or a fallback / cache / credential
 * source) per A.2. Aliases are matched exactly and shadow built-in names; a
 * string containing `://` is never an alias. A `scheme:` spelling whose scheme
 * is not built in but is a valid plugin scheme is a plugin spec, which is our
 * extension's reading: SecretSpec itself would call it an undefined alias.
 * `1password` is reported in every spelling, including `1password://`.
 */
export function classifySpec(
  spec: string,
  aliases: ReadonlySet<string>,
  cachedAliases?: ReadonlySet<string>,
): SpecClass {
  const { scheme } = splitSpec(spec);
  if (spec.includes('://')) {
    if (scheme === '1password') return { kind: '1password', scheme };
    return { kind: isPluginScheme(scheme) ? 'plugin' : 'uri', scheme };
  }
  if (cachedAliases?.has(spec)) return { kind: 'cached-alias', scheme };
  if (aliases.has(spec)) return { kind: 'alias', scheme };
  if (scheme === '1password') return { kind: '1password', scheme };
  if (isBuiltinScheme(scheme)) return { kind: 'builtin', scheme };
  if (spec.includes(':') && isPluginScheme(scheme)) return { kind: 'plugin', scheme };
  return { kind: 'undefined-alias', scheme };
}

// A.4: the factory's encode set. `%`, `@`, `/`, `:`, `?`, `#` keep their URI meaning.
const URI_ENCODE = new Set([' ', '<', '>', '[', ']', '|', '^', '\\']);

function percentEncode(text: string, encodeColon: boolean): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const ascii = code < 0x80;
    if (ascii && code >= 0x20 && code !== 0x7f && !URI_ENCODE.has(ch) && !(encodeColon && ch === ':')) {
      out += ch;
    } else {
      for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** Lenient percent-decoding like Rust's `percent_decode_str(..).decode_utf8_lossy()`: bad escapes stay as written. */
export function percentDecode(text: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const pair = text.slice(i + 1, i + 3);
    if (text[i] === '%' && HEX.test(pair)) {
      bytes.push(parseInt(pair, 16));
      i += 2;
    } else {
      const cp = text.codePointAt(i) ?? 0;
      const ch = String.fromCodePoint(cp);
      if (ch.length === 2) i++;
      bytes.push(...encoder.encode(ch));
    }
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

/** `C:\...` or `C:/...` (url.rs `is_windows_abs_path`). */
export function isWindowsAbsolutePath(text: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(text);
}

/**
 * The URL string SecretSpec's factory parses for a spec (A.3 steps 2–4).
 * It does not gate the scheme: `1password`, bare `file` and unknown schemes
 * are the caller's concern.
 */
export function rewriteSpecToUrl(spec: string): string {
  const { scheme, rest } = splitSpec(spec);
  const candidate = rest.replace(/^\/+/, '');
  if (isWindowsAbsolutePath(candidate)) {
    // `file` is a special scheme whose host cannot hold an encoded drive path.
    if (scheme === 'file') return `file:///${percentEncode(candidate.replace(/\\/g, '/'), false)}`;
    return `${scheme}://${percentEncode(candidate, true)}`;
  }
  let body: string;
  if (rest === '' || rest === ':') body = '';
  else if (rest.startsWith('//')) body = rest.slice(2);
  else body = rest;
  return `${scheme}://${percentEncode(body, false)}`;
}

/** Where the userinfo sits: [start, index of its closing `@`), like audit.rs `userinfo_span`. */
function userinfoSpan(spec: string): [number, number] | undefined {
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const afterScheme = spec.slice(colon + 1);
  const start = afterScheme.startsWith('//') ? colon + 3 : colon + 1;
  const authority = spec.slice(start);
  const end = authority.search(/[/?#]/);
  const at = authority.slice(0, end < 0 ? authority.length : end).lastIndexOf('@');
  return at < 0 ? undefined : [start, start + at];
}

/**
 * Display redaction (A.5, audit.rs `redact_uri_strict`): drop the whole
 * `userinfo@`, then everything from the first `?` or `#`.
 */
export function redactSpec(spec: string): string {
  const span = userinfoSpan(spec);
  const bare = span ? spec.slice(0, span[0]) + spec.slice(span[1] + 1) : spec;
  const cut = bare.search(/[?#]/);
  return cut < 0 ? bare : bare.slice(0, cut);
}

/** A parsed provider URL with SecretSpec's decoded accessors. Never holds the password itself. */
export interface ProviderUrl {
  scheme: string;
  /** Decoded host; `''` means absent. `file` hosts are lowercased by WHATWG. */
  host: string;
  port: string;
  /** Decoded username; `''` means absent. */
  username: string;
  hasPassword: boolean;
  /** Decoded path, `''` or starting with `/`. */
  path: string;
  /** True for any `?`, even an empty query. */
  hasQuery: boolean;
  /** Form-urlencoded pairs in order, decoded. */
  query: ReadonlyArray<readonly [string, string]>;
}

export type ParseResult =
  | { ok: true; url: ProviderUrl; urlText: string }
  | { ok: false; reason: string; urlText: string };

/** The authority of a rewritten URL string (between `://` and the first `/ ? #`). */
export function authorityOf(urlText: string): string {
  const start = urlText.indexOf('://') + 3;
  const tail = urlText.slice(start);
  const end = tail.search(/[/?#]/);
  return end < 0 ? tail : tail.slice(0, end);
}

/** Everything before the query or fragment of a rewritten URL string. */
export function hierarchicalPartOf(urlText: string): string {
  const end = urlText.search(/[?#]/);
  return end < 0 ? urlText : urlText.slice(0, end);
}

// Node only says "Invalid URL"; name the cause in the Rust `url` crate's words.
function parseFailureReason(urlText: string): string {
  const authority = authorityOf(urlText);
  const hostPort = authority.slice(authority.lastIndexOf('@') + 1);
  const colon = hostPort.indexOf(':');
  if (colon >= 0) {
    const port = hostPort.slice(colon + 1);
    if (port !== '' && (!/^\d+$/.test(port) || Number(port) > 65535)) return 'invalid port number';
    if (colon === 0) return 'empty host';
  }
  if (authority.includes('@') && hostPort === '') return 'empty host';
  return 'invalid domain character';
}

/** A.3: rewrite, then parse with WHATWG `URL` as SecretSpec does with the `url` crate. */
export function parseProviderUrl(spec: string): ParseResult {
  const urlText = rewriteSpecToUrl(spec);
  const { scheme } = splitSpec(spec);
  // WHATWG schemes cannot contain `_`, which plugin schemes may: parse those under a stand-in.
  const parseable = /^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme) ? urlText : `x-plugin${urlText.slice(scheme.length)}`;
  let url: URL;
  try {
    url = new URL(parseable);
  } catch {
    return { ok: false, reason: parseFailureReason(urlText), urlText };
  }
  const hierarchical = hierarchicalPartOf(urlText);
  const hasQuery = urlText.length > hierarchical.length && urlText[hierarchical.length] === '?';
  return {
    ok: true,
    urlText,
    url: {
      scheme,
      host: percentDecode(url.hostname),
      port: url.port,
      username: percentDecode(url.username),
      hasPassword: url.password !== '',
      path: percentDecode(url.pathname),
      hasQuery,
      query: [...new URLSearchParams(url.search)],
    },
  };
}

function normalizedPath(path: string): string {
  const normal = posix.normalize(path.replace(/\\/g, '/'));
  return normal.length > 1 ? normal.replace(/\/$/, '') : normal;
}

function firstQueryValue(url: ProviderUrl, key: string): string {
  return url.query.find(([k]) => k === key)?.[1] ?? '';
}

const DEFAULT_TEMPLATE = 'secretspec/{project}/{profile}/{key}';

/**
 * A key that is equal for two specs exactly when they address the same
 * store, for the "cache must be a distinct store" rule (manifest-rules 5.7):
 * `dotenv:.env` and `dotenv://.env` match, and so do `vault://` and
 * `openbao://` at the same address and mount whatever their auth. Undefined
 * when the spec does not parse.
 */
export function storageIdentity(spec: string): string | undefined {
  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) return undefined;
  const u = parsed.url;
  const hostPath = u.host + u.path;
  switch (u.scheme) {
    case 'dotenv':
      return `dotenv:${normalizedPath(hostPath || '.env')}`;
    case 'file':
    case 'kdbx':
      return `${u.scheme}:${normalizedPath(hostPath)}`;
    case 'age':
      return `age:${normalizedPath(hostPath || 'secrets.age')}`;
    case 'sops': {
      const path = (u.host === 'localhost' ? '' : u.host) + u.path;
      return `sops:${normalizedPath(path || 'secrets.enc.yaml')}`;
    }
    case 'keyring':
    case 'gopass':
    case 'lastpass':
      return `${u.scheme}:${u.host ? hostPath : DEFAULT_TEMPLATE}`;
    case 'pass':
      return `pass:${u.host ? hostPath : DEFAULT_TEMPLATE}?${firstQueryValue(u, 'store_dir')}`;
    case 'vault':
    case 'openbao': {
      const mount = u.path.replace(/^\/+|\/+$/g, '') || 'secret';
      return `vault:${u.username}@${u.host.toLowerCase()}:${u.port}/${mount}`;
    }
    case 'fly':
    case 'keeper':
      return `${u.scheme}:${u.host}`;
    case 'aac': {
      const host = u.host.toLowerCase();
      return `aac:${host.includes('.') ? host : `${host}.${firstQueryValue(u, 'suffix') || 'azconfig.io'}`}`;
    }
    default: {
      const family = builtinProvider(u.scheme)?.name ?? u.scheme;
      const query = u.query.map(([k, v]) => `${k}=${v}`).sort().join('&');
      return `${family}:${u.username}@${u.host}:${u.port}${u.path}?${query}`;
    }
  }
}
