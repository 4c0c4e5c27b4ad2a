// The .env dialect SecretSpec 0.21 reads and writes: a port of dotenv-ng-core
// 1.0.0 (MIT; `parse.rs` and `render.rs`), which the CLI's dotenv provider
// loads with substitution off (`EnvSequence::InputOnly`, default
// `ParseOptions`), so `$HOME` stays literal and a file means the same thing
// to both tools. Parsing also records where each assignment sits in the text,
// so `set`/`delete` can rewrite one assignment and leave comments and order
// alone.

export interface DotenvAssignment {
  key: string;
  value: string;
  /** Offsets of the whole logical line in the text, including its line break. */
  start: number;
  end: number;
  exported: boolean;
  /** A `# comment` that followed the value on the same line, kept on rewrite. */
  trailingComment: string;
}

export type DotenvParse = { ok: true; assignments: DotenvAssignment[] } | { ok: false; line: number; reason: string };

type Style = 'unquoted' | 'single' | 'double';

/** Rust's `char::is_whitespace` minus line breaks (`is_horizontal_whitespace`). */
const isHorizontalWhitespace = (c: string): boolean => c !== '\n' && c !== '\r' && /^\p{White_Space}$/u.test(c);
const isControl = (c: string): boolean => /^\p{Cc}$/u.test(c);

class ParseFailure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

// `push_escape`: what a backslash sequence means in each quoting style; anything else keeps its backslash.
function escape(style: Style, c: string): string {
  if (style === 'double') {
    const named: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
    if (named[c] !== undefined) return named[c];
    return '\\\'"$'.includes(c) ? c : '\\' + c;
  }
  if (style === 'single') return c === '\\' || c === "'" ? c : '\\' + c;
  return '\\\'"$# \t'.includes(c) ? c : '\\' + c;
}

