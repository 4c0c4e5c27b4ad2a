// `textDocument/formatting` for secretspec.toml. The language id `secretspec`
// keeps TOML formatters away from the file, so the server formats it itself,
// with dprint's TOML plugin (taplo's parser, as WebAssembly: dist/plugin.wasm):
// spacing and indentation only, never key order, quotes that would change a
// value, or comments. Every result is checked before it is offered: the same
// values and the same comments, else the document is left as it is.
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { createFromBuffer, type Formatter } from '@dprint/formatter';
import { getPath } from '@dprint/toml';
import { parse } from 'smol-toml';
import type { FormattingOptions, TextEdit } from 'vscode-languageserver/node';
import type { ServerContext } from '../context';
import { isManifestUri } from '../manifest/documents';

let formatter: Formatter | undefined;

/** The WebAssembly module is compiled on the first format, not at start-up: most sessions never format. */
function dprint(): Formatter {
  formatter ??= createFromBuffer(readFileSync(getPath()));
  return formatter;
}

/**
 * The `#` comments of a TOML text, in order, each without its trailing
 * whitespace; a `#` inside a string is not one. Only read on text that parses.
 */
export function tomlComments(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '#') {
      const end = text.indexOf('\n', i);
      out.push(text.slice(i, end < 0 ? text.length : end).trimEnd());
      i = end < 0 ? text.length : end;
    } else if (c === '"' || c === "'") {
      const delimiter = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
      i += delimiter.length;
      while (i < text.length && !text.startsWith(delimiter, i)) i += c === '"' && text[i] === '\\' ? 2 : 1;
      // A closing `"""` may be followed by up to two more quotes that belong to the string.
      while (delimiter.length === 3 && text.startsWith(delimiter + c, i)) i++;
      i += delimiter.length;
    } else {
      i++;
    }
  }
  return out;
}

function values(text: string): unknown {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

type Indent = Pick<FormattingOptions, 'tabSize' | 'insertSpaces'>;

/** dprint's formatting of a TOML text, unchecked; throws on text it cannot parse. */
export function formatToml(text: string, options: Indent): string {
  return dprint().formatText({
    filePath: 'secretspec.toml',
    fileText: text,
    overrideConfig: {
      indentWidth: options.tabSize,
      useTabs: !options.insertSpaces,
      newLineKind: 'auto',
      // Long inline tables stay on their line: wrapping arrays inside `{ }` is valid but unreadable.
      lineWidth: 10_000,
      'cargo.applyConventions': false,
      // `#:schema …` is a directive editors read; `# :schema` would not be one.
      'comment.forceLeadingSpace': false,
    },
  });
}

/**
 * The formatted text, or undefined when there is nothing to change or the
 * text does not parse (a formatter must not guess at broken TOML), and when
 * the result would read differently: other values or fewer comments.
 */
export function formatManifest(text: string, options: Indent): string | undefined {
  const before = values(text);
  if (before === undefined) return undefined;
  let formatted: string;
  try {
    formatted = formatToml(text, options);
  } catch {
    return undefined;
  }
  if (formatted === text) return undefined;
  if (!isDeepStrictEqual(values(formatted), before) || !isDeepStrictEqual(tomlComments(formatted), tomlComments(text))) return undefined;
  return formatted;
}

export function registerFormatting(ctx: ServerContext): void {
  ctx.connection.onDocumentFormatting((params): TextEdit[] => {
    const document = ctx.documents.get(params.textDocument.uri);
    if (!document || !isManifestUri(document.uri)) return [];
    const text = document.getText();
    const formatted = formatManifest(text, params.options);
    if (formatted === undefined) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: document.positionAt(text.length) }, newText: formatted }];
  });
}
