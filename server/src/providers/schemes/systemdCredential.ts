// `systemd-credential`: read-only, one credential file per secret in `$CREDENTIALS_DIRECTORY`.
import { defineScheme, emptyOnly } from '../scheme';

export const systemdCredential = defineScheme('systemd-credential', {
  shapes: { 'systemd-credential': { shape: 'systemd-credential://', snippet: 'systemd-credential://' } },
  writes: false,
  flat: true,
  grammar: emptyOnly('systemd-credential:// takes no authority, path, or query: to read one specific credential, use ref = { item = "..." } on the secret instead'),
  address: (_url, at) => `\`$CREDENTIALS_DIRECTORY/${at.key}\``,
});
