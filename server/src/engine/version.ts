// Which SecretSpec release the manifest is checked against: the user's own
// CLI's version when one is found, else the newest release this server knows.
// Pure; features newer than the user's release are reported as that release
// would, with a hint that a newer one accepts them.

export interface EngineVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface Engine {
  version: EngineVersion;
  /** Where the version came from: the CLI's absolute path, or undefined for the built-in newest release. */
  cli?: string;
  /** Why no CLI was used. */
  reason?: string;
}

export const NEWEST_KNOWN: EngineVersion = { major: 0, minor: 21, patch: 1 };

export const DEFAULT_ENGINE: Engine = { version: NEWEST_KNOWN };

export function formatVersion(v: EngineVersion): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** `secretspec 0.21.1` (the CLI's `--version`), or a bare version. */
export function parseVersionOutput(text: string): EngineVersion | undefined {
  const m = /(?:^|\s)v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.-]+)?\s*$/m.exec(text.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

function compare(a: EngineVersion, b: EngineVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

/** Format features by the release that introduced them; only those the rules gate are listed. */
export const FEATURE_SINCE = {
  projectDefaults: { major: 0, minor: 21, patch: 0 },
  keyTypes: { major: 0, minor: 21, patch: 0 },
} as const satisfies Record<string, EngineVersion>;

export type Feature = keyof typeof FEATURE_SINCE;

export function supports(v: EngineVersion, feature: Feature): boolean {
  return compare(v, FEATURE_SINCE[feature]) >= 0;
}

/** The sentence added to a problem a newer release would not have. */
export function newerAccepts(v: EngineVersion, feature: Feature): string {
  const since = FEATURE_SINCE[feature];
  return ` (checked as SecretSpec ${formatVersion(v)}, the release you run; SecretSpec ${since.major}.${since.minor} and later accept it)`;
}
