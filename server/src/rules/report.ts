import type { Origin } from '../manifest/model';
import type { PathSegment } from '../manifest/path';
import type { Anchor, Problem, Severity } from '../manifest/problem';

/** Collects problems; turns model origins into anchors. */
export class Reporter {
  readonly problems: Problem[] = [];

  add(
    severity: Severity,
    code: string,
    message: string,
    at: Origin,
    part: Anchor['part'] = 'key',
    extra: { data?: Record<string, unknown>; span?: Anchor['span']; sub?: readonly PathSegment[] } = {},
  ): void {
    const anchor: Anchor = { path: extra.sub ? [...at.path, ...extra.sub] : at.path, part };
    if (at.file) anchor.file = at.file;
    if (extra.span) anchor.span = extra.span;
    this.problems.push({ code, severity, message, at: anchor, ...(extra.data ? { data: extra.data } : {}) });
  }

  error(code: string, message: string, at: Origin, part: Anchor['part'] = 'key', extra: Parameters<Reporter['add']>[5] = {}): void {
    this.add('error', code, message, at, part, extra);
  }

  warning(code: string, message: string, at: Origin, part: Anchor['part'] = 'key', extra: Parameters<Reporter['add']>[5] = {}): void {
    this.add('warning', code, message, at, part, extra);
  }

  info(code: string, message: string, at: Origin, part: Anchor['part'] = 'key', extra: Parameters<Reporter['add']>[5] = {}): void {
    this.add('information', code, message, at, part, extra);
  }
}
