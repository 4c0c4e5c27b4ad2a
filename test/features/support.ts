// Shared helpers for the editing-feature suites: a temp workspace, cursor
// markers in fixture text, and applying LSP text edits the way an editor does.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { LspClient, type Diagnostic } from '../support/lspClient';

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface TextEdit {
  range: Range;
  newText: string;
}

export const H = '[project]\nname = "shop"\nrevision = "1.0"\n';

/** Offsets of a position in `text` (UTF-16, like LSP). */
export function offsetOf(text: string, p: Position): number {
  let offset = 0;
  for (let line = 0; line < p.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) return text.length;
    offset = nl + 1;
  }
  return Math.min(offset + p.character, text.length);
}

export function positionOf(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Strip the `|` cursor marker from a fixture; returns the text and the cursor position. */
export function withCursor(marked: string): { text: string; position: Position } {
  const at = marked.indexOf('|');
  if (at < 0) throw new Error('fixture has no | cursor marker');
  const text = marked.slice(0, at) + marked.slice(at + 1);
  return { text, position: positionOf(text, at) };
}

/** Applies non-overlapping edits; returns the new text and the edited ranges as [start, end) offsets in the new text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): { text: string; changed: Array<[number, number]> } {
  const resolved = edits
    .map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < resolved.length; i++) {
    if (resolved[i]!.start < resolved[i - 1]!.end) throw new Error('overlapping edits');
  }
  let out = '';
  let last = 0;
  const changed: Array<[number, number]> = [];
  for (const e of resolved) {
    out += text.slice(last, e.start);
    changed.push([out.length, out.length + e.newText.length]);
    out += e.newText;
    last = e.end;
  }
  return { text: out + text.slice(last), changed };
}

/** Bytes outside the edited ranges must be the original bytes, in order. */
export function untouchedOutside(before: string, edits: readonly TextEdit[]): boolean {
  const resolved = edits.map((e) => [offsetOf(before, e.range.start), offsetOf(before, e.range.end)] as const).sort((a, b) => a[0] - b[0]);
  const { text: after, changed } = applyEdits(before, edits);
  let bi = 0;
  let ai = 0;
  for (let i = 0; i < resolved.length; i++) {
    const [s, e] = resolved[i]!;
    const [cs, ce] = changed[i]!;
    if (before.slice(bi, s) !== after.slice(ai, cs)) return false;
    bi = e;
    ai = ce;
  }
  return before.slice(bi) === after.slice(ai);
}

export class Workspace {
  readonly root = mkdtempSync(join(tmpdir(), 'secretspec-features-'));
  private n = 0;

  /** A fresh directory with `secretspec.toml` (not written to disk unless `files` asks) and extra files. */
  path(files: Record<string, string> = {}): string {
    const dir = join(this.root, `w${++this.n}`);
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
    }
    return join(dir, 'secretspec.toml');
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export async function openAndDiagnose(client: LspClient, path: string, text: string): Promise<{ uri: string; diagnostics: Diagnostic[] }> {
  const uri = client.open(path, text);
  const diagnostics = await client.waitForDiagnostics(uri);
  return { uri, diagnostics };
}

/** Replace the document's text and wait for the diagnostics of that version. */
export async function revalidate(client: LspClient, uri: string, text: string): Promise<Diagnostic[]> {
  client.clearDiagnostics(uri);
  const version = client.change(uri, text);
  return client.waitForDiagnostics(uri, { version });
}

export const ERROR = 1;
