// The CLI's stderr is untrusted text: provider CLIs it runs may print
// anything there, values included. Pure functions that keep at most one
// redacted line of it: the cause of SecretSpec's own error report (miette's
// `Error: × <context>` followed by `├─▶`/`╰─▶` causes), never the free-form
// lines around it, with anything that looks like a credential masked.
import type { ErrorKind } from '../../../protocol/src';
import { scrubUriCredentials } from '../plugins/redact';

export const MASK = '‹redacted›';
/** Longest reason kept; the rest of a cause is never shown. */
const MAX_REASON_CHARS = 240;

/** The kinds a failed CLI run is reported with. */
export type CliFailureKind = Extract<ErrorKind, 'timeout' | 'auth_failed' | 'unavailable' | 'invalid_response' | 'internal'>;

// ANSI escapes (colour, cursor) and other control characters a terminal would interpret.
const CONTROL = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Shapes of well-known credentials (cloud keys, tokens, private keys, JWTs,
 * age identities). Masked wherever they appear.
 */
const KNOWN_SHAPES: readonly RegExp[] = [
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  /AGE-SECRET-KEY-1[0-9A-Z]+/gi,
  /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/g,
  /\b(?:sk|rk|pk)[-_](?:live|test|proj)?[-_]?[A-Za-z0-9_-]{16,}/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
  /\bAIza[0-9A-Za-z_-]{30,}/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
  /\bops_[A-Za-z0-9_-]{20,}/g,
];

/**
 * `password=…`, `TOKEN = "…"`, `"api_key": "…"`: the name stays, the value is
 * masked. Only `=` and quoted JSON keys count as assignments: a colon in prose
 * (`Failed to set secret: …`) introduces a cause, not a value.
 */
