// `file`: one plaintext file per secret at ROOT/{project}/{profile}/{key}
// (A.7, §E); the root is a directory path the URI must name.
import * as path from 'node:path';
import { comparablePath, defineScheme, expandTilde, rustJoin } from '../scheme';
import { authorityOf, percentDecode, readProviderUri, type ProviderUrl } from '../uri';

export const FILE_WITHOUT_PATH_MESSAGE =
  "file provider requires an explicit relative or absolute directory path (for example, 'file:./.secrets' or 'file:///run/secrets')";

/** Whether a `file` spec names no directory at all (`file`, `file:`, `file://`). */
export function fileWithoutPath(spec: string): boolean {
  return spec === 'file' || spec === 'file:' || spec === 'file://';
}

/** The directory the URI writes: `./x` keeps its case in the path, anything else starts in the host. */
function written(url: Pick<ProviderUrl, 'host' | 'path'>): string {
  return url.path !== '' ? (url.host === '.' ? url.path.replace(/^\/+/, '') : url.host + url.path) : url.host;
}

/** The store root a `file:` URI names, absolute; or the reason it names none. */
export function fileRoot(spec: string, configFile: string | null, env: NodeJS.ProcessEnv, cwd: string): { ok: true; root: string } | { ok: false; message: string } {
  if (fileWithoutPath(spec)) return { ok: false, message: FILE_WITHOUT_PATH_MESSAGE };
  const parsed = readProviderUri(spec);
  return parsed.ok ? rootOf(parsed.url, configFile ? path.dirname(configFile) : cwd, env.HOME) : parsed;
}

function rootOf(url: ProviderUrl, baseDir: string, home: string | undefined): { ok: true; root: string } | { ok: false; message: string } {
  if (url.username !== '' || url.hasQuery) {
    return { ok: false, message: 'file provider URIs take only a directory path; user information and query options are not supported' };
  }
  const dir = written(url);
  if (dir === '' && url.path === '') return { ok: false, message: FILE_WITHOUT_PATH_MESSAGE };
  return { ok: true, root: path.resolve(baseDir, expandTilde(dir === '' ? '.' : dir, home)) };
}

// The `url` crate's path-segment set, for `Url::from_file_path`.
const PATH_SEGMENT_EXTRA = ' "#<>?`{}/%';

/** `Url::from_file_path`: path components (so `.` and empty segments drop out, `..` stays), each encoded. */
function fileUrl(absolute: string): string {
  const segments = absolute.split('/').filter((s) => s !== '' && s !== '.');
  return `file:///${segments.map(encodeSegment).join('/')}`;
}

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

export const file = defineScheme('file', {
  shapes: { file: { shape: 'file:ROOT', snippet: 'file:${1:./.secrets}' } },
  deletes: true,
  pathInAuthority: true,
  // A `file` URL cannot carry userinfo at all (WHATWG fails the parse), so only the query is left to refuse.
  grammar(url, issues, { rest, urlText }) {
    if (url.hasQuery) {
      issues.add('file-uri-options-not-supported', 'file provider URIs take only a directory path; user information and query options are not supported');
      return;
    }
    const writtenHost = percentDecode(authorityOf(urlText));
    if (writtenHost !== writtenHost.toLowerCase() && writtenHost.toLowerCase() === url.host) {
      const uriForm = rest.startsWith('//');
      const fixed = `file:${uriForm ? '//' : ''}./${uriForm ? rest.slice(2) : rest}`;
      issues.add(
        'file-host-lowercased',
        `'${issues.shown}' names the directory '${url.host}': the file scheme lowercases the first path segment because it is the URI host. Write '${fixed}' to keep its case.`,
        issues.replacement(fixed),
        'information',
      );
    }
  },
  identity: (url) => `file:${comparablePath(url.host + url.path)}`,
  address: (url, at) => `file \`${(url.host + url.path).replace(/\/$/, '')}/${at.project}/${at.profile}/${at.key}\``,
  target(url, at, base, spec) {
    const root = fileWithoutPath(spec) ? undefined : rootOf(url, base.configFile ? path.dirname(base.configFile) : base.baseDir, base.home);
    return root?.ok ? `file ${path.join(root.root, at.project, at.profile, at.key)}` : undefined;
  },
  canonical(url, spec, base) {
    if (fileWithoutPath(spec)) return undefined;
    const dir = written(url);
    return dir === '' ? undefined : fileUrl(rustJoin(base.baseDir, expandTilde(dir, base.home)));
  },
});
