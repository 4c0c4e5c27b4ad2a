// Who answers an endpoint's `client.credential` callback (lsp-extensions.md
// `secretspec/credential`): the alias's own `credentials` source when the
// manifest or the user config declares one for that name (read from the
// store it names, as SecretSpec does), else the editor, else `missing`.
// The value goes only back to the endpoint that asked: never logged, never
// in an error.
import type { CredentialParams } from '../../../protocol/src';
import { hostUri } from '../check/route';
import type { AliasModel } from '../manifest/model';
import { nativeKey, type Stores } from '../providers/store';
import type { CredentialAnswer } from './session';
import type { EndpointCredentialRequest, EndpointCredentials } from './stores';

export interface CredentialBrokerOptions {
  /** The aliases in force for the manifest at `configFile` (the user config's merged in), when it is known. */
  aliases(configFile: string | null): Promise<ReadonlyMap<string, AliasModel> | undefined>;
  /** The stores a credential source is read from. */
  stores: Stores;
  /** Asks the editor with `secretspec/credential`; whatever it answered, unchecked. */
  ask(params: CredentialParams, signal: AbortSignal): Promise<unknown>;
}

const MISSING: CredentialAnswer = { status: 'missing' };

/** Only a found, non-empty string is a credential: anything else a client says (null, an error) is `missing`. */
function fromClient(answer: unknown): CredentialAnswer {
  if (typeof answer !== 'object' || answer === null) return MISSING;
  const { status, value } = answer as { status?: unknown; value?: unknown };
  return status === 'found' && typeof value === 'string' && value !== '' ? { status: 'found', value } : MISSING;
}

export function credentialBroker(options: CredentialBrokerOptions): EndpointCredentials {
  return async (request: EndpointCredentialRequest, signal: AbortSignal): Promise<CredentialAnswer> => {
    const aliases = await options.aliases(request.configFile);
    const source = [...(aliases?.values() ?? [])]
      .filter((a) => a.uri !== undefined && hostUri(a.uri.value) === request.uri)
      .flatMap((a) => a.credentials)
      .find((c) => c.name === request.name && c.provider !== undefined);
    if (source) {
      const spec = source.provider!.value;
      const uri = hostUri(aliases?.get(spec)?.uri?.value ?? spec);
      const store = await options.stores.open(uri, { configFile: request.configFile, project: request.project, command: 'credential', profile: request.profile });
      const ref = source.ref?.value;
      // A `ref` on the source addresses the credential natively where the store takes that; else its item (or the name) is the key.
      const key = ref && options.stores.takesNativeAddresses?.(uri) ? nativeKey({ ...ref, item: ref.item ?? request.name }) : (ref?.item ?? request.name);
      const value = await store.get({ project: request.project, profile: request.profile }, key);
      return value ? { status: 'found', value } : MISSING;
    }
    try {
      return fromClient(await options.ask({ scheme: request.scheme, name: request.name, scope: request.scope, required: request.required }, signal));
    } catch {
      // A client without the request, or one that failed it: no credential, and the endpoint decides what that means.
      return MISSING;
    }
  };
}
