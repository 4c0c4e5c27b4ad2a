// TOML text → values (smol-toml) + a lazily built source map + the syntax error, if any.
import { parse as parseToml, TomlError } from 'smol-toml';
import { SourceMap, type Span } from './locate';

export type TomlTable = { [key: string]: unknown };

export interface SyntaxProblem {
  message: string;
  span: Span;
}

export interface ParsedFile {
  /** Absolute path; null for an unsaved document. */
  path: string | null;
  text: string;
  map: SourceMap;
  /** Undefined when the text is not valid TOML. */
  value?: TomlTable;
  syntax?: SyntaxProblem;
}

export function parseFile(text: string, path: string | null): ParsedFile {
  const map = new SourceMap(text);
  try {
    return { path, text, map, value: parseToml(text) as TomlTable };
  } catch (err) {
    return { path, text, map, syntax: syntaxProblem(err, map, text) };
  }
}

function syntaxProblem(err: unknown, map: SourceMap, text: string): SyntaxProblem {
  if (!(err instanceof TomlError)) {
    return { message: `TOML parsing error: ${err instanceof Error ? err.message : String(err)}`, span: { start: 0, end: 0 } };
  }
  const first = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
  const start = map.offsetAt(err.line - 1, err.column - 1);
  let end = start;
  while (end < text.length && !/[\s=,\]}[{]/.test(text[end]!)) end++;
  if (end === start && start < text.length && text[start] !== '\n' && text[start] !== '\r') end = start + 1;
  return { message: `TOML parsing error: ${first}`, span: { start, end } };
}
