// The user's SecretSpec config (`config.toml`) → what the CLI reads out of it
// (config.rs `GlobalConfig`, `GlobalDefaults`): the default provider and
// profile and the `[defaults.providers]` aliases, with every problem serde
// would raise (Error) and every key it silently ignores (Information). Like
// the manifest reader, it collects all problems and keeps whatever it could
// read. Pure.
import type { AliasModel, Sourced } from '../manifest/model';
import { parseFile, type ParsedFile, type TomlTable } from '../manifest/parse';
import type { TomlPath } from '../manifest/path';
import { describeUnexpected, isTable, readAliasTable } from '../manifest/read';
import { suggest } from '../manifest/suggest';
import type { Problem } from '../manifest/problem';

export interface UserConfig {
  /** Absolute path of the file. */
  path: string;
  parsed: ParsedFile;
  /** `[defaults] provider`: where secrets without a `providers` chain go. */
  provider?: Sourced<string>;
  /** `[defaults] profile`: the profile used when none is chosen. */
  profile?: Sourced<string>;
  /** `[defaults.providers]`; origins point into this file. A project alias of the same name wins. */
  aliases: Map<string, AliasModel>;
  problems: Problem[];
}

const ROOT_KEYS = ['defaults', 'audit'];
const DEFAULTS_KEYS = ['provider', 'profile', 'providers'];
const AUDIT_KEYS = ['enabled', 'path', 'max_size_bytes'];

export function parseUserConfig(text: string, path: string): UserConfig {
  const parsed = parseFile(text, path);
  const config: UserConfig = { path, parsed, aliases: new Map(), problems: [] };
  const problems = config.problems;
  const at = (p: TomlPath, part: 'key' | 'value' | 'entry') => ({ path: p, part, file: path });
  const error = (code: string, message: string, p: TomlPath, part: 'key' | 'value' = 'value', data?: Record<string, unknown>) =>
    problems.push({ code, severity: 'error', message, at: at(p, part), ...(data ? { data } : {}) });
  const invalidType = (value: unknown, expected: string, p: TomlPath) =>
    error('invalid-type', `invalid type: ${describeUnexpected(parsed, value, p)}, expected ${expected}`, p, 'value', { expected });
  // GlobalConfig and its tables do not deny unknown fields: serde drops them without a word.
  const ignored = (key: string, where: string, known: readonly string[], p: TomlPath) => {
    const s = suggest(key, known);
    problems.push({
      code: 'ignored-key',
      severity: 'information',
      message: `SecretSpec ignores \`${key}\` in ${where}${s ? `; did you mean \`${s}\`?` : '.'}`,
      at: at(p, 'key'),
      data: { key, ...(s ? { suggestion: s } : {}) },
    });
  };
  const string = (table: TomlTable, key: string, p: TomlPath): Sourced<string> | undefined => {
    const v = table[key];
    if (typeof v === 'string') return { value: v, at: { file: path, path: [...p, key] } };
    invalidType(v, 'a string', [...p, key]);
    return undefined;
  };

  if (parsed.syntax) {
    problems.push({ code: 'toml-syntax', severity: 'error', message: parsed.syntax.message, at: at([], 'entry') });
    return config;
  }
  const root = parsed.value ?? {};
  for (const key of Object.keys(root)) {
    if (!ROOT_KEYS.includes(key)) ignored(key, 'the user config', ROOT_KEYS, [key]);
  }

  const defaults = root['defaults'];
  if (defaults !== undefined && !isTable(defaults)) invalidType(defaults, 'struct GlobalDefaults', ['defaults']);
  else if (defaults) {
    for (const key of Object.keys(defaults)) {
      const p = ['defaults', key];
      if (key === 'provider' || key === 'profile') {
        const v = string(defaults, key, ['defaults']);
        if (v) config[key] = v;
      } else if (key === 'providers') {
        const table = defaults[key];
        if (!isTable(table)) invalidType(table, 'a map', p);
        else {
          const read = readAliasTable(parsed, path, table, p);
          config.aliases = read.aliases;
          problems.push(...read.problems);
        }
      } else ignored(key, '[defaults]', DEFAULTS_KEYS, p);
    }
  }

  const audit = root['audit'];
  if (audit !== undefined && !isTable(audit)) invalidType(audit, 'struct AuditConfig', ['audit']);
  else if (audit) {
    for (const [key, v] of Object.entries(audit)) {
      const p = ['audit', key];
      if (key === 'enabled') {
        if (typeof v !== 'boolean') invalidType(v, 'a boolean', p);
      } else if (key === 'path') {
        if (typeof v !== 'string') invalidType(v, 'path string', p);
      } else if (key === 'max_size_bytes') {
        const integer = typeof v === 'bigint' || (typeof v === 'number' && !describeUnexpected(parsed, v, p).startsWith('floating'));
        if (!integer) invalidType(v, 'u64', p);
        else if (Number(v) < 0) error('invalid-value', `invalid value: integer \`${String(v)}\`, expected u64`, p);
      } else ignored(key, '[audit]', AUDIT_KEYS, p);
    }
  }
  return config;
}