const CREDENTIAL_NAME = String.raw`(?:[A-Za-z0-9]+[_-])*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|client[_-]?secret|credentials?|session|auth(?:orization)?|cookie)[A-Za-z0-9_-]*`;
const ASSIGNED_CREDENTIAL = new RegExp(String.raw`\b(${CREDENTIAL_NAME})(\s*=\s*)(?:"[^"]*"|'[^']*'|[^\s"',;)]+)`, 'gi');
const JSON_CREDENTIAL = new RegExp(String.raw`("${CREDENTIAL_NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi');

/** Runs of token characters; '/'-separated runs are judged segment by segment, so paths stay readable. */
const TOKENISH = /[A-Za-z0-9+/=_-]{16,}/g;

const charClass = (c: string) => (c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : c >= '0' && c <= '9' ? 3 : 0);

/**
 * Random-looking: long hex, a long word-piece mixing letters and digits, or
 * a run that switches between lower case, upper case and digits as often as
 * random text does. Names built from words (`secretspec-vscode`, a temporary
 * folder's `…-AbC123`, `ProviderOperationFailed`) do not.
 */
function looksOpaque(segment: string): boolean {
  if (segment.length < 16) return false;
  if (/^[0-9a-f]{32,}$/i.test(segment)) return true;
  if (segment.split(/[-_+=.]/).some((piece) => piece.length >= 16 && /[0-9]/.test(piece) && /[A-Za-z]/.test(piece))) return true;
  if (segment.length < 20) return false;
  let switches = 0;
  for (let i = 1; i < segment.length; i++) {
    const a = charClass(segment[i - 1]!);
    const b = charClass(segment[i]!);
    if (a && b && a !== b) switches++;
  }
  return switches / segment.length >= 0.3;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A value as it may be printed: whole, JSON-escaped, or one of its lines;
 * whitespace inside it matched loosely, since miette re-wraps long lines.
 * Short forms only as whole words, so ordinary text is not shredded.
 */
function valuePatterns(value: string): RegExp[] {
  const forms = new Set([value, JSON.stringify(value).slice(1, -1), ...value.split(/\r?\n/)].map((f) => f.trim()).filter((f) => f !== ''));
  return [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => {
      const body = form.split(/\s+/).map(escapeRegExp).join('\\s+');
      return new RegExp(form.length >= 4 ? body : `(?<![A-Za-z0-9_])${body}(?![A-Za-z0-9_])`, 'g');
    });
}

/** Masks what looks like a credential in one piece of untrusted text, after `known` (values this run handled). */
export function redactUntrusted(text: string, known: readonly string[] = []): string {
  let out = text.replace(CONTROL, ' ');
  // Longest first, so a value containing another is masked whole.
  for (const value of [...known].sort((a, b) => b.length - a.length)) for (const pattern of valuePatterns(value)) out = out.replace(pattern, MASK);
  out = scrubUriCredentials(out);
  for (const shape of KNOWN_SHAPES) out = out.replace(shape, MASK);
  out = out.replace(ASSIGNED_CREDENTIAL, `$1$2${MASK}`).replace(JSON_CREDENTIAL, `$1"${MASK}"`);
  out = out.replace(TOKENISH, (run) => (run.split('/').some(looksOpaque) ? MASK : run));
  return out;
}

/** Drops miette's drawing (box characters, code-snippet gutters) from one line of a cause. */
function causeText(lines: readonly string[]): string {
  const kept: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/^[\s│]*/, '');
    // Source snippets (`1 | garbage = [`, `  |     ^`) and the help/labels miette adds are presentation, not the cause.
    if (/^(?:\d+\s*)?[|·]/.test(line) || /^[\^~-]+\s*$/.test(line) || line === '') continue;
    kept.push(line);
  }
  return kept.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * SecretSpec's own error report from a run's stderr, as one line:
 * `<context>: <root cause>` (e.g. `Failed to resolve secrets: Provider
 * operation failed: …`). Undefined when stderr holds no such report; the
 * free-form lines (warnings, provider CLI chatter) are never used.
 */
export function cliErrorReason(stderr: string, known: readonly string[] = []): string | undefined {
  const lines = stderr.replace(CONTROL, ' ').split(/\r?\n/);
  const start = lines.findIndex((l) => /^\s*Error:/.test(l));
  if (start < 0) return undefined;
  const head = lines[start]!.replace(/^\s*Error:\s*(?:×\s*)?/, '');
  const blocks: string[][] = [[head]];
  for (const line of lines.slice(start + 1)) {
    const m = /^\s*(?:├─▶|╰─▶)\s?(.*)$/.exec(line);
    if (m) blocks.push([m[1]!]);
    else if (/^\s*(?:help|Error):/.test(line)) break;
    else blocks[blocks.length - 1]!.push(line);
  }
  const context = causeText(blocks[0]!);
  const cause = blocks.length > 1 ? causeText(blocks[blocks.length - 1]!) : '';
  const text = cause && cause !== context ? (context ? `${context}: ${cause}` : cause) : context;
  if (!text) return undefined;
  return oneLine(redactUntrusted(text, known));
}

export function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_REASON_CHARS ? `${flat.slice(0, MAX_REASON_CHARS - 1)}…` : flat;
}

const AUTH = /Provider protocol error: (?:permission_denied|interaction_required|authorization)|authenticat|unauthori[sz]ed|not (?:signed|logged) in|\bsign[ -]?in\b|\blog[ -]?in\b|session (?:has )?expired|invalid (?:token|credentials?|identity)|access denied|permission denied|forbidden|\b40[13]\b|\blocked\b|\bunlock|decrypt|credential prompt|requires an interactive prompt|requires a reason/i;
const UNAVAILABLE =
  /Provider protocol error: (?:unavailable|deadline_exceeded)|Provider backend '[^']*' (?:not found|is not available)|feature was not enabled|connect|network|dns|resolve host|timed? ?out|unreachable|no such file|not found on PATH|command not found|failed to (?:spawn|execute|run)|os error|temporarily/i;

/**
 * The kind of a run that ended in SecretSpec's error report, from its one
 * line: sign-in and decryption problems are `auth_failed`, a store or tool
 * that cannot be reached (or is not in this build) `unavailable`, anything
 * else (a manifest the CLI rejects, an unknown profile) `internal`.
 */
export function classifyCliError(reason: string): CliFailureKind {
  if (AUTH.test(reason)) return 'auth_failed';
  if (UNAVAILABLE.test(reason)) return 'unavailable';
  return 'internal';
}

/** The kinds a refused or failed write (set, delete, import) is reported with. */
export type CliWriteFailureKind = CliFailureKind | Extract<ErrorKind, 'read_only' | 'capability_required' | 'not_declared' | 'invalid_request'>;

/**
 * A write's failure from its one line: SecretSpec's refusals (a read-only
 * store or secret, a store that cannot delete, an undeclared name) before
 * the generic kinds.
 */
export function classifyWriteError(reason: string): CliWriteFailureKind {
  if (/does not support deleting/i.test(reason)) return 'capability_required';
  if (/read-only|read only|derived from other secrets|uses `extract`|write-only/i.test(reason)) return 'read_only';
  if (/is not defined in profile|not declared/i.test(reason)) return 'not_declared';
  if (/cannot be empty|Invalid profile/i.test(reason)) return 'invalid_request';
  return classifyCliError(reason);
}

/** Every kind the bridge reports: a run's failure, a write's refusal, or Restricted Mode (nothing started). */
export type BridgeFailureKind = CliWriteFailureKind | Extract<ErrorKind, 'untrusted_workspace'>;

/**
 * `set`'s destination preview from its stderr (secrets.rs: `Writing secret
 * '<NAME>' to <uri> (profile: <p>)` then `  target: <native target>`), for
 * the secret asked about only. The URI is the store's credential-free
 * `uri()`; both parts are redacted anyway, as all stderr text is.
 */
export function parseWritePreview(stderr: string, name: string, profile: string): { provider: string; target: string } | undefined {
  const lines = stderr.replace(CONTROL, ' ').split(/\r?\n/);
  const head = `Writing secret '${name}' to `;
  const tail = ` (profile: ${profile})`;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith(head) || !line.endsWith(tail)) continue;
    const provider = line.slice(head.length, line.length - tail.length);
    const target = /^\s*target:\s*(.*)$/.exec(lines[i + 1] ?? '')?.[1];
    return { provider: oneLine(redactUntrusted(provider)), target: oneLine(redactUntrusted(target ?? provider)) };
  }
  return undefined;
}