// `Parser::expand` with substitution disabled: escapes decoded, CR and CRLF read as LF.
function expand(raw: string, style: Style): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const c = String.fromCodePoint(raw.codePointAt(i)!);
    i += c.length;
    if (c === '\\') {
      if (i >= raw.length) return out + '\\';
      const next = String.fromCodePoint(raw.codePointAt(i)!);
      i += next.length;
      out += escape(style, next);
    } else if (c === '\r') {
      if (raw[i] === '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

// `trim_unquoted_trailing_whitespace`: an escaped space or tab stays.
function trimUnquoted(value: string): string {
  const chars = [...value];
  let end = chars.length;
  while (end > 0 && isHorizontalWhitespace(chars[end - 1]!)) {
    let backslashes = 0;
    while (end - 2 - backslashes >= 0 && chars[end - 2 - backslashes] === '\\') backslashes++;
    if (backslashes % 2 === 1) break;
    end--;
  }
  return chars.slice(0, end).join('');
}

/** `Parser`, one assignment at a time, keeping offsets into the original text. */
class Parser {
  private pos: number;

  constructor(private readonly text: string) {
    this.pos = text.startsWith('\uFEFF') ? 1 : 0;
  }

  private peek(): string | undefined {
    if (this.pos >= this.text.length) return undefined;
    return String.fromCodePoint(this.text.codePointAt(this.pos)!);
  }

  private advance(): void {
    const c = this.peek();
    if (c !== undefined) this.pos += c.length;
  }

  private skipHorizontalWhitespace(): void {
    for (let c = this.peek(); c !== undefined && isHorizontalWhitespace(c); c = this.peek()) this.advance();
  }

  private consumeNewline(): boolean {
    const c = this.peek();
    if (c === '\r') {
      this.advance();
      if (this.peek() === '\n') this.advance();
      return true;
    }
    if (c === '\n') {
      this.advance();
      return true;
    }
    return false;
  }

  /** Skips a `# …` comment and its line break; returns the comment's text. */
  private skipComment(): string {
    const start = this.pos;
    for (let c = this.peek(); c !== undefined && c !== '\n' && c !== '\r'; c = this.peek()) this.advance();
    const comment = this.text.slice(start, this.pos);
    this.consumeNewline();
    return comment;
  }

  parse(): DotenvAssignment[] {
    const assignments: DotenvAssignment[] = [];
    for (;;) {
      const start = this.pos;
      this.skipHorizontalWhitespace();
      const c = this.peek();
      if (c === undefined) return assignments;
      if (this.consumeNewline()) continue;
      if (c === '#') {
        this.skipComment();
        continue;
      }
      assignments.push({ start, ...this.assignment(), end: this.pos });
    }
  }

  private assignment(): Omit<DotenvAssignment, 'start' | 'end'> {
    const exported = this.exportPrefix();
    const keyStart = this.pos;
    for (let c = this.peek(); c !== undefined; c = this.peek()) {
      if (c === '=' || isHorizontalWhitespace(c) || c === '\n' || c === '\r' || c === '#') break;
      if (isControl(c)) throw new ParseFailure(this.pos, 'the variable name contains a control character');
      this.advance();
    }
    if (this.pos === keyStart) throw new ParseFailure(keyStart, 'expected a variable name');
    const key = this.text.slice(keyStart, this.pos);
    this.skipHorizontalWhitespace();
    if (this.peek() !== '=') throw new ParseFailure(this.pos, 'expected `=` after the variable name');
    this.advance();
    this.skipHorizontalWhitespace();
    const c = this.peek();
    if (c === undefined || c === '\n' || c === '\r') {
      this.consumeNewline();
      return { key, value: '', exported, trailingComment: '' };
    }
    if (c === '#') return { key, value: '', exported, trailingComment: this.skipComment() };
    if (c === "'" || c === '"') return { key, exported, ...this.quoted(c, c === "'" ? 'single' : 'double') };
    return { key, exported, ...this.unquoted() };
  }

  // `consume_export_prefix`: `export` only counts when whitespace follows it.
  private exportPrefix(): boolean {
    if (!this.text.startsWith('export', this.pos)) return false;
    const next = this.text.codePointAt(this.pos + 'export'.length);
    if (next === undefined || !isHorizontalWhitespace(String.fromCodePoint(next))) return false;
    this.pos += 'export'.length;
    this.skipHorizontalWhitespace();
    return true;
  }

  private quoted(quote: string, style: Style): { value: string; trailingComment: string } {
    const quoteAt = this.pos;
    this.advance();
    const valueStart = this.pos;
    let escaped = false;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new ParseFailure(quoteAt, 'a quoted value is never closed');
      if (c === '\n' || c === '\r') {
        escaped = false;
        this.consumeNewline();
        continue;
      }
      if (c === '\0') throw new ParseFailure(this.pos, 'the value contains a NUL character');
      if (c === quote && !escaped) {
        const value = expand(this.text.slice(valueStart, this.pos), style);
        this.advance();
        return { value, trailingComment: this.finishQuoted() };
      }
      escaped = c === '\\' ? !escaped : false;
      this.advance();
    }
  }

  private finishQuoted(): string {
    this.skipHorizontalWhitespace();
    const c = this.peek();
    if (c === undefined) return '';
    if (c === '#') return this.skipComment();
    if (this.consumeNewline()) return '';
    throw new ParseFailure(this.pos, 'only a comment may follow a quoted value');
  }

  private unquoted(): { value: string; trailingComment: string } {
    const valueStart = this.pos;
    let quote: string | undefined;
    let escaped = false;
    let previous: string | undefined;
    for (let c = this.peek(); c !== undefined && c !== '\n' && c !== '\r'; c = this.peek()) {
      if (c === '\0') throw new ParseFailure(this.pos, 'the value contains a NUL character');
      if (quote !== undefined) {
        if (c === quote && !escaped) quote = undefined;
        escaped = c === '\\' ? !escaped : false;
      } else {
        if (c === '#' && (previous === undefined || isHorizontalWhitespace(previous)) && !escaped) break;
        if ((c === "'" || c === '"') && !escaped) quote = c;
        escaped = c === '\\' && !escaped;
      }
      previous = c;
      this.advance();
    }
    const value = expand(trimUnquoted(this.text.slice(valueStart, this.pos)), 'unquoted');
    if (this.peek() === '#') return { value, trailingComment: this.skipComment() };
    this.consumeNewline();
    return { value, trailingComment: '' };
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') line++;
    else if (text[i] === '\r' && text[i + 1] !== '\n') line++;
  }
  return line;
}

export function parseDotenv(text: string): DotenvParse {
  try {
    return { ok: true, assignments: new Parser(text).parse() };
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    // The reason never quotes the text: the offending line may hold a value.
    return { ok: false, line: lineOf(text, error.offset), reason: error.reason };
  }
}

/** `render::validate_key`: a name the format can represent (non-empty; no `=`, `#`, whitespace or control character; no leading BOM). */
export function isDotenvKey(key: string): boolean {
  return key !== '' && !key.startsWith('\uFEFF') && ![...key].some((c) => c === '=' || c === '#' || /^\p{White_Space}$/u.test(c) || isControl(c));
}

// `render::is_unquoted_safe`: a value that reads back unchanged when written bare.
function isUnquotedSafe(value: string): boolean {
  const chars = [...value];
  const first = chars[0];
  if (first === undefined) return true;
  if (first === "'" || first === '"' || first === '#' || first === '\n' || first === '\r' || isHorizontalWhitespace(first)) return false;
  if (isHorizontalWhitespace(chars[chars.length - 1]!)) return false;
  let quote: string | undefined;
  let escaped = false;
  let previous: string | undefined;
  for (const c of chars) {
    if (c === '\0' || c === '\n' || c === '\r') return false;
    if (quote !== undefined) {
      if (c === quote && !escaped) quote = undefined;
      escaped = c === '\\' ? !escaped : false;
    } else {
      if (c === '#' && (previous === undefined || isHorizontalWhitespace(previous)) && !escaped) return false;
      if ((c === "'" || c === '"') && !escaped) quote = c;
      escaped = c === '\\' && !escaped;
    }
    previous = c;
  }
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== '\\') continue;
    const next = chars[++i];
    if (next === undefined) break;
    if ('\\\'"$# \t'.includes(next)) return false;
  }
  return true;
}

