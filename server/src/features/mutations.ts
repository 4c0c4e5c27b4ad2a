// `secretspec/writeTarget`, `set`, `delete`, `import` and `reflect` at the
// request edge: params checked, the manifest's analysis loaded, the work done
// by check/mutate over the stores, every failure a ResponseError whose data
// names its kind.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DeleteRequest,
  ImportRequest,
  ReflectRequest,
  SetRequest,
  WriteTargetRequest,
  type DeleteParams,
  type ImportParams,
  type ReflectParams,
  type SetParams,
  type WriteTargetParams,
} from '../../../protocol/src';
import { deleteValue, importValues, reflectFrom, setValue, writeTarget, type SecretRef, type WriteEnv, type WriteScope } from '../check/mutate';
import type { ServerContext } from '../context';
import { asResponseError, documentUri, optionalBoolean, parsedAnalysis, requestFailure, requireString } from './requestParams';

function home(): { home?: string } {
  return process.env.HOME ? { home: process.env.HOME } : {};
}

function secretOf(params: { profile?: unknown; name?: unknown }): SecretRef {
  return { profile: requireString(params.profile, 'profile', { nonEmpty: true }), name: requireString(params.name, 'name', { nonEmpty: true }) };
}

export function registerMutations(ctx: ServerContext): void {
  const env = (uri?: string): WriteEnv => ({
    stores: ctx.stores,
    trusted: ctx.options.trusted === true,
    log: (line) => ctx.connection.console.log(line),
    wrote: () => {
      if (uri) ctx.presence.recheck(uri, 'changed');
    },
  });

  async function scopeOf(uri: string): Promise<WriteScope> {
    const { manifest, profiles } = await parsedAnalysis(ctx.analysisFor, uri);
    const configFile = uri.startsWith('file:') ? fileURLToPath(uri) : null;
    return {
      ...(await ctx.routing(uri, manifest)),
      profiles,
      configFile,
      base: { configFile, baseDir: configFile ? path.dirname(configFile) : process.cwd(), ...home() },
    };
  }

  const handle =
    <P, R>(run: (params: P) => Promise<R>) =>
    async (params: P): Promise<R> => {
      try {
        return await run(params ?? ({} as P));
      } catch (error) {
        throw asResponseError(error);
      }
    };

  ctx.connection.onRequest(
    WriteTargetRequest,
    handle(async (p: WriteTargetParams) => {
      const uri = documentUri(p);
      const secret = secretOf(p);
      return writeTarget(await scopeOf(uri), env(uri), secret, p.withDeletable === true);
    }),
  );
  ctx.connection.onRequest(
    SetRequest,
    handle(async (p: SetParams) => {
      const uri = documentUri(p);
      const secret = secretOf(p);
      const value = requireString(p.value, 'value');
      return setValue(await scopeOf(uri), env(uri), secret, value);
    }),
  );
  ctx.connection.onRequest(
    DeleteRequest,
    handle(async (p: DeleteParams) => {
      const uri = documentUri(p);
      const secret = secretOf(p);
      return deleteValue(await scopeOf(uri), env(uri), secret);
    }),
  );
  ctx.connection.onRequest(
    ImportRequest,
    handle(async (p: ImportParams) => {
      const uri = documentUri(p);
      const request = {
        profile: requireString(p.profile, 'profile', { nonEmpty: true }),
        from: requireString(p.from, 'from', { nonEmpty: true }),
        dryRun: optionalBoolean(p.dryRun, 'dryRun'),
        deleteSource: optionalBoolean(p.deleteSource, 'deleteSource'),
      };
      return importValues(await scopeOf(uri), env(uri), request);
    }),
  );
  ctx.connection.onRequest(
    ReflectRequest,
    handle(async (p: ReflectParams) => {
      const from = requireString(p?.from, 'from', { nonEmpty: true });
      const project = requireString(p.project, 'project');
      if (p.profile !== undefined) requireString(p.profile, 'profile');
      const directory = requireString(p.directory, 'directory', { nonEmpty: true });
      if (!path.isAbsolute(directory)) throw requestFailure('invalid_request', `'directory' must be an absolute path, got '${directory}'`);
      const manifestPath = path.join(directory, 'secretspec.toml');
      return reflectFrom(env(), { from, project, directory, configFile: existsSync(manifestPath) ? manifestPath : null, ...home() });
    }),
  );
}
