// Problems → LSP diagnostics: each anchor becomes the smallest range the
// source map can give; anything that lives in an `extends` parent is shown
// on the root's `extends` entry that brought that parent in.
import { DiagnosticSeverity, type Diagnostic, type Range } from 'vscode-languageserver/node';
import { anchorSpan, firstLine } from '../manifest/anchor';
import type { Analysis } from '../manifest/analysis';
import type { LoadResult } from '../manifest/load';
import type { SourceMap, Span } from '../manifest/locate';
import type { Problem, Severity } from '../manifest/problem';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** An analysis's problems as the editor shows them. */
export function diagnosticsOf(analysis: Analysis): Diagnostic[] {
  return analysis.validation.problems.map((p) => toDiagnostic(p, analysis.load));
}

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

export function toRange(map: SourceMap, span: Span): Range {
  return { start: map.positionAt(span.start), end: map.positionAt(Math.max(span.start, span.end)) };
}