const DOUBLE_QUOTED: Record<string, string> = { '\u0007': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"', $: '\\$' };

/**
 * The value as written after `KEY=`, exactly as SecretSpec renders it
 * (`render::render_value`): bare when that reads back unchanged, otherwise
 * double-quoted with escapes. The value must not contain NUL, which no .env
 * can hold.
 */
export function formatDotenvValue(value: string): string {
  return isUnquotedSafe(value) ? value : doubleQuoted(value);
}

function doubleQuoted(value: string): string {
  return '"' + [...value].map((c) => DOUBLE_QUOTED[c] ?? c).join('') + '"';
}

// A comment kept after the value must stay a comment: a bare value that leaves a quote open
// (`it's`) would take the comment into the value, so such a value is double-quoted there.
function formatBeforeComment(value: string): string {
  const bare = formatDotenvValue(value);
  const probe = parseDotenv(`K=${bare} #`);
  return probe.ok && probe.assignments[0]?.value === value ? bare : doubleQuoted(value);
}

function lineBreak(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/**
 * `text` with `key` set to `value`: the first assignment of the key is
 * rewritten in place (keeping `export` and a trailing comment), later
 * duplicates are dropped, and a new key is appended at the end.
 */
export function setDotenvValue(text: string, assignments: readonly DotenvAssignment[], key: string, value: string): string {
  const eol = lineBreak(text);
  const same = assignments.filter((a) => a.key === key);
  if (same.length === 0) {
    const sep = text === '' || text.endsWith('\n') ? '' : eol;
    return `${text}${sep}${key}=${formatDotenvValue(value)}${eol}`;
  }
  let out = '';
  let cursor = 0;
  same.forEach((a, i) => {
    out += text.slice(cursor, a.start);
    if (i === 0) {
      const original = text.slice(a.start, a.end);
      const ending = original.endsWith('\r\n') ? '\r\n' : original.endsWith('\n') ? '\n' : original.endsWith('\r') ? '\r' : '';
      const rendered = a.trailingComment === '' ? formatDotenvValue(value) : `${formatBeforeComment(value)} ${a.trailingComment}`;
      out += `${a.exported ? 'export ' : ''}${key}=${rendered}${ending}`;
    }
    cursor = a.end;
  });
  return out + text.slice(cursor);
}

/** `text` without any assignment of `key`; everything else unchanged. */
export function deleteDotenvValue(text: string, assignments: readonly DotenvAssignment[], key: string): string {
  let out = '';
  let cursor = 0;
  for (const a of assignments) {
    if (a.key !== key) continue;
    out += text.slice(cursor, a.start);
    cursor = a.end;
  }
  return out + text.slice(cursor);
}
