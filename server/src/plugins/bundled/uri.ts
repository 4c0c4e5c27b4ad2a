// Provider URI parsing as SecretSpec does it (providers-and-check.md A.3–A.5),
// kept local so the bundled providers read a URI exactly like the CLI would.

export interface ProviderUri {
  scheme: string;
  /** Percent-decoded authority; '' when absent. */
  host: string;
  /** Percent-decoded path; '' when absent. */
  path: string;
  username: string;
  /** True when the URI has a `?`, even an empty one. */
  hasQuery: boolean;
  query: URLSearchParams;
}

export type ParsedUri = { ok: true; uri: ProviderUri } | { ok: false; message: string };

// A.4: what the factory encodes before handing the string to the URL parser,
// and what a provider re-encodes when it rebuilds its `uri()` (`extra` adds
// the characters a query value also escapes).
export function preEncode(text: string, extra = ''): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code <= 0x20 || code === 0x7f || code > 0x7f || '<>[]|^\\'.includes(ch) || extra.includes(ch)) {
      for (const byte of new TextEncoder().encode(ch)) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    } else {
      out += ch;
    }
  }
  return out;
}

/** Lossy percent-decoding like Rust's `percent_decode_str`: a bad escape stays as written. */
export function percentDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; ) {
    if (text[i] === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const code = text.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      bytes.push(...new TextEncoder().encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** Display form for messages: no userinfo, nothing from `?` or `#` on (A.5). */
export function redactUri(spec: string): string {
  const cut = spec.search(/[?#]/);
  let head = cut === -1 ? spec : spec.slice(0, cut);
  const afterScheme = head.indexOf('//');
  const start = afterScheme === -1 ? head.indexOf(':') + 1 : afterScheme + 2;
  const slash = head.indexOf('/', start);
  const authorityEnd = slash === -1 ? head.length : slash;
  const at = head.lastIndexOf('@', authorityEnd - 1);
  if (at >= start) head = head.slice(0, start) + head.slice(at + 1);
  return head;
}

function rewrite(scheme: string, rest: string): string {
  const drive = rest.replace(/^\/+/, '');
  if (/^[A-Za-z]:[\\/]/.test(drive)) {
    return scheme === 'file'
      ? `file:///${drive.replace(/\\/g, '/')}`
      : `${scheme}://${encodeURIComponent(drive)}`;
  }
  if (rest === '' || rest === ':') return `${scheme}://`;
  if (rest.startsWith('//')) return `${scheme}:${rest}`;
  return `${scheme}://${rest}`;
}

export function parseProviderUri(spec: string): ParsedUri {
  const colon = spec.indexOf(':');
  const scheme = colon === -1 ? spec : spec.slice(0, colon);
  const rest = colon === -1 ? '' : spec.slice(colon + 1);
  if (!/^[a-z][a-z0-9_+-]*$/.test(scheme)) {
    return { ok: false, message: `'${redactUri(spec)}' is not a provider URI: the scheme must be lowercase letters, digits, '_', '+' or '-'` };
  }
  const rewritten = rewrite(scheme, rest);
  const prefix = `${scheme}://`;
  const encoded = rewritten.startsWith(prefix) ? prefix + preEncode(rewritten.slice(prefix.length)) : rewritten;
  let url: URL;
  try {
    url = new URL(encoded);
  } catch {
    return { ok: false, message: `Invalid provider specification '${redactUri(spec)}': it does not parse as a URI (a ':' in a host reads as a port; write e.g. 'dotenv:./.env:prod')` };
  }
  if (url.password !== '') {
    return { ok: false, message: `provider URI '${redactUri(spec)}' carries a password. SecretSpec does not accept credentials in URIs; remove it from the URI.` };
  }
  const hashAt = encoded.indexOf('#');
  const beforeFragment = hashAt === -1 ? encoded : encoded.slice(0, hashAt);
  return {
    ok: true,
    uri: {
      scheme,
      host: percentDecode(url.hostname),
      path: percentDecode(url.pathname),
      username: percentDecode(url.username),
      hasQuery: beforeFragment.includes('?'),
      query: url.searchParams,
    },
  };
}

/** A.3 "first match; empty = absent" query lookup. */
export function queryValue(uri: ProviderUri, name: string): string | undefined {
  const value = uri.query.get(name);
  return value === null || value === '' ? undefined : value;
}

/** `~` and `~/…` expand to the home directory, like SecretSpec's `expand_tilde`. */
export function expandTilde(path: string, home: string | undefined): string {
  if (home === undefined || home === '') return path;
  if (path === '~') return home;
  if (path.startsWith('~/')) return home + path.slice(1);
  return path;
}
