// `secretspec/declare`: the TOML that declares secrets a provider reported,
// for "Create secretspec.toml from provider…": a whole new manifest, or one
// insertion that adds declarations to `[profiles.default]` of an open one and
// leaves every other byte (comments, order, `x-*` tables) as it was. The
// client writes no manifest syntax and never scans one.
import { DeclareRequest, type DeclareParams, type DeclareResult, type ReflectResult } from '../../../protocol/src';
import type { ServerContext } from '../context';
import type { SourceMap } from '../manifest/locate';
import { tomlString } from './edits';
import { documentUri, parsedAnalysis, requestFailure } from './requestParams';

type Declarations = ReflectResult['secrets'];

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

/** One inline-table declaration; SecretSpec requires a description, so the name stands in when the provider has none. */
export function declarationLine(name: string, info: { description?: string; required?: boolean }): string {
  const description = info.description && info.description.length > 0 ? info.description : name;
  const required = info.required === false ? ', required = false' : '';
  return `${BARE_KEY.test(name) ? name : tomlString(name)} = { description = ${tomlString(description)}${required} }`;
}

function lines(secrets: Declarations, eol: string): string {
  return Object.keys(secrets)
    .sort()
    .map((name) => declarationLine(name, secrets[name]!) + eol)
    .join('');
}

export function newManifest(project: string, secrets: Declarations): string {
  return ['[project]', `name = ${tomlString(project)}`, 'revision = "1.0"', '', '[profiles.default]', ''].join('\n') + lines(secrets, '\n');
}

const BLANK_OR_COMMENT = /^\s*(#.*)?$/;

/** Where and what to insert so `[profiles.default]` of the manifest `map` holds declares `secrets`. */
export function declarationInsertion(map: SourceMap, secrets: Declarations): DeclareResult {
  const text = map.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const all = text.split(/\r?\n/);
  // A trailing newline leaves an empty last element that is not a line of its own.
  const count = text.endsWith('\n') ? all.length - 1 : all.length;
  const body = lines(secrets, eol);
  const table = map.get(['profiles', 'default']);
  if (!table?.header || !table.body) {
    const needsEol = count > 0 && !text.endsWith('\n');
    const gap = count > 0 && all[count - 1]!.trim() !== '' ? eol : '';
    return { line: count, text: (needsEol ? eol : '') + gap + '[profiles.default]' + eol + body };
  }
  const header = map.positionAt(table.header.start).line;
  const end = table.body.end >= text.length ? count : map.positionAt(table.body.end).line;
  // After the table's last key line: comments and blank lines just above the next header belong to that header.
  let last = header;
  for (let i = header + 1; i < end; i++) if (!BLANK_OR_COMMENT.test(all[i]!)) last = i;
  const atEof = last + 1 >= count && !text.endsWith('\n');
  return { line: last + 1, text: (atEof ? eol : '') + body };
}

export function registerDeclare(ctx: ServerContext): void {
  ctx.connection.onRequest(DeclareRequest, async (params: DeclareParams): Promise<DeclareResult> => {
    const secrets = params?.secrets;
    if (typeof secrets !== 'object' || secrets === null || Array.isArray(secrets)) throw requestFailure('invalid_request', "'secrets' must be a table of declarations");
    if (params.textDocument === undefined) {
      if (typeof params.project !== 'string') throw requestFailure('invalid_request', "'project' must be a string when no textDocument is given");
      return { line: 0, text: newManifest(params.project, secrets) };
    }
    const { analysis } = await parsedAnalysis(ctx.analysisFor, documentUri(params));
    return declarationInsertion(analysis.load.root.map, secrets);
  });
}
