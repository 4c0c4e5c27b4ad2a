import type { TomlPath } from './path';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/**
 * Which part of the node at `path` is to blame. `key` is the key token,
 * `value` the whole value, `entry` key through value. `span` narrows a
 * string value to [start, end) offsets of its decoded content (e.g. one
 * `${REF}` in a template).
 */
export interface Anchor {
  path: TomlPath;
  part: 'key' | 'value' | 'entry';
  span?: { start: number; end: number };
  /** Absolute path of the manifest holding `path`; absent = the document being validated. */
  file?: string;
}

export interface Problem {
  /** Stable kebab-case rule id (diagnostic `code`). */
  code: string;
  severity: Severity;
  /** SecretSpec's own text, optionally followed by one sentence of help. */
  message: string;
  at: Anchor;
  /** What a quick fix needs; never a secret value. */
  data?: Record<string, unknown>;
}
