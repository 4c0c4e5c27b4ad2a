// The one provider URI parser (providers-and-check.md A.2–A.5), shared by
// validation, routing, the scheme records and the bundled providers, so a URI
// means the same thing wherever it is read: the spec split at its first `:`,
// the factory's rewrite to a URL, the WHATWG parse SecretSpec's `url` crate
// agrees with, the decoded accessors, and display redaction.

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

/** Out-of-tree plugin schemes (provider-protocol.md §1). */
export const PLUGIN_SCHEME_PATTERN = /^[a-z][a-z0-9_-]*$/;

// A.4: the factory's encode set. `%`, `@`, `/`, `:`, `?`, `#` keep their URI meaning.
const URI_ENCODE = '<>[]|^\\';

/**
 * A.4: what the factory encodes before handing the string to the URL parser,
 * and what a provider re-encodes when it rebuilds its `uri()` (`extra` adds
 * the characters a query value or a host also escapes).
 */
export function percentEncode(text: string, extra = ''): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f || code > 0x7f || URI_ENCODE.includes(ch) || extra.includes(ch)) {
      for (const byte of new TextEncoder().encode(ch)) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += ch;
    }
  }
  return out;
}

const HEX = /^[0-9A-Fa-f]{2}$/;

/** Lenient percent-decoding like Rust's `percent_decode_str(..).decode_utf8_lossy()`: bad escapes stay as written. */
export function percentDecode(text: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; ) {
    if (text[i] === '%' && HEX.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(text.codePointAt(i)!);
      bytes.push(...encoder.encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

/** `C:\...` or `C:/...` (url.rs `is_windows_abs_path`). */
function isWindowsAbsolutePath(text: string): boolean {
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
    if (scheme === 'file') return `file:///${percentEncode(candidate.replace(/\\/g, '/'))}`;
    return `${scheme}://${percentEncode(candidate, ':')}`;
  }
  let body: string;
  if (rest === '' || rest === ':') body = '';
  else if (rest.startsWith('//')) body = rest.slice(2);
  else body = rest;
  return `${scheme}://${percentEncode(body)}`;
}

/** Where the userinfo sits: [start, index of its closing `@`), like audit.rs `userinfo_span`. */
function userinfoSpan(spec: string): [number, number] | undefined {
  const colon = spec.indexOf(':');
  if (colon < 0) return undefined;
  const start = spec.startsWith('//', colon + 1) ? colon + 3 : colon + 1;
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

export type ParseResult = { ok: true; url: ProviderUrl; urlText: string } | { ok: false; reason: string; urlText: string };

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
      hasQuery: urlText[hierarchical.length] === '?',
      query: [...new URLSearchParams(url.search)],
    },
  };
}

/** SecretSpec's `query_value`: the first match, an empty value counting as absent. */
export function queryValue(url: ProviderUrl, key: string): string | undefined {
  const value = url.query.find(([k]) => k === key)?.[1];
  return value === '' ? undefined : value;
}

/**
 * A URI a provider is opened with: parsed, or why it cannot be used, in
 * words for the person who wrote it (credential-free).
 */
export function readProviderUri(spec: string): { ok: true; url: ProviderUrl } | { ok: false; message: string } {
  const { scheme } = splitSpec(spec);
  if (!/^[a-z][a-z0-9_+-]*$/.test(scheme)) {
    return { ok: false, message: `'${redactSpec(spec)}' is not a provider URI: the scheme must be lowercase letters, digits, '_', '+' or '-'` };
  }
  const parsed = parseProviderUrl(spec);
  if (!parsed.ok) {
    return { ok: false, message: `Invalid provider specification '${redactSpec(spec)}': it does not parse as a URI (a ':' in a host reads as a port; write e.g. 'dotenv:./.env:prod')` };
  }
  if (parsed.url.hasPassword) {
    return { ok: false, message: `provider URI '${redactSpec(spec)}' carries a password. SecretSpec does not accept credentials in URIs; remove it from the URI.` };
  }
  return { ok: true, url: parsed.url };
}
