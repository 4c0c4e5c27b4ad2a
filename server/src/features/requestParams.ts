// The edge of the custom requests (lsp-extensions.md): params from the wire
// are checked here, and every refusal is a ResponseError carrying its kind,
// so a malformed request gets a clear invalid_request, never a TypeError.
import { ErrorCodes, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { ErrorKind } from '../../../protocol/src';
import type { Analysis, ParsedAnalysis } from '../manifest/analysis';
import { isManifestUri } from '../manifest/documents';
import { asProviderError } from '../providers/store';

export function requestFailure(kind: ErrorKind, message: string): ResponseError<{ kind: ErrorKind }> {
  return new ResponseError(kind === 'invalid_request' ? ErrorCodes.InvalidParams : LSPErrorCodes.RequestFailed, message, { kind });
}

/** Any failure as a ResponseError carrying its kind; an unexpected one is named by its type only. */
export function asResponseError(error: unknown): ResponseError<unknown> {
  if (error instanceof ResponseError) return error;
  const e = asProviderError(error);
  return requestFailure(e.kind, e.message);
}

export function requireString(value: unknown, field: string, options: { nonEmpty?: boolean } = {}): string {
  if (typeof value !== 'string') throw requestFailure('invalid_request', `'${field}' must be a string`);
  if (options.nonEmpty && value === '') throw requestFailure('invalid_request', `'${field}' must not be empty`);
  return value;
}

export function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw requestFailure('invalid_request', `'${field}' must be a boolean`);
  return value;
}

export function documentUri(params: unknown): string {
  const doc = typeof params === 'object' && params !== null ? (params as { textDocument?: unknown }).textDocument : undefined;
  if (typeof doc !== 'object' || doc === null) throw requestFailure('invalid_request', "'textDocument' must be { uri }");
  return requireString((doc as { uri?: unknown }).uri, 'textDocument.uri', { nonEmpty: true });
}

/** The analysis of the open manifest `uri`; refused when `uri` names none. */
export async function openAnalysis(analysisFor: (uri: string) => Promise<Analysis | undefined>, uri: string): Promise<Analysis> {
  const analysis = isManifest(uri) ? await analysisFor(uri) : undefined;
  if (!analysis) throw requestFailure('invalid_request', `${uri} is not an open secretspec.toml`);
  return analysis;
}

/** The analysis of the open manifest `uri`, which reads far enough to have profiles. */
export async function parsedAnalysis(analysisFor: (uri: string) => Promise<Analysis | undefined>, uri: string): Promise<ParsedAnalysis> {
  const analysis = await openAnalysis(analysisFor, uri);
  const merged = analysis.load.merged;
  const profiles = analysis.validation.profiles;
  if (!merged || !profiles) throw requestFailure('invalid_request', 'the manifest does not parse; fix its syntax errors first');
  return { analysis, manifest: merged, profiles };
}

/** isManifestUri for a URI from the wire, which may not even percent-decode. */
export function isManifest(uri: string): boolean {
  try {
    return isManifestUri(uri);
  } catch {
    return false;
  }
}
