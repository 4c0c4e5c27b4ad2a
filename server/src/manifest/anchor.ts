// Where a Problem's anchor lands in the text: the smallest span the source
// map can give for a path and part, falling back to the nearest written
// ancestor. Pure over a SourceMap; diagnostics, presence warnings and the
// outline all place their marks with it.
import type { SourceMap, Span } from './locate';
import type { TomlPath } from './path';
import type { Anchor } from './problem';

/** The smallest span for an anchor; falls back to the nearest written ancestor. */
export function anchorSpan(map: SourceMap, at: Anchor): Span | undefined {
  let path: TomlPath = at.path;
  let exact = true;
  while (path.length) {
    const node = map.get(path);
    if (node) {
      if (!exact) return at.part === 'value' ? (node.value ?? node.key) : (node.key ?? node.header ?? node.value);
      return partSpan(map, path, at);
    }
    path = path.slice(0, -1);
    exact = false;
  }
  return undefined;
}

function partSpan(map: SourceMap, path: TomlPath, at: Anchor): Span | undefined {
  const node = map.get(path)!;
  const key = node.key;
  const value = node.header ?? node.value;
  if (at.span && node.value) {
    const layout = map.stringLayout(path);
    if (layout?.verbatim) return { start: layout.contentStart + at.span.start, end: layout.contentStart + at.span.end };
    return node.value;
  }
  if (at.part === 'key') return key ?? value;
  if (at.part === 'value') return value ?? key;
  if (key && node.value && !node.header) return { start: key.start, end: node.value.end };
  return value ?? key;
}

/** The first line with content (blank and comment lines skipped), where a problem with no better place is shown. */
export function firstLine(map: SourceMap): Span {
  const text = map.text;
  let start = 0;
  for (;;) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    if (end < 0 || (line.trim() !== '' && !line.trim().startsWith('#'))) {
      return { start, end: start + line.replace(/\r$/, '').length };
    }
    start = end + 1;
  }
}
