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
import { deleteValue, importValues, reflectFrom, setValue, writeTarget, type CliWrites, type SecretRef, type WriteEnv, type WriteScope } from '../check/mutate';
import type { ServerContext } from '../context';
import { asResponseError, documentUri, optionalBoolean, parsedAnalysis, requestFailure, requireString } from './requestParams';

function home(): { home?: string } {
  return process.env.HOME ? { home: process.env.HOME } : {};
}

function secretOf(params: { profile?: unknown; name?: unknown }): SecretRef {
  return { profile: requireString(params.profile, 'profile', { nonEmpty: true }), name: requireString(params.name, 'name', { nonEmpty: true }) };
}

export function registerMutations(ctx: ServerContext): void {
  const env = (uri?: string, cli?: CliWrites): WriteEnv => ({
    stores: ctx.stores,
    ...(cli ? { cli } : {}),
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

  /** The user's CLI for the stores of this manifest no plugin serves; it needs the manifest as a file. */
  function cliFor(uri: string, scope: WriteScope): CliWrites | undefined {
    const cli = ctx.cli();
    const manifest = scope.configFile;
    if (!cli || manifest === null) return undefined;
    const { bridge } = cli;
    const project = scope.manifest.project.name?.value ?? '';
    const at = (s: SecretRef) => ({ manifest, project, profile: s.profile, name: s.name });
    return {
      handles: cli.delegable,
      describeTarget: (s) => bridge.describeTarget(at(s)),
      set: (s, value) => bridge.set({ ...at(s), value }),
      delete: (s) => bridge.delete(at(s)),
      import: async (r) => {
        // A dry run reads the profile's check report, kept by the same inputs a presence check uses.
        const load = (await ctx.analysisFor(uri))?.load;
        const userConfigText = cli.userConfigText();
        return bridge.import({
          manifest,
          project,
          profile: r.profile,
          manifestText: load?.root.text ?? '',
          ...(userConfigText !== undefined ? { userConfigText } : {}),
          extra: load ? [...load.files.values()].map((f) => f.text) : [],
          from: r.from,
          names: r.names,
          composed: r.composed,
          dryRun: r.dryRun,
          deleteSource: r.deleteSource,
        });
      },
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
      const scope = await scopeOf(uri);
      return writeTarget(scope, env(uri, cliFor(uri, scope)), secret, p.withDeletable === true);
    }),
  );
  ctx.connection.onRequest(
    SetRequest,
    handle(async (p: SetParams) => {
      const uri = documentUri(p);
      const secret = secretOf(p);
      const value = requireString(p.value, 'value');
      const scope = await scopeOf(uri);
      return setValue(scope, env(uri, cliFor(uri, scope)), secret, value);
    }),
  );
  ctx.connection.onRequest(
    DeleteRequest,
    handle(async (p: DeleteParams) => {
      const uri = documentUri(p);
      const secret = secretOf(p);
      const scope = await scopeOf(uri);
      return deleteValue(scope, env(uri, cliFor(uri, scope)), secret);
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
      const scope = await scopeOf(uri);
      return importValues(scope, env(uri, cliFor(uri, scope)), request);
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
      return reflectFrom(env(), { from, project, directory, configFile: existsSync(manifestPath) ? manifestPath : null, ...(p.profile !== undefined ? { profile: p.profile } : {}), ...home() });
    }),
  );
}
