// Provider credentials for SecretSpec 0.21 endpoints: the server asks with
// `secretspec/credential` when an endpoint's `client.credential` callback
// names one its alias has no source for, and the answer comes from the
// extension's reserved SecretStorage namespace. The user stores one with
// SecretSpec: Store Provider Credential… (masked input); nothing ever shows
// it again. A value crossing to the server is held by the redactor, so even
// a verbose protocol trace masks it.
import type { CredentialParams, CredentialResult } from '../../../protocol/src/index';
import type { Redactor } from '../redact';
import type { InternalSecrets } from '../secretStorage';
import type { Ui } from './ui';

/** SecretSpec's scheme and credential-name syntax: both fit a SecretStorage key as they are. */
const SCHEME = /^[a-z][a-z0-9-]*$/;
const NAME = /^[a-z][a-z0-9_]*$/;

/** One entry per scheme and credential name: an endpoint asks by those, whichever URI of the scheme it serves. */
function storageName(scheme: string, name: string): string {
  return `provider.${scheme}.${name}`;
}

/** The answer to `secretspec/credential`: the stored value, else `missing` (also for a request of the wrong shape). */
export async function answerCredential(secrets: InternalSecrets, redactor: Redactor, params: CredentialParams): Promise<CredentialResult> {
  if (typeof params?.scheme !== 'string' || !SCHEME.test(params.scheme) || typeof params.name !== 'string' || !NAME.test(params.name) || params.name.length > 100) {
    return { status: 'missing' };
  }
  const value = await secrets.get(storageName(params.scheme, params.name));
  if (!value) return { status: 'missing' };
  // Held for the session: the response itself is the one place the value may appear.
  redactor.hold(value);
  return { status: 'found', value };
}

/** SecretSpec: Store Provider Credential…: the scheme and the credential's name, then the value in a masked box. */
export async function storeCredential(ui: Ui, secrets: InternalSecrets, info: (message: string) => void): Promise<void> {
  const scheme = await ui.input({
    title: 'Store Provider Credential: scheme',
    prompt: 'The provider scheme, as in acme:// (a SecretSpec 0.21 provider)',
    validateInput: (v) => (SCHEME.test(v.trim()) ? undefined : 'lowercase letters, digits and -, starting with a letter'),
  });
  if (!scheme) return;
  const name = await ui.input({
    title: `Store Provider Credential: ${scheme.trim()}`,
    prompt: 'The credential name the provider asks for, e.g. access_token',
    validateInput: (v) => (NAME.test(v.trim()) && v.trim().length <= 100 ? undefined : 'lowercase letters, digits and _, starting with a letter'),
  });
  if (!name) return;
  const value = await ui.secret({ title: `Store Provider Credential: ${scheme.trim()} ${name.trim()}`, prompt: 'The credential (hidden; it is never shown again)' });
  if (!value) return;
  await secrets.store(storageName(scheme.trim(), name.trim()), value);
  info(`Stored the ${name.trim()} credential for ${scheme.trim()}:// providers in VS Code's secret storage`);
}
