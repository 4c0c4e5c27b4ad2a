// The environment a SecretSpec 0.21 endpoint is started with (provider/
// external.rs `endpoint_environment`): a fixed base set that lets a process
// find programs, locale, temporary and user directories, proxies,
// certificates and desktop or agent sessions, plus the names its claim lists
// in `environment`. Anything else, such as another provider's token in the
// editor's environment, never reaches it. Pure.

/** SecretSpec 0.21.1's BASE_ENDPOINT_ENVIRONMENT, in its order; `*` ends a prefix. */
export const BASE_ENDPOINT_ENVIRONMENT: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'TMPDIR',
  'XDG_*',
  'SSH_AUTH_SOCK',
  'DBUS_SESSION_BUS_ADDRESS',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'COMSPEC',
  'PATHEXT',
  'USERPROFILE',
  'USERNAME',
  'HOMEDRIVE',
  'HOMEPATH',
  'APPDATA',
  'LOCALAPPDATA',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'TEMP',
  'TMP',
];

/** Why a claim's `environment` entry is unusable, or undefined: a variable name, or a prefix ending in `*`. */
export function environmentPatternProblem(pattern: string): string | undefined {
  const name = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  return name === '' || /[=*\0\s]/.test(name) ? 'provider environment entries must be variable names or name prefixes ending in \'*\'' : undefined;
}

function matches(pattern: string, name: string, platform: NodeJS.Platform): boolean {
  // Windows variable names are case-insensitive.
  const [p, n] = platform === 'win32' ? [pattern.toUpperCase(), name.toUpperCase()] : [pattern, name];
  return p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : n === p;
}

/** `parent` filtered to the base set and the claim's own `extra` entries. */
export function endpointEnvironment(parent: NodeJS.ProcessEnv, extra: readonly string[], platform: NodeJS.Platform = process.platform): Record<string, string> {
  const patterns = [...BASE_ENDPOINT_ENVIRONMENT, ...extra];
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value !== undefined && patterns.some((p) => matches(p, name, platform))) out[name] = value;
  }
  return out;
}
