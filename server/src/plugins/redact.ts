// Scrubs secret values out of text bound for the log or an error message.
// Plugins are told never to print values, but the host does not rely on it:
// every value it has sent or received is remembered here and replaced
// wherever it shows up, together with credentials written into URIs.

const MASK = '‹redacted›';
/** Values shorter than this would mangle ordinary text if replaced anywhere; they are replaced only as whole tokens. */
const SHORT_VALUE = 4;
/** Lines of a multi-line value at least this long are also remembered: a plugin that prints the value prints it line by line. */
const VALUE_LINE = 8;
/** Upper bound on remembered values, so a long-running server does not grow without limit. */
const MAX_REMEMBERED = 4096;

const URI_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*):([^\s/?#@]*)@/gi;
const URI_CREDENTIAL_QUERY = /([?&](?:password|passwd|pass|secret|token|access_token|api[_-]?key|key|credentials?)=)[^&\s#"']*/gi;

export function scrubUriCredentials(text: string): string {
  return text.replace(URI_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`).replace(URI_CREDENTIAL_QUERY, `$1${MASK}`);
}

function decodeOrSelf(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly values = new Set<string>();

  /** Remembers a secret value (its JSON-escaped form, as it travels on the wire, and each line of a multi-line value) for scrubbing. */
  remember(value: string): void {
    if (value === '') return;
    const lines = value.includes('\n') ? value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length >= VALUE_LINE) : [];
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1), ...lines])) {
      this.values.delete(form);
      this.values.add(form);
    }
    while (this.values.size > MAX_REMEMBERED) {
      const oldest = this.values.values().next().value as string;
      this.values.delete(oldest);
    }
  }

  /**
   * Remembers the credentials a provider URI carries (a userinfo password,
   * credential-named query values), so a plugin that echoes one bare in an
   * error message or on stderr is scrubbed too, not only the URI form.
   */
  rememberUriCredentials(uri: string): void {
    for (const m of uri.matchAll(URI_USERINFO)) this.remember(decodeOrSelf(m[3]!));
    for (const m of uri.matchAll(URI_CREDENTIAL_QUERY)) {
      const value = m[0].slice(m[1]!.length);
      if (value !== '') this.remember(decodeOrSelf(value));
    }
  }

  /**
   * A value read only to learn presence is never kept anywhere else, but its
   * plugin may print it to stderr at any later time (or another plugin may
   * echo it), so it stays scrubbable for as long as this host lives, like a
   * value that was read.
   */
  rememberPresenceValue(value: string): void {
    this.remember(value);
  }

  scrub(text: string): string {
    let out = scrubUriCredentials(text);
    // Longest first, so a value that contains another is masked whole.
    const values = [...this.values].sort((a, b) => b.length - a.length);
    for (const v of values) {
      if (v.length >= SHORT_VALUE) out = out.split(v).join(MASK);
      else out = out.replace(new RegExp(`(?<![A-Za-z0-9_])${escapeRegExp(v)}(?![A-Za-z0-9_])`, 'g'), MASK);
    }
    return out;
  }
}
