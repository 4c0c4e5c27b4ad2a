// Problems → LSP diagnostics: each anchor becomes the smallest range the
// source map can give; anything that lives in an `extends` parent is shown
// on the root's `extends` entry that brought that parent in.
import { promises as fs } from 'node:fs';
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import { loadManifest, type LoadResult, type ManifestIO } from '../manifest/load';
import type { SourceMap, Span } from '../manifest/locate';
import { parseFile } from '../manifest/parse';
import type { TomlPath } from '../manifest/path';
import { validate, type RuleEnvironment, type Validation } from '../rules';
import type { Anchor, Problem, Severity } from '../manifest/problem';

export const diskIO: ManifestIO = {
  async readFile(path) {
    try {
      return await fs.readFile(path, 'utf8');
    } catch {
      return undefined;
    }
  },
  realpath: (path) => fs.realpath(path),
};

export interface Analysis {
  load: LoadResult;
  validation: Validation;
  diagnostics: Diagnostic[];
}

export async function analyze(text: string, path: string | null, env: RuleEnvironment, io: ManifestIO = diskIO): Promise<Analysis> {
  const load = await loadManifest(parseFile(text, path), io);
  const validation = validate(load, env);
  return { load, validation, diagnostics: validation.problems.map((p) => toDiagnostic(p, load)) };
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(problem: Problem, load: LoadResult): Diagnostic {
  const map = load.root.map;
  let message = problem.message;
  let span: Span;
  if (problem.at.file && problem.at.file !== load.root.path) {
    const parent = load.files.get(problem.at.file);
    const where = parent ? anchorSpan(parent.map, problem.at) : undefined;
    const pos = parent && where ? parent.map.positionAt(where.start) : undefined;
    message += ` (in ${problem.at.file}${pos ? `:${pos.line + 1}:${pos.character + 1}` : ''})`;
    const entry = load.entryFor.get(problem.at.file);
    span = (entry && anchorSpan(map, { path: entry, part: 'value' })) || firstLine(map);
  } else if (problem.code === 'toml-syntax' && load.root.syntax) {
    span = load.root.syntax.span;
  } else {
    span = anchorSpan(map, problem.at) ?? firstLine(map);
  }
  const diagnostic: Diagnostic = {
    range: toRange(map, span),
    severity: SEVERITY[problem.severity],
    code: problem.code,
    source: 'secretspec',
    message,
  };
  diagnostic.data = { ...(problem.data ?? {}), path: problem.at.path };
  return diagnostic;
}

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

function firstLine(map: SourceMap): Span {
  const text = map.text;
  let start = 0;
  // Skip leading blank and comment lines so the mark lands on content.
  for (;;) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    if (end < 0 || (line.trim() !== '' && !line.trim().startsWith('#'))) {
      return { start, end: start + line.replace(/\r$/, '').length };
    }
    start = end + 1;
  }
}

export function toRange(map: SourceMap, span: Span): Range {
  return { start: map.positionAt(span.start), end: map.positionAt(Math.max(span.start, span.end)) };
}
