// TOML text → values (smol-toml) + a lazily built source map + the syntax error, if any.
import { parse as parseToml, TomlError } from 'smol-toml';
import type { ChunkedParser } from './chunks';
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
  /**
   * Parsed incrementally: the values of what an edit did not touch are the
   * very objects of the last parse, so what was read from them still holds.
   */
  reused?: boolean;
  syntax?: SyntaxProblem;
}

/** `parser` is the document's incremental parser, when the same document is parsed again and again. */
export function parseFile(text: string, path: string | null, parser?: ChunkedParser): ParsedFile {
  const map = new SourceMap(text);
  try {
    if (!parser) return { path, text, map, value: parseToml(text) as TomlTable };
    const reused = parser.incremental;
    return { path, text, map, value: parser.parse(text), ...(reused ? { reused } : {}) };
  } catch (err) {
    return { path, text, map, syntax: syntaxProblem(err, text) };
  }
}

function syntaxProblem(err: unknown, text: string): SyntaxProblem {
  if (!(err instanceof TomlError)) {
    return { message: `TOML parsing error: ${err instanceof Error ? err.message : String(err)}`, span: { start: 0, end: 0 } };
  }
  const first = err.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
  const start = tomlErrorOffset(text, err.line, err.column);
  let end = start;
  while (end < text.length && !/[\s=,\]}[{]/.test(text[end]!)) end++;
  if (end === start && start < text.length && text[start] !== '\n' && text[start] !== '\r') end = start + 1;
  return { message: `TOML parsing error: ${first}`, span: { start, end } };
}

/** smol-toml counts lines by LF alone (a lone CR ends none), unlike editor positions, so its line/column is resolved here. */
function tomlErrorOffset(text: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const lf = text.indexOf('\n', start);
    if (lf < 0) return text.length;
    start = lf + 1;
  }
  const lf = text.indexOf('\n', start);
  return Math.min(start + Math.max(0, column - 1), lf < 0 ? text.length : lf);
}
