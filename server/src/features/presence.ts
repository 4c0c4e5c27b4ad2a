// `secretspec/check` at the request edge: params checked, the check run (or
// joined) by the server's presence checks, a refusal a ResponseError whose
// data names its kind.
import { CheckRequest, type CheckParams, type CheckResult } from '../../../protocol/src';
import type { ServerContext } from '../context';
import { asResponseError, documentUri, optionalBoolean, requestFailure } from './requestParams';

/** The request's params checked at the edge: a malformed request gets a clear invalid_request, never a TypeError. */
function checkParams(params: unknown): { uri: string; profiles?: string[]; force: boolean } {
  const uri = documentUri(params);
  const force = optionalBoolean((params as { force?: unknown }).force, 'force');
  const profiles = (params as { profiles?: unknown }).profiles;
  if (profiles === undefined || profiles === null) return { uri, force };
  if (!Array.isArray(profiles) || profiles.some((x) => typeof x !== 'string')) throw requestFailure('invalid_request', "'profiles' must be an array of profile names");
  return { uri, profiles: profiles as string[], force };
}

export function registerPresence(ctx: ServerContext): void {
  ctx.connection.onRequest(CheckRequest, async (params: CheckParams): Promise<CheckResult> => {
    const { uri, profiles, force } = checkParams(params);
    try {
      return await ctx.presence.check(uri, profiles, force);
    } catch (error) {
      throw asResponseError(error);
    }
  });
}
